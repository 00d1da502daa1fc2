import { UserError } from '../errors.js';
import { releaseNotFound } from '../model/revision-store.js';
import type { DeployContext } from './context.js';
import { execute, planRelease, releaseKeyFor, revisionToSet, withReleaseLock, type DeployOptions, type RunOutcome } from './deploy.js';
import { loadHistory, type ReleaseHistory } from './history.js';
import type { Plan } from '../model/plan.js';
import type { Revision } from '../model/revision.js';
import { scrubRevision } from '../model/secret-data.js';
import { storeReleaseKey } from '../release/key.js';
import { restoreLiveSecrets, scrubHistory } from './secrets.js';

export interface RollbackResult {
  readonly release: string;
  readonly namespace: string;
  /** The revision whose manifests were deployed again. */
  readonly toRevision: number;
  readonly plan: Plan;
  readonly outcome?: RunOutcome;
  /**
   * Secrets that kept their live values: history holds no Secret data, and credentials are rotated forward, not
   * rolled back.
   */
  readonly keptSecrets: readonly string[];
  readonly durationMs: number;
}

/** The line a rollback says about its Secrets. */
export function keptSecretsLine(kept: readonly string[]): string | undefined {
  if (kept.length === 0) return undefined;
  return `${kept.join(', ')} ${kept.length === 1 ? 'keeps its' : 'keep their'} current values: credentials are rotated forward, not rolled back`;
}

/** The revision `rollback` returns to by default: the newest deployed-once revision before the current one. */
export function defaultRollbackTarget(history: ReleaseHistory): number | undefined {
  const current = history.lastDeployed?.revision ?? Number.POSITIVE_INFINITY;
  return history.revisions
    .filter((r) => r.revision < current && (r.status === 'superseded' || r.status === 'deployed'))
    .map((r) => r.revision)
    .sort((a, b) => b - a)[0];
}

/**
 * Deploys the manifests of an earlier revision as a new revision (history is never rewritten).
 * `target` defaults to the previous deployed revision.
 */
export async function rollback(
  ctx: DeployContext,
  namespace: string,
  release: string,
  target: number | undefined,
  options: DeployOptions = {},
): Promise<RollbackResult> {
  const started = Date.now();
  const pick = (history: ReleaseHistory): number => {
    if (history.revisions.length === 0) throw releaseNotFound(release, namespace);
    const n = target ?? defaultRollbackTarget(history);
    if (n === undefined) {
      throw new UserError(`release ${release} in namespace ${namespace} has no earlier deployed revision to roll back to`, {
        hint: `name one: berth rollback ${release} <revision> -n ${namespace} (berth history ${release} lists them)`,
      });
    }
    return n;
  };
  const releaseKey = await releaseKeyFor(ctx, namespace, release, options.releaseKey);
  const key = releaseKey.key;
  // A revision stored before release keys may still hold Secret data: scrubbed here too, so no old value is applied.
  const desired = (rev: Revision) => restoreLiveSecrets(ctx, revisionToSet(scrubRevision(rev, key)));
  if (options.dryRun) {
    const history = await loadHistory(ctx.store, release);
    const n = pick(history);
    const { set, kept } = await desired(await ctx.store.get(release, n));
    const p = await planRelease(ctx, set, history, key, options);
    return { release, namespace, toRevision: n, plan: p, keptSecrets: kept, durationMs: Date.now() - started };
  }
  return withReleaseLock(ctx, namespace, release, async (lock, { legacy, revisions }) => {
    if (revisions.length > 0) {
      await storeReleaseKey(ctx.client, namespace, release, releaseKey);
      await scrubHistory(ctx, lock, release, key, legacy);
    }
    // Rewritten heads are read again (they carry their object keys now).
    const history = await loadHistory(ctx.store, release, legacy.length > 0 ? undefined : revisions);
    const n = pick(history);
    const { set, kept } = await desired(await ctx.store.get(release, n));
    const p = await planRelease(ctx, set, history, key, options);
    if (p.conflicts.length > 0) {
      throw new UserError(`rollback of ${release} to revision ${n} would change objects it does not own: ${p.conflicts.map((c) => `${c.ref} (${c.owner})`).join(', ')}`, {
        hint: 'pass --adopt to take them over',
      });
    }
    const keptLine = keptSecretsLine(kept);
    if (keptLine) ctx.progress.note(keptLine);
    const outcome = await execute(ctx, lock, set, key, p, history, `Rollback to ${n}`, options);
    return { release, namespace, toRevision: n, plan: p, outcome, keptSecrets: kept, durationMs: Date.now() - started };
  });
}
