import { useEffect, useState } from 'react';
import type { ReleaseDetail, ReleaseStatusEvent } from '../../../src/ui/api-types.js';
import { listen } from '../api.js';
import { ConfigTable, ErrorBox, Loading, StatusBadge, formatTime } from '../components/common.js';
import { useApi } from '../components/hooks.js';
import { pageHref, releaseApiPath, releaseHref } from '../lib/routes.js';

export function ReleasePage({ namespace, release, query }: { readonly namespace: string; readonly release: string; readonly query: URLSearchParams }) {
  const context = query.get('context') ?? undefined;
  const detail = useApi<ReleaseDetail>(releaseApiPath(namespace, release, '', { context }));
  const [live, setLive] = useState<ReleaseStatusEvent>();
  const [streaming, setStreaming] = useState(false);
  useEffect(() => {
    setLive(undefined);
    return listen(
      releaseApiPath(namespace, release, 'watch', { context }),
      {
        status: (data) => {
          setLive(data as ReleaseStatusEvent);
          setStreaming(true);
        },
      },
      () => setStreaming(false),
    );
  }, [namespace, release, context]);
  if (detail.error) return <main><h1>{release}</h1><ErrorBox error={detail.error} /></main>;
  const data = detail.data;
  if (!data) return <main><h1>{release}</h1><Loading /></main>;
  const services = live?.services ?? data.services;
  const pods = live?.pods ?? data.pods;
  const { summary } = data;
  const current = summary.revision;
  const previous = data.history.find((r) => r.revision < current)?.revision;
  return (
    <main>
      <h1>
        {summary.release} <span className="muted">in {summary.namespace}</span>
      </h1>
      <p>
        <StatusBadge status={summary.status} /> revision {summary.revision}, {summary.template ? `template ${summary.template.name}@${summary.template.version}` : `app ${summary.app} (${summary.env})`}, version {summary.version}, updated{' '}
        <time dateTime={summary.updatedAt}>{formatTime(summary.updatedAt)}</time>, context {summary.context}
      </p>
      {data.description && <p>{data.description}</p>}
      {data.error && <div className="error" role="alert"><p>{data.error}</p></div>}
      <nav className="actions" aria-label="Release actions">
        {previous !== undefined && <a className="button" href={releaseHref(namespace, release, 'diff', { context, from: previous, to: current })}>Diff with revision {previous}</a>}
        <a className="button" href={releaseHref(namespace, release, 'rollback', { context, revision: previous })}>Roll back…</a>
        <a className="button" href={pageHref('deploy', summary.template ? { template: summary.template.name, namespace, release, context } : { app: summary.app, env: summary.env, namespace, release, context })}>Upgrade…</a>
        <a className="button" href={releaseHref(namespace, release, 'graph', { context })}>Dependency graph</a>
      </nav>

      <section aria-labelledby="services-title">
        <h2 id="services-title">
          Services <span className={streaming ? 'live on' : 'live'} role="status">{streaming ? 'live' : 'connecting…'}</span>
        </h2>
        <table className="services">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Kind</th>
              <th scope="col">Readiness</th>
              <th scope="col">Pods ready</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.name} data-service={s.name}>
                <td>{s.name}</td>
                <td>{s.kind}</td>
                <td><StatusBadge status={s.state} /></td>
                <td>{s.pods.ready}/{s.pods.total}</td>
                <td>{s.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="pods-title">
        <h2 id="pods-title">Pods</h2>
        {pods.length === 0 ? <p className="muted">No pods.</p> : (
          <table className="pods">
            <thead>
              <tr>
                <th scope="col">Pod</th>
                <th scope="col">Service</th>
                <th scope="col">Phase</th>
                <th scope="col">Ready</th>
                <th scope="col">Restarts</th>
                <th scope="col">Why not ready / newest warnings</th>
              </tr>
            </thead>
            <tbody>
              {pods.map((p) => (
                <tr key={p.name}>
                  <td><code>{p.name}</code></td>
                  <td>{p.service ?? '—'}</td>
                  <td>{p.phase}</td>
                  <td>{p.ready ? 'yes' : 'no'}</td>
                  <td>{p.restarts}</td>
                  <td>
                    {p.reason && <p>{p.reason}</p>}
                    {p.warnings.length > 0 && (
                      <ul className="warnings">
                        {p.warnings.map((w) => (
                          <li key={`${w.at}:${w.reason}`}><strong>{w.reason}</strong> {w.message} <time className="muted" dateTime={w.at}>{formatTime(w.at)}</time></li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="config-title">
        <h2 id="config-title">Config</h2>
        <ConfigTable config={data.config} caption={`Config of revision ${current} (secrets masked)`} />
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <table className="history">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Status</th>
              <th scope="col">Updated</th>
              <th scope="col">Version</th>
              <th scope="col">By</th>
              <th scope="col">Description</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.history.map((r) => (
              <tr key={r.revision}>
                <td>{r.revision}</td>
                <td><StatusBadge status={r.status} /></td>
                <td><time dateTime={r.updatedAt}>{formatTime(r.updatedAt)}</time></td>
                <td>{r.template ? `${r.template.name}@${r.template.version}` : r.version}</td>
                <td>{r.user}</td>
                <td>{r.description}</td>
                <td>
                  {r.revision !== current && (
                    <>
                      <a href={releaseHref(namespace, release, 'diff', { context, from: r.revision, to: current })}>Diff with {current}</a>{' '}
                      <a href={releaseHref(namespace, release, 'rollback', { context, revision: r.revision })}>Roll back to {r.revision}</a>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
