import { useState } from 'react';
import type { OperationRef, PlanView, ReleaseDetail, RollbackRequest } from '../../../src/ui/api-types.js';
import { postJson } from '../api.js';
import { ErrorBox, Loading, OperationLog, PlanPanel } from '../components/common.js';
import { useApi } from '../components/hooks.js';
import { releaseApiPath, releaseHref } from '../lib/routes.js';

export function RollbackPage({ namespace, release, query }: { readonly namespace: string; readonly release: string; readonly query: URLSearchParams }) {
  const context = query.get('context') ?? undefined;
  const detail = useApi<ReleaseDetail>(releaseApiPath(namespace, release, '', { context }));
  const [revision, setRevision] = useState<number | undefined>(Number(query.get('revision')) || undefined);
  const [plan, setPlan] = useState<PlanView>();
  const [operation, setOperation] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const history = detail.data?.history ?? [];
  const chosen = revision ?? history.find((r) => r.revision !== detail.data?.summary.revision)?.revision;
  const run = async <T,>(sub: string, then: (answer: T) => void) => {
    if (chosen === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: RollbackRequest = { revision: chosen };
      then(await postJson<T>(releaseApiPath(namespace, release, sub, { context }), body));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main>
      <h1>
        Roll back <a href={releaseHref(namespace, release, undefined, { context })}>{release}</a> <span className="muted">in {namespace}</span>
      </h1>
      {detail.error && <ErrorBox error={detail.error} />}
      {detail.loading && <Loading />}
      {detail.data && (
        <form className="filters" onSubmit={(e) => { e.preventDefault(); void run<PlanView>('rollback/plan', setPlan); }}>
          <label>
            To revision
            <select value={chosen ?? ''} disabled={operation !== undefined} onChange={(e) => { setRevision(Number(e.target.value)); setPlan(undefined); }}>
              {history.map((r) => (
                <option key={r.revision} value={r.revision}>
                  {r.revision} — {r.status}, {r.template ? `${r.template.name}@${r.template.version}` : r.version}{r.revision === detail.data?.summary.revision ? ' (current)' : ''}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || chosen === undefined || operation !== undefined}>Show plan</button>
        </form>
      )}
      {error && <ErrorBox error={error} />}
      {plan && (
        <>
          <PlanPanel plan={plan} />
          {!operation && (
            <button type="button" className="primary" disabled={busy || plan.refusals.length > 0} onClick={() => void run<OperationRef>('rollback', (ref) => setOperation(ref.id))}>
              Roll back to revision {chosen}
            </button>
          )}
        </>
      )}
      {operation && <OperationLog id={operation} onDone={() => detail.reload()} />}
    </main>
  );
}
