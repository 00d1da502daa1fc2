import { html } from 'diff2html';
import { useEffect, useRef, useState } from 'react';
import type { ConfigChange } from '../../../src/model/config-diff.js';
import type { RevisionStatus } from '../../../src/model/revision.js';
import type { OperationProgress, OperationResult, PlanView } from '../../../src/ui/api-types.js';
import { ApiFailure, listen } from '../api.js';
import { changeRows, configRows } from '../lib/config-view.js';
import { progressLine } from '../lib/lines.js';

export function ErrorBox({ error }: { readonly error: Error }) {
  const api = error instanceof ApiFailure ? error.error : undefined;
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      {api?.hint && <p className="hint">{api.hint}</p>}
      {api?.fields && api.fields.length > 0 && (
        <ul>
          {api.fields.map((f) => (
            <li key={`${f.path}:${f.message}`}>
              {f.path && <code>{f.path}</code>} {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}

export function StatusBadge({ status }: { readonly status: RevisionStatus | string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function ConfigTable({ config, caption }: { readonly config: unknown; readonly caption: string }) {
  const rows = configRows(config);
  return (
    <table className="config">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.path}>
            <td>
              <code>{row.path || '(root)'}</code>
            </td>
            <td className={row.secret ? 'secret' : undefined}>{row.secret ? <em>secret, {row.value}</em> : <code>{row.value}</code>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ChangeTable({ changes, caption }: { readonly changes: readonly ConfigChange[]; readonly caption: string }) {
  if (changes.length === 0) return <p className="muted">{caption}: no changes.</p>;
  return (
    <table className="changes">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Change</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changeRows(changes).map((row) => (
          <tr key={row.path} className={`change-${row.change}`}>
            <td>
              <code>{row.path}</code>
            </td>
            <td>{row.change}</td>
            <td>
              <code>{row.before}</code>
            </td>
            <td>
              <code>{row.after}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A unified diff drawn by diff2html (which escapes the content); colours follow the system theme. */
export function UnifiedDiff({ diff, title }: { readonly diff: string; readonly title: string }) {
  const rendered = html(diff.startsWith('---') || diff.startsWith('diff ') ? diff : `--- a/${title}\n+++ b/${title}\n${diff}`, {
    drawFileList: false,
    outputFormat: 'line-by-line',
    matching: 'lines',
    colorScheme: 'auto' as never,
  });
  return <div className="diff" aria-label={`Diff of ${title}`} dangerouslySetInnerHTML={{ __html: rendered }} />;
}

export function PlanPanel({ plan }: { readonly plan: PlanView }) {
  const { summary } = plan;
  return (
    <section className="plan" aria-label="Plan">
      <h3>Plan for {plan.namespace}/{plan.release}</h3>
      <ChangeTable changes={plan.config} caption="Config changes" />
      <p>
        Objects: {summary.create} to create, {summary.update} to update, {summary.delete} to delete, {summary.unchanged} unchanged.
      </p>
      {plan.refusals.length > 0 && (
        <div className="error" role="alert">
          <p>This would be refused:</p>
          <ul>
            {plan.refusals.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      <ul className="objects">
        {plan.changes
          .filter((c) => c.action !== 'unchanged')
          .map((c) => (
            <li key={c.object}>
              <details>
                <summary>
                  <span className={`action action-${c.action}`}>{c.action}</span> <code>{c.object}</code>
                  {c.service && <span className="muted"> ({c.service})</span>}
                </summary>
                {c.diff ? <UnifiedDiff diff={c.diff} title={c.object} /> : <p className="muted">No diff.</p>}
              </details>
            </li>
          ))}
      </ul>
    </section>
  );
}

/** The live progress of a deploy or rollback until its `done` event. */
export function OperationLog({ id, onDone }: { readonly id: string; readonly onDone?: (result: OperationResult) => void }) {
  const [lines, setLines] = useState<OperationProgress[]>([]);
  const [result, setResult] = useState<OperationResult>();
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    setLines([]);
    setResult(undefined);
    const close = listen(`/api/operations/${encodeURIComponent(id)}/events`, {
      progress: (data) => setLines((l) => [...l, data as OperationProgress]),
      done: (data) => {
        setResult(data as OperationResult);
        close();
        done.current?.(data as OperationResult);
      },
    });
    return close;
  }, [id]);
  return (
    <section className="progress" aria-label="Progress">
      <h3>Progress</h3>
      <ol className="log" aria-live="polite">
        {lines.map((line, i) => (
          <li key={i} className={line.state ? `state-${line.state}` : undefined}>
            {progressLine(line)}
          </li>
        ))}
      </ol>
      {result ? (
        <p className={result.ok ? 'result ok' : 'result failed'} role="status" data-testid="operation-result">
          {result.ok ? 'Done' : 'Failed'}: {result.message}
          {result.revision !== undefined && ` (revision ${result.revision}${result.status ? `, ${result.status}` : ''})`}
        </p>
      ) : (
        <p className="muted" role="status">
          Running…
        </p>
      )}
    </section>
  );
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
