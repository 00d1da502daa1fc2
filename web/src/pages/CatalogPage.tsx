import { useState } from 'react';
import type { CatalogList } from '../../../src/ui/api-types.js';
import { formatValue } from '../lib/config-view.js';
import { ErrorBox, Loading } from '../components/common.js';
import { useApi, useDebounced } from '../components/hooks.js';
import { pageHref, queryString } from '../lib/routes.js';

export function CatalogPage({ query }: { readonly query: URLSearchParams }) {
  const [search, setSearch] = useState(query.get('q') ?? '');
  const q = useDebounced(search.trim(), 250);
  const catalog = useApi<CatalogList>(`/api/catalog${queryString({ q })}`);
  const [versions, setVersions] = useState<Record<string, string>>({});
  return (
    <main>
      <h1>Catalog</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search templates
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="name, keyword" />
        </label>
      </form>
      {catalog.error && <ErrorBox error={catalog.error} />}
      {catalog.data?.notes.map((n) => <p className="note" key={n}>{n}</p>)}
      {catalog.loading && <Loading />}
      {catalog.data?.items.length === 0 && <p className="muted">No templates found.</p>}
      {catalog.data?.items.map((t) => {
        const version = versions[t.name] ?? t.latest;
        return (
          <article className="card" key={t.name} aria-labelledby={`t-${t.name}`}>
            <h2 id={`t-${t.name}`}>{t.name}</h2>
            {t.description && <p>{t.description}</p>}
            {t.keywords.length > 0 && <p className="muted">{t.keywords.join(', ')}</p>}
            <div className="filters">
              <label>
                Version
                <select value={version} onChange={(e) => setVersions({ ...versions, [t.name]: e.target.value })}>
                  {t.versions.map((v) => <option key={v} value={v}>{v}{v === t.latest ? ' (latest)' : ''}</option>)}
                </select>
              </label>
              <a className="button primary" href={pageHref('deploy', { template: `${t.name}@${version}` })}>Deploy {t.name}@{version}…</a>
            </div>
            <details>
              <summary>Config ({t.config.length} fields)</summary>
              <table className="config">
                <thead>
                  <tr>
                    <th scope="col">Path</th>
                    <th scope="col">Type</th>
                    <th scope="col">Required</th>
                    <th scope="col">Default</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {t.config.map((row) => (
                    <tr key={row.path}>
                      <td><code>{row.path}</code></td>
                      <td>{row.type}{row.secret ? ' (secret)' : ''}</td>
                      <td>{row.required ? 'yes' : ''}</td>
                      <td>{row.default === undefined ? '' : <code>{formatValue(row.default)}</code>}</td>
                      <td>{row.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </article>
        );
      })}
    </main>
  );
}
