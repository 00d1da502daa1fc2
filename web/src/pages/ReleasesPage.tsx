import { useEffect, useRef, useState } from 'react';
import type { ReleaseList, SessionInfo } from '../../../src/ui/api-types.js';
import { ErrorBox, Loading, StatusBadge, formatTime } from '../components/common.js';
import { useApi } from '../components/hooks.js';
import { SORTS, STATUSES, filterFromQuery, filterParams, lastPage, pageLabel, type ReleaseFilter } from '../lib/releases-query.js';
import { pageHref, queryString, releaseHref } from '../lib/routes.js';

export function ReleasesPage({ query, session }: { readonly query: URLSearchParams; readonly session: SessionInfo }) {
  const filter = filterFromQuery(query);
  const [search, setSearch] = useState(filter.q ?? '');
  const typing = useRef<ReturnType<typeof setTimeout>>(undefined);
  const go = (change: Partial<ReleaseFilter>) => {
    location.hash = pageHref('releases', filterParams({ ...filter, page: 1, ...change }));
  };
  // The URL is the filter: typing reaches it 250 ms after the last key; a link or the back button changes it
  // directly, and the box follows (a pending keystroke's update is dropped then).
  const onSearch = (text: string) => {
    setSearch(text);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => go({ q: text.trim() || undefined }), 250);
  };
  useEffect(() => {
    clearTimeout(typing.current);
    setSearch((current) => (current.trim() === (filter.q ?? '') ? current : (filter.q ?? '')));
  }, [filter.q]);
  const list = useApi<ReleaseList>(`/api/releases${queryString(filterParams(filter))}`);
  const data = list.data;
  return (
    <main>
      <h1>Releases</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Context
          <select value={filter.context ?? ''} onChange={(e) => go({ context: e.target.value || undefined })}>
            {session.contexts.map((c) => (
              <option key={c.name} value={c.current ? '' : c.name}>
                {c.name}
                {c.current ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <input type="text" key={filter.namespace ?? ''} defaultValue={filter.namespace ?? ''} placeholder="all" onBlur={(e) => go({ namespace: e.target.value.trim() || undefined })} onKeyDown={(e) => e.key === 'Enter' && go({ namespace: e.currentTarget.value.trim() || undefined })} />
        </label>
        <label>
          Search
          <input type="search" value={search} placeholder="release, namespace, app, template" onChange={(e) => onSearch(e.target.value)} />
        </label>
        <label>
          Status
          <select value={filter.status ?? ''} onChange={(e) => go({ status: (e.target.value || undefined) as ReleaseFilter['status'] })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select value={filter.sort} onChange={(e) => go({ sort: e.target.value as ReleaseFilter['sort'] })}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {s === 'updatedAt' ? 'updated' : s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.error && <ErrorBox error={list.error} />}
      {data?.notes.map((note) => (
        <p className="note" key={`${note.namespace}:${note.message}`}>
          {note.namespace && <strong>{note.namespace}: </strong>}
          {note.message}
        </p>
      ))}
      {!data && list.loading && <Loading />}
      {data && (
        <>
          <table className="releases" aria-busy={list.loading}>
            <caption>
              Releases {pageLabel(data.page, data.pageSize, data.total)}
            </caption>
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">Namespace</th>
                <th scope="col">Context</th>
                <th scope="col">App or template</th>
                <th scope="col">Revision</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={`${row.context}/${row.namespace}/${row.release}`}>
                  <td>
                    <a href={releaseHref(row.namespace, row.release, undefined, { context: filter.context })}>{row.release}</a>
                  </td>
                  <td>{row.namespace}</td>
                  <td>{row.context}</td>
                  <td>{row.template ? `${row.template.name}@${row.template.version}` : `${row.app} (${row.env})`}</td>
                  <td>{row.revision}</td>
                  <td>
                    <StatusBadge status={row.status} />
                  </td>
                  <td>
                    <time dateTime={row.updatedAt}>{formatTime(row.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            {data.page > 1 ? <a href={pageHref('releases', filterParams({ ...filter, page: data.page - 1 }))}>Previous page</a> : <span className="muted">Previous page</span>}
            <span>
              Page {data.page} of {lastPage(data.pageSize, data.total)}
            </span>
            {data.page < lastPage(data.pageSize, data.total) ? <a href={pageHref('releases', filterParams({ ...filter, page: data.page + 1 }))}>Next page</a> : <span className="muted">Next page</span>}
          </nav>
        </>
      )}
    </main>
  );
}
