import pLimit from 'p-limit';
import { BerthError, ClusterError, UserError } from '../errors.js';
import type { ReleaseLock } from '../release/lock.js';
import type { Revision } from '../model/revision.js';
import { ensureNamespace } from '../model/kube-api.js';
import { LABEL_NAME, objectKey, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { applyInKindOrder } from './apply.js';
import type { DeployContext } from './context.js';
import { loadHistory, type ReleaseHistory } from './history.js';
import { API_CONCURRENCY, readLiveState } from './live.js';
import { computeWaves, conflictLine, plan, type Plan, type PlanOptions } from '../model/plan.js';
import { abortReason, waitForReady } from './watch.js';

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_HISTORY_MAX = 10;

export interface DeployOptions extends PlanOptions {
  /** How long to wait for readiness, from the first write. @default 5 minutes */
  readonly timeoutMs?: number;
  /** On failure, roll back to the last deployed revision. @default false */
  readonly atomic?: boolean;
  /** Plan only: nothing is written, not even a revision. @default false */
  readonly dryRun?: boolean;
  /** Revisions kept (never dropping the last deployed one). @default 10 */
  readonly historyMax?: number;
  /** Create the namespace when missing. @default false */
  readonly createNamespace?: boolean;
  /** Revision description. @default `Install` / `Upgrade` / `No changes` (the status says how it ended) */
  readonly description?: string;
  readonly sourceCommit?: string;
}

/** The outcome of writing one revision. */
export interface RunOutcome {
  readonly revision: number;
  readonly status: 'deployed' | 'failed';
  readonly description: string;
  readonly error?: string;
  /** Nothing changed: no object was written apart from the revision record. */
  readonly noop: boolean;
}

export interface DeployResult {
  readonly release: string;
  readonly namespace: string;
  readonly plan: Plan;
  readonly dryRun: boolean;
  /** Undefined for a dry run. */
  readonly outcome?: RunOutcome;
  /** With `atomic`, after a failure: the rollback to the last deployed revision. */
  readonly rollback?: RunOutcome & { readonly toRevision: number };
  /** Pending revisions of killed runs, now marked interrupted. */
  readonly interrupted: readonly number[];
  /** The holder of an expired or dead lock this run took over. */
  readonly takenOverFrom?: string;
  readonly durationMs: number;
}

/** A failure of the deployed objects (not ready in time, failed for good): recorded in the revision. */
export class DeployFailure extends BerthError {}

/** Plans a release against the cluster: what `berth diff` and `deploy --dry-run` print and `deploy` applies. */
export async function planRelease(ctx: Pick<DeployContext, 'client'>, set: ManifestSet, history: ReleaseHistory, options: PlanOptions = {}): Promise<Plan> {
  const snapshot = await readLiveState(ctx.client, set, history.previous, options);
  return plan({
    desired: set,
    live: snapshot.live,
    previous: history.previous,
    recorded: history.recorded,
    existing: snapshot.existing,
    values: { before: history.lastDeployed?.values, after: set.publicConfig },
    options,
  });
}

function ownershipError(p: Plan): UserError {
  const lines = p.conflicts.map((c) => `  ${conflictLine(c)}`).join('\n');
  return new UserError(`release ${p.release} in namespace ${p.namespace} would change objects it does not own:\n${lines}`, {
    hint: 'rename them in the app, delete them, or pass --adopt to take them over',
  });
}

async function requireNamespace(ctx: DeployContext, namespace: string, create: boolean): Promise<void> {
  if (create) {
    if (await ensureNamespace(ctx.client, namespace)) ctx.progress.note(`created namespace ${namespace}`);
    return;
  }
  if (!(await ctx.client.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }))) {
    throw new UserError(`namespace ${namespace} does not exist`, { hint: 'create it, or pass --create-namespace' });
  }
}

/** Runs the caller's work holding the release lock; marks revisions of killed runs interrupted first. */
export async function withReleaseLock<T>(
  ctx: DeployContext,
  namespace: string,
  release: string,
  work: (lock: ReleaseLock, interrupted: number[]) => Promise<T>,
): Promise<T> {
  const lock = await ctx.acquireLock(namespace, release);
  let done = false;
  try {
    const from = lock.takenOverFrom;
    if (from) ctx.progress.note(`took over the lock of ${from.holder} (${from.holderDead ? 'process gone' : 'lease expired'})`);
    // Holding the lock, nobody else writes this release: a pending revision belongs to a run that died.
    const interrupted = await ctx.store.interruptPending(
      release,
      `interrupted: the run${from ? ` of ${from.holder}` : ''} stopped before finishing`,
    );
    for (const n of interrupted) ctx.progress.note(`revision ${n} was left pending by a killed run: marked interrupted`);
    const result = await work(lock, interrupted);
    done = true;
    return result;
  } finally {
    // After a failure the lease may be unreachable too; its error must not hide the one that explains the failure.
    await lock.release().catch((err: unknown) => {
      if (done) throw err;
    });
  }
}

