import pLimit from 'p-limit';
import { BerthError, ClusterError, UserError } from '../errors.js';
import type { ReleaseLock } from '../release/lock.js';
import type { Revision } from '../model/revision.js';
import { revisionsToPrune } from '../model/revision-history.js';
import { ensureNamespace, namespaceExists } from '../model/kube-api.js';
import { kindRank, LABEL_NAME, objectKey, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { applyInKindOrder } from './apply.js';
import type { DeployContext } from './context.js';
import { loadHistory, type ReleaseHistory } from './history.js';
import type { RunStart } from '../model/revision-store.js';
import { API_CONCURRENCY, readLiveState } from './live.js';
import { computeWaves, conflictLine, plan, type LiveState, type Plan, type PlanOptions } from '../model/plan.js';
import { abortReason, readyInCopies, waitForReady, type WaitOptions } from './watch.js';
import { diagnose, diagnosisLines, troubled, type ServiceDiagnosis } from '../operate/diagnose.js';
import { inventoryOf } from '../operate/inventory.js';
import { readReleaseKey, storeReleaseKey, type ReleaseKey } from '../release/key.js';
import { keySecretHashes } from '../model/secrets.js';
import { scrubObjects, scrubRevision } from '../model/secret-data.js';
import { restoreLiveSecrets, scrubHistory } from './secrets.js';
import { mark } from '../util/timing.js';

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_HISTORY_MAX = 10;

export interface DeployOptions extends PlanOptions {
  /** How long to wait for readiness, from the first write. @default 5 minutes */
  readonly timeoutMs?: number;
  /**
   * Restarts after which a crash-looping container fails the deploy at once (a pod template's
   * `berth.dev/crash-loop-restarts` annotation wins for its service). @default 3
   */
  readonly crashLoopRestarts?: number;
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
  /**
   * The release key the set was synthesized with (its pod templates' secret hashes). Read from the cluster, or made
   * for a release that has none, when not given; stored by the first deploy.
   */
  readonly releaseKey?: ReleaseKey;
  /** Called with the plan before anything is written (the CLI shows an upgrade's plan, config first, this way). */
  readonly onPlan?: (p: Plan) => void;
}

/** The outcome of writing one revision. */
export interface RunOutcome {
  readonly revision: number;
  readonly status: 'deployed' | 'failed';
  readonly description: string;
  readonly error?: string;
  /** Nothing changed: no object was written apart from the revision record. */
  readonly noop: boolean;
  /** After a failure: the services that are not ready, their pods' reasons and newest warnings. */
  readonly diagnosis?: readonly ServiceDiagnosis[];
}

export interface DeployResult {
  readonly release: string;
  readonly namespace: string;
  readonly plan: Plan;
  readonly dryRun: boolean;
  /** Undefined for a dry run. */
  readonly outcome?: RunOutcome;
  /**
   * With `atomic`, after a failure: the rollback to the last deployed revision, and the Secrets that kept their
   * live values (history keeps no Secret data: credentials are rotated forward, not rolled back).
   */
  readonly rollback?: RunOutcome & { readonly toRevision: number; readonly keptSecrets: readonly string[] };
  /** Pending revisions of killed runs, now marked interrupted. */
  readonly interrupted: readonly number[];
  /** The holder of an expired or dead lock this run took over. */
  readonly takenOverFrom?: string;
  /** Revisions stored before release keys whose Secret data and secret hashes this run scrubbed. */
  readonly scrubbed: readonly number[];
  readonly durationMs: number;
}

/** A failure of the deployed objects (not ready in time, failed for good): recorded in the revision. */
export class DeployFailure extends BerthError {}

/**
 * Plans a release against the cluster: what `berth diff` and `deploy --dry-run` print and `deploy` applies.
 * Secret values are compared as digests under the release key on both sides (a revision stored before release
 * keys has unkeyed hashes, which key to the same digests).
 */
export async function planRelease(
  ctx: Pick<DeployContext, 'client'>,
  set: ManifestSet,
  history: ReleaseHistory,
  key: Buffer,
  options: PlanOptions = {},
  known: { readonly namespaceExists?: boolean } = {},
): Promise<Plan> {
  // What the newest revision applied, when it is the deployed one: no run wrote anything after it.
  const newest = history.revisions.at(-1)?.revision;
  const applied = history.lastDeployed && history.lastDeployed.revision === newest ? history.lastDeployed.manifests : undefined;
  const snapshot = await readLiveState(ctx.client, set, history.previous, { key, applied, namespaceExists: known.namespaceExists }, options);
  const result = plan({
    desired: set,
    live: snapshot.live,
    previous: history.previous,
    recorded: history.recorded,
    existing: snapshot.existing,
    values: { before: keySecretHashes(history.lastDeployed?.values, key), after: keySecretHashes(set.publicConfig, key) },
    options,
  });
  liveOf.set(result, snapshot.live);
  return result;
}

/** What the cluster held when each plan was made (kept apart from the plan, which is printed and may hold none of it). */
const liveOf = new WeakMap<Plan, ReadonlyMap<string, LiveState>>();

/** The release key a run uses: the one the set was synthesized with, else the stored one, else a new one. */
export async function releaseKeyFor(ctx: Pick<DeployContext, 'client'>, namespace: string, release: string, given?: ReleaseKey): Promise<ReleaseKey> {
  return given ?? readReleaseKey(ctx.client, namespace, release);
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
  if ((await namespaceExists(ctx.client, namespace)) === false) {
    throw new UserError(`namespace ${namespace} does not exist`, { hint: 'create it, or pass --create-namespace' });
  }
}

/**
 * Runs the caller's work holding the release lock; first finishes what killed runs left (a payload rewrite, pending
 * revisions marked interrupted) and hands the work the history as it then is (`RevisionStore.beginRun`).
 */
export async function withReleaseLock<T>(
  ctx: DeployContext,
  namespace: string,
  release: string,
  work: (lock: ReleaseLock, start: RunStart) => Promise<T>,
  /** A check run while the lock is taken (the namespace exists): its error wins, and the lock is given back. */
  check?: Promise<void>,
): Promise<T> {
  const lock = await lockAfter(ctx.acquireLock(namespace, release), check);
  mark('deploy: locked');
  let done = false;
  try {
    const from = lock.takenOverFrom;
    if (from) ctx.progress.note(`took over the lock of ${from.holder} (${from.holderDead ? 'process gone' : 'lease expired'})`);
    // Holding the lock, nobody else writes this release: a pending revision belongs to a run that died.
    const start = await ctx.store.beginRun(release, `interrupted: the run${from ? ` of ${from.holder}` : ''} stopped before finishing`);
    for (const n of start.interrupted) ctx.progress.note(`revision ${n} was left pending by a killed run: marked interrupted`);
    const result = await work(lock, start);
    done = true;
    return result;
  } finally {
    // After a failure the lease may be unreachable too; its error must not hide the one that explains the failure.
    await lock.release().catch((err: unknown) => {
      if (done) throw err;
    });
    mark('deploy: unlocked');
  }
}

/** The lock, once `check` passed too; when it fails, its error, with the lock (if taken) released. */
async function lockAfter(acquiring: Promise<ReleaseLock>, check: Promise<void> | undefined): Promise<ReleaseLock> {
  if (!check) return acquiring;
  const [lock, checked] = await Promise.allSettled([acquiring, check]);
  if (checked.status === 'rejected') {
    if (lock.status === 'fulfilled') await lock.value.release().catch(() => undefined);
    throw checked.reason;
  }
  if (lock.status === 'rejected') throw lock.reason;
  return lock.value;
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
  const releaseKey = await releaseKeyFor(ctx, set.namespace, set.release, options.releaseKey);
  const key = releaseKey.key;
  mark('deploy: release key read');
  if (options.dryRun) {
    const history = await loadHistory(ctx.store, set.release);
    const desired = (await restoreLiveSecrets(ctx, set)).set;
    const p = await planRelease(ctx, desired, history, key, options);
    return { ...base, plan: p, dryRun: true, interrupted: [], scrubbed: [], durationMs: Date.now() - started };
  }
  // A namespace to create must exist before the lease can; one that should exist is checked while the lock is taken.
  const namespaceChecked = requireNamespace(ctx, set.namespace, options.createNamespace ?? false);
  if (options.createNamespace) await namespaceChecked;
  return withReleaseLock(ctx, set.namespace, set.release, async (lock, { interrupted, legacy, revisions }) => {
    const history = await loadHistory(ctx.store, set.release, revisions);
    mark('deploy: history read');
    // Objects `--only` kept at the last deployed revision come from history without their Secret data.
    const desired = (await restoreLiveSecrets(ctx, set)).set;
    const p = await planRelease(ctx, desired, history, key, options, { namespaceExists: true });
    if (p.conflicts.length > 0) throw ownershipError(p);
    mark('deploy: planned');
    options.onPlan?.(p);
    // The first writes: the key (first deploy), then history without secrets (first deploy since release keys).
    await storeReleaseKey(ctx.client, set.namespace, set.release, releaseKey);
    const scrubbed = await scrubHistory(ctx, lock, set.release, key, legacy);
    const description = options.description ?? (!p.hasChanges ? 'No changes' : history.lastDeployed ? 'Upgrade' : 'Install');
    const outcome = await execute(ctx, lock, desired, key, p, history, description, options);
    let rollback: DeployResult['rollback'];
    const target = history.lastDeployed;
    if (outcome.status === 'failed' && options.atomic && !ctx.signal?.aborted) {
      if (target) {
        ctx.progress.note(`revision ${outcome.revision} failed; rolling back to revision ${target.revision} (--atomic)`);
        const after = await loadHistory(ctx.store, set.release);
        const back = await restoreLiveSecrets(ctx, revisionToSet(scrubRevision(target, key)));
        const rp = await planRelease(ctx, back.set, after, key, { adopt: options.adopt }, { namespaceExists: true });
        const r = await execute(ctx, lock, back.set, key, rp, after, `Rollback to ${target.revision} (revision ${outcome.revision} failed)`, options);
        rollback = { ...r, toRevision: target.revision, keptSecrets: back.kept };
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
      scrubbed,
      durationMs: Date.now() - started,
    };
  }, namespaceChecked);
}

/**
 * The manifest set a stored revision was deployed with. Its Secrets hold digests, not data: `restoreLiveSecrets`
 * makes it applicable.
 */
export function revisionToSet(rev: Revision): ManifestSet {
  return {
    app: rev.app,
    version: rev.version,
    release: rev.release,
    namespace: rev.namespace,
    env: rev.env,
    ...(rev.template ? { template: rev.template } : {}),
    services: rev.services,
    objects: rev.manifests,
    config: rev.values,
    publicConfig: rev.values,
  };
}

/**
 * Writes one revision: record pending → apply in waves → wait → prune → record deployed (or failed). `history` is the
 * release's as read under `lock` (the new revision is its `nextRevision`).
 */
export async function execute(
  ctx: DeployContext,
  lock: ReleaseLock,
  set: ManifestSet,
  key: Buffer,
  p: Plan,
  history: Pick<ReleaseHistory, 'revisions' | 'nextRevision'>,
  description: string,
  options: DeployOptions,
): Promise<RunOutcome> {
  const revision = history.nextRevision;
  const now = new Date().toISOString();
  // Nothing to write, and every object ready in the copies the plan read under the lock: nothing will be applied,
  // so the revision is recorded deployed at once (not pending first, then deployed: one write less), and the previous
  // one is superseded while history is pruned (a run killed in between leaves two deployed revisions; the newest
  // counts, and the next run supersedes the other).
  const live = liveOf.get(p);
  const settled = !p.hasChanges && live !== undefined && readyInCopies(set.objects, (o) => live.get(objectKey(o))?.current);
  const record: Revision = {
    release: set.release,
    namespace: set.namespace,
    revision,
    status: settled ? 'deployed' : 'pending',
    app: set.app,
    version: set.version,
    env: set.env,
    ...(set.template ? { template: set.template } : {}),
    // No Secret data and no secret value: keyed digests only, which show that a value changed and nothing else.
    manifests: scrubObjects(set.objects, key),
    services: [...set.services],
    values: keySecretHashes(set.publicConfig, key),
    description,
    changeSummary: p.summary,
    createdAt: now,
    updatedAt: now,
    user: ctx.user,
    sourceCommit: options.sourceCommit,
  };
  // The lease names the revision being written, for a run that takes over after a crash; sent beside the record. A
  // revision recorded deployed is not left pending by a crash.
  const pending = settled ? Promise.resolve() : lock.setPendingRevision(revision);
  pending.catch(() => undefined);
  // The head Secret is written last: a lost answer to it may still have left the revision pending.
  await ctx.store.create(record).catch(async (err: unknown) => {
    await pending.catch(() => undefined);
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
    await pending;
    mark('deploy: revision recorded');
    if (!p.hasChanges) ctx.progress.note('no changes: nothing to apply, checking readiness only');
    await applyWaves(ctx, lock, set, p, { deadline, timeoutMs, crashLoopRestarts: options.crashLoopRestarts });
    mark('deploy: applied and ready');
    await prune(ctx, lock, p, deadline);
    const after = [
      ...history.revisions.map((r) => ({ revision: r.revision, status: r.status === 'deployed' ? ('superseded' as const) : r.status })),
      { revision, status: 'deployed' as const },
    ];
    const historyMax = options.historyMax ?? DEFAULT_HISTORY_MAX;
    if (settled) {
      // Recorded deployed already: the revisions to supersede and those to prune are told apart first (a pruned one
      // is not patched), then both go at once.
      const doomed = new Set(revisionsToPrune(after, historyMax));
      const superseded = history.revisions.filter((r) => r.status === 'deployed' && !doomed.has(r.revision));
      await Promise.all([
        Promise.all(superseded.map((r) => ctx.store.setStatus(set.release, r.revision, 'superseded'))),
        ctx.store.pruneHistory(set.release, historyMax, after),
      ]);
      mark('deploy: superseded and pruned');
    } else {
      // Holding the lock, nobody else changed the history read: it needs no list again.
      await ctx.store.markDeployed(set.release, revision, history.revisions);
      mark('deploy: marked deployed');
      await ctx.store.pruneHistory(set.release, historyMax, after);
      mark('deploy: history pruned');
    }
    return { revision, status: 'deployed', description, noop: !p.hasChanges };
  } catch (err) {
    // A run that lost its lock records nothing, not even the failure: the release may be someone else's now, and the
    // revision left pending is marked interrupted by the next run.
    lock.assertHeld();
    let message = err instanceof Error ? err.message : String(err);
    // Why it is not ready goes into the revision, so `berth history` can say it later.
    const diagnosis = err instanceof DeployFailure && !ctx.signal?.aborted ? await diagnoseQuietly(ctx, record) : undefined;
    const why = diagnosis ? diagnosisLines(diagnosis, { indent: '  ' }) : [];
    if (why.length > 0) message = `${message}\n${why.join('\n')}`;
    try {
      await ctx.store.setStatus(set.release, revision, 'failed', message);
    } catch (recordErr) {
      if (err instanceof BerthError) throw leftPending(set, revision, err, recordErr);
      throw err;
    }
    if (!(err instanceof BerthError)) throw err;
    return { revision, status: 'failed', description, error: message, noop: false, ...(diagnosis ? { diagnosis: troubled(diagnosis) } : {}) };
  } finally {
    // The revision is recorded as it ended. The lease keeps naming it until it is released (deleted) or the next
    // revision is written under it; only what a lost lock would say changes.
    lock.forgetPendingRevision();
  }
}

/** The failure summary, or nothing when reading it fails too: it must not hide the failure it explains. */
async function diagnoseQuietly(ctx: DeployContext, record: Revision): Promise<ServiceDiagnosis[] | undefined> {
  try {
    return await diagnose(ctx.client, inventoryOf(record));
  } catch {
    return undefined;
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
async function applyWaves(
  ctx: DeployContext,
  lock: ReleaseLock,
  set: ManifestSet,
  p: Plan,
  wait: Pick<WaitOptions, 'deadline' | 'timeoutMs' | 'crashLoopRestarts'>,
): Promise<void> {
  const waves = p.waves.map((w) => new Set(w));
  const waveOf = (o: KubeObject) => {
    const service = o.metadata.labels?.[LABEL_NAME];
    const i = service === undefined ? -1 : waves.findIndex((w) => w.has(service));
    return i === -1 ? 0 : i;
  };
  const toWrite = new Set(p.changes.filter((c) => c.action === 'create' || c.action === 'update').map((c) => c.key));
  const count = Math.max(1, waves.length);
  // Watches until the cluster refuses one; then every later wait of this run polls (said once).
  const readiness = { ...wait, source: { polling: false }, onNote: (line: string) => ctx.progress.note(line), signal: ctx.signal };
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
      // The API server serves a custom kind only once its CustomResourceDefinition is established: those go first,
      // with what ranks before them, and the wave's other objects wait for that.
      const definitions = writes.filter((o) => o.kind === 'CustomResourceDefinition');
      const first = definitions.length > 0 ? writes.filter((o) => kindRank(o.kind) <= kindRank('CustomResourceDefinition')) : [];
      if (first.length > 0) {
        await applyInKindOrder(ctx.client, first);
        const established = await waitForReady(ctx.client, definitions, readiness);
        if (!established.ok) throw new DeployFailure(established.message);
        lock.assertHeld();
      }
      await applyInKindOrder(ctx.client, writes.filter((o) => !first.includes(o)));
    }
    // A wave this run writes nothing of may be ready already in the copies the plan read, under the lock, moments ago.
    const live = writes.length === 0 ? liveOf.get(p) : undefined;
    const outcome = await waitForReady(ctx.client, objects, {
      ...readiness,
      known: live && new Map(objects.map((o) => [o, live.get(objectKey(o))?.current])),
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
