import { planToJson, summaryLine } from '../diff/render.js';
import type { DeployResult, RunOutcome } from './deploy.js';
import { keptSecretsLine, type RollbackResult } from './rollback.js';
import type { UninstallResult } from './uninstall.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function outcomeLine(release: string, namespace: string, o: RunOutcome): string {
  if (o.status === 'failed') return `release ${namespace}/${release}: revision ${o.revision} failed: ${o.error}`;
  if (o.noop) return `release ${namespace}/${release}: no changes; revision ${o.revision} recorded, no object written`;
  return `release ${namespace}/${release}: revision ${o.revision} deployed (${o.description})`;
}

/** The closing lines of a deploy, both outcomes when an atomic rollback ran. */
export function deployReport(r: DeployResult): string {
  const lines: string[] = [];
  if (r.outcome) {
    lines.push(`${outcomeLine(r.release, r.namespace, r.outcome)}`);
    if (r.outcome.status === 'deployed' && !r.outcome.noop) lines.push(`  ${summaryLine(r.plan)} in ${seconds(r.durationMs)}`);
  }
  if (r.rollback) {
    const b = r.rollback;
    lines.push(
      b.status === 'deployed'
        ? `rolled back to revision ${b.toRevision}: revision ${b.revision} deployed`
        : `rollback to revision ${b.toRevision} failed too: revision ${b.revision}: ${b.error}`,
    );
    const kept = keptSecretsLine(b.keptSecrets);
    if (kept) lines.push(`  ${kept}`);
  }
  return `${lines.join('\n')}\n`;
}

export function deployJson(r: DeployResult): unknown {
  return {
    release: r.release,
    namespace: r.namespace,
    dryRun: r.dryRun,
    outcome: r.outcome,
    rollback: r.rollback,
    interrupted: r.interrupted,
    takenOverFrom: r.takenOverFrom,
    scrubbed: r.scrubbed,
    durationMs: r.durationMs,
    plan: planToJson(r.plan),
  };
}

export function rollbackReport(r: RollbackResult): string {
  if (!r.outcome) return '';
  const o = r.outcome;
  const kept = keptSecretsLine(r.keptSecrets);
  const line =
    o.status === 'deployed'
      ? `release ${r.namespace}/${r.release}: rolled back to revision ${r.toRevision} as revision ${o.revision} (${summaryLine(r.plan)}) in ${seconds(r.durationMs)}`
      : `release ${r.namespace}/${r.release}: rollback to revision ${r.toRevision} failed (revision ${o.revision}): ${o.error}`;
  return `${line}\n${kept ? `  ${kept}\n` : ''}`;
}

export function rollbackJson(r: RollbackResult): unknown {
  return {
    release: r.release,
    namespace: r.namespace,
    toRevision: r.toRevision,
    outcome: r.outcome,
    keptSecrets: r.keptSecrets,
    durationMs: r.durationMs,
    plan: planToJson(r.plan),
  };
}

export function uninstallReport(r: UninstallResult): string {
  const lines = [`release ${r.namespace}/${r.release} uninstalled: ${r.deleted.length} objects deleted in ${seconds(r.durationMs)}`];
  if (r.volumes.length > 0) lines.push(`  volumes deleted: ${r.volumes.join(', ')}`);
  if (r.kept.length > 0) lines.push(`  kept (berth.dev/keep): ${r.kept.join(', ')}`);
  lines.push(r.keptHistory ? '  history kept, marked uninstalled' : '  history deleted');
  return `${lines.join('\n')}\n`;
}