/**
 * Deploys a synthesized release: plan → apply → wait → record (synth, the load step, is the caller's).
 * Failures of the deployed objects are returned as a failed outcome (and recorded in the revision);
 * errors before anything is written (ownership, a locked release) are thrown.
 */
export async function deploy(ctx: DeployContext, set: ManifestSet, options: DeployOptions = {}): Promise<DeployResult> {
  const started = Date.now();
  computeWaves(set.services);
  const base = { release: set.release, namespace: set.namespace };
  if (options.dryRun) {
    const history = await loadHistory(ctx.store, set.release);
    const p = await planRelease(ctx, set, history, options);
    return { ...base, plan: p, dryRun: true, interrupted: [], durationMs: Date.now() - started };
  }
  await requireNamespace(ctx, set.namespace, options.createNamespace ?? false);
  return withReleaseLock(ctx, set.namespace, set.release, async (lock, interrupted) => {
    const history = await loadHistory(ctx.store, set.release);
    const p = await planRelease(ctx, set, history, options);
    if (p.conflicts.length > 0) throw ownershipError(p);
    const description = options.description ?? (!p.hasChanges ? 'No changes' : history.lastDeployed ? 'Upgrade' : 'Install');
    const outcome = await execute(ctx, lock, set, p, history.nextRevision, description, options);
    let rollback: DeployResult['rollback'];
    const target = history.lastDeployed;
    if (outcome.status === 'failed' && options.atomic && !ctx.signal?.aborted) {
      if (target) {
        ctx.progress.note(`revision ${outcome.revision} failed; rolling back to revision ${target.revision} (--atomic)`);
        const after = await loadHistory(ctx.store, set.release);
        const back = revisionToSet(target);
        const rp = await planRelease(ctx, back, after, { adopt: options.adopt });
        const r = await execute(ctx, lock, back, rp, after.nextRevision, `Rollback to ${target.revision} (revision ${outcome.revision} failed)`, options);
        rollback = { ...r, toRevision: target.revision };
      } else {
        ctx.progress.note(`revision ${outcome.revision} failed; no deployed revision to roll back to (--atomic)`);
      }
    }
    return {
      ...base,
      plan: p,
      dryRun: false,
      outcome,
      rollback,
      interrupted,
      takenOverFrom: lock.takenOverFrom?.holder,
      durationMs: Date.now() - started,
    };
  });
}

/** The manifest set a stored revision was deployed with. */
export function revisionToSet(rev: Revision): ManifestSet {
  return {
    app: rev.app,
    version: rev.version,
    release: rev.release,
    namespace: rev.namespace,
    env: rev.env,
    services: rev.services,
    objects: rev.manifests,
    config: rev.values,
  };
}

