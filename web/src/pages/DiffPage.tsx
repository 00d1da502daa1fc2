import type { ReleaseDetail, RevisionDiffView } from '../../../src/ui/api-types.js';
import { ChangeTable, ErrorBox, Loading, UnifiedDiff } from '../components/common.js';
import { useApi } from '../components/hooks.js';
import { releaseApiPath, releaseHref } from '../lib/routes.js';

export function DiffPage({ namespace, release, query }: { readonly namespace: string; readonly release: string; readonly query: URLSearchParams }) {
  const context = query.get('context') ?? undefined;
  const detail = useApi<ReleaseDetail>(releaseApiPath(namespace, release, '', { context }));
  const revisions = detail.data?.history.map((r) => r.revision) ?? [];
  const to = Number(query.get('to')) || detail.data?.summary.revision;
  const from = Number(query.get('from')) || revisions.find((r) => to !== undefined && r < to);
  const diff = useApi<RevisionDiffView>(from && to ? releaseApiPath(namespace, release, 'diff', { context, from, to }) : undefined);
  const pick = (change: { from?: number; to?: number }) => {
    location.hash = releaseHref(namespace, release, 'diff', { context, from, to, ...change });
  };
  return (
    <main>
      <h1>
        Diff of <a href={releaseHref(namespace, release, undefined, { context })}>{release}</a> <span className="muted">in {namespace}</span>
      </h1>
      {detail.error && <ErrorBox error={detail.error} />}
      {detail.data && (
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            From revision
            <select value={from ?? ''} onChange={(e) => pick({ from: Number(e.target.value) })}>
              {revisions.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <label>
            To revision
            <select value={to ?? ''} onChange={(e) => pick({ to: Number(e.target.value) })}>
              {revisions.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
        </form>
      )}
      {diff.error && <ErrorBox error={diff.error} />}
      {(detail.loading || diff.loading) && <Loading />}
      {diff.data && (
        <>
          <h2>Config</h2>
          <ChangeTable changes={diff.data.config} caption={`Config changes from revision ${diff.data.from} to ${diff.data.to}`} />
          <h2>Objects</h2>
          {diff.data.objects.length === 0 ? <p className="muted">No object changes.</p> : diff.data.objects.map((o) => (
            <section key={o.object} aria-label={o.object}>
              <h3><span className={`action action-${o.change}`}>{o.change}</span> <code>{o.object}</code></h3>
              <UnifiedDiff diff={o.diff} title={o.object} />
            </section>
          ))}
        </>
      )}
    </main>
  );
}