/** Writes one revision: record pending → apply in waves → wait → prune → record deployed (or failed). */
export async function execute(
  ctx: DeployContext,
  lock: ReleaseLock,
  set: ManifestSet,
  p: Plan,
  revision: number,
  description: string,
  options: DeployOptions,
): Promise<RunOutcome> {
  const now = new Date().toISOString();
  const record = ctx.store.create({
    release: set.release,
    namespace: set.namespace,
    revision,
    status: 'pending',
    app: set.app,
    version: set.version,
    env: set.env,
    manifests: [...set.objects],
    services: [...set.services],
    // Secret-marked values only as hashes (synth hashed them per the config schema).
    values: set.publicConfig,
    description,
    changeSummary: p.summary,
    createdAt: now,
    updatedAt: now,
    user: ctx.user,
    sourceCommit: options.sourceCommit,
  });
  // The head Secret is written last: a lost answer to it may still have left the revision pending.
  await record.catch((err: unknown) => {
    if (!(err instanceof ClusterError)) throw err;
    throw new ClusterError(`${err.message}\nrevision ${revision} of release ${set.namespace}/${set.release} may be left pending; if so, the next deploy of the release marks it interrupted`, {
      cause: err,
      status: err.status,
      reason: err.reason,
      hint: err.hint,
    });
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  try {
    await lock.setPendingRevision(revision);
    if (!p.hasChanges) ctx.progress.note('no changes: nothing to apply, checking readiness only');
    await applyWaves(ctx, lock, set, p, deadline, timeoutMs);
    await prune(ctx, lock, p, deadline);
    await ctx.store.markDeployed(set.release, revision);
    await ctx.store.pruneHistory(set.release, options.historyMax ?? DEFAULT_HISTORY_MAX);
    return { revision, status: 'deployed', description, noop: !p.hasChanges };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    try {
      await ctx.store.setStatus(set.release, revision, 'failed', message);
    } catch (recordErr) {
      if (err instanceof BerthError) throw leftPending(set, revision, err, recordErr);
      throw err;
    }
    if (!(err instanceof BerthError)) throw err;
    return { revision, status: 'failed', description, error: message, noop: false };
  } finally {
    await lock.setPendingRevision(undefined).catch(() => undefined);
  }
}

/**
 * The run failed and could not even record that (the API server stayed unreachable past the client's retries): the
 * revision stays `pending` in the store. Nothing is lost by that; the next deploy takes the lock over and marks it
 * interrupted, which is what the user needs to hear instead of a bare connection error.
 */
function leftPending(set: ManifestSet, revision: number, err: BerthError, recordErr: unknown): ClusterError {
  const why = recordErr instanceof Error ? recordErr.message : String(recordErr);
  const detail = why === err.message ? 'recording the failure failed the same way' : `recording the failure failed too: ${why}`;
  return new ClusterError(
    `${err.message}\nrevision ${revision} of release ${set.namespace}/${set.release} is left pending (${detail}); ` +
      'the next deploy of the release marks it interrupted',
    { cause: err, hint: err.hint ?? 'check that the cluster is reachable, then deploy again' },
  );
}

/**
 * Applies wave by wave: the objects no service claims first (shared config, RBAC), then each wave of services once
 * every service of the previous wave is ready. Only created and changed objects are written.
 */
async function applyWaves(ctx: DeployContext, lock: ReleaseLock, set: ManifestSet, p: Plan, deadline: number, timeoutMs: number): Promise<void> {
  const waves = p.waves.map((w) => new Set(w));
  const waveOf = (o: KubeObject) => {
    const service = o.metadata.labels?.[LABEL_NAME];
    const i = service === undefined ? -1 : waves.findIndex((w) => w.has(service));
    return i === -1 ? 0 : i;
  };
  const toWrite = new Set(p.changes.filter((c) => c.action === 'create' || c.action === 'update').map((c) => c.key));
  const count = Math.max(1, waves.length);
  for (const s of set.services) {
    if (s.dependsOn.length > 0) ctx.progress.service(s.name, 'queued', `after ${s.dependsOn.join(', ')}`);
  }
  for (let i = 0; i < count; i++) {
    const objects = set.objects.filter((o) => waveOf(o) === i);
    const services = [...(waves[i] ?? [])];
    const writes = objects.filter((o) => toWrite.has(objectKey(o)));
    if (ctx.signal?.aborted) throw new DeployFailure(`cancelled (${abortReason(ctx.signal)}) before wave ${i + 1} of ${count}`);
    lock.assertHeld();
    if (writes.length > 0) {
      for (const s of services) if (writes.some((o) => o.metadata.labels?.[LABEL_NAME] === s)) ctx.progress.service(s, 'applying', `${writes.filter((o) => o.metadata.labels?.[LABEL_NAME] === s).length} objects`);
      await applyInKindOrder(ctx.client, writes);
    }
    const outcome = await waitForReady(ctx.client, objects, {
      deadline,
      signal: ctx.signal,
      timeoutMs,
      onService: (s, state, message) => ctx.progress.service(s, state, message),
    });
    for (const s of services) if (!objects.some((o) => o.metadata.labels?.[LABEL_NAME] === s)) ctx.progress.service(s, 'ready', 'no objects');
    if (!outcome.ok) throw new DeployFailure(outcome.message);
  }
}

/** Deletes what the plan prunes and waits until it is gone. */
async function prune(ctx: DeployContext, lock: ReleaseLock, p: Plan, deadline: number): Promise<void> {
  const doomed = p.changes.filter((c) => c.action === 'delete');
  if (doomed.length === 0) return;
  lock.assertHeld();
  const limit = pLimit(API_CONCURRENCY);
  await Promise.all(
    doomed.map((c) =>
      limit(async () => {
        ctx.progress.note(`pruning ${c.ref} (${c.reason})`);
        await ctx.client.delete(c.object, { wait: true, timeoutMs: Math.max(5000, deadline - Date.now()) });
      }),
    ),
  );
}
