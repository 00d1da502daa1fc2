import { hostname } from 'node:os';
import { ClusterError, UserError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import type { KubeObject } from '../model/manifest-set.js';
import { processScope, processStartTime, sleep, userName, type ProcessScope } from '../util/process.js';

/**
 * One `coordination.k8s.io/v1` Lease per release guards every run that writes it (deploy, rollback, uninstall).
 * It is renewed while held; a run that dies stops renewing, and the next run takes the lease over once it has
 * expired, or at once when the holder is proven dead: a process of this boot and this PID namespace that no longer
 * exists. The holder fences itself: it makes no write once its last renewal is too old to be sure it still holds
 * the lease (see `assertHeld`).
 */
export interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

export interface Holder extends ProcessScope {
  /** `user@host pid 1234`: what the error shows. */
  readonly identity: string;
  readonly host: string;
  readonly pid: number;
  /** The holder process's start time (`processStartTime`): tells it from a later process that got the same pid. */
  readonly startTime?: string;
}

/** What `leaseState` may ask about the processes of the machine it runs on. */
export interface LocalProcesses extends ProcessScope {
  /** The start time of process `pid` of this PID namespace; undefined when there is none. */
  startTime(pid: number): string | undefined;
}

/**
 * Whether the holder's process still runs: `dead` only when proven (same boot, same PID namespace, and the pid is
 * gone or now another process); `unknown` when the holder is out of sight of this process.
 */
export type Liveness = 'running' | 'dead' | 'unknown';

export interface LeaseState {
  readonly free: boolean;
  readonly holder?: string;
  readonly expiresAt?: Date;
  readonly expired: boolean;
  /** The holder's process is proven gone (killed): no need to wait for the expiry. */
  readonly holderDead: boolean;
  readonly liveness?: Liveness;
  /** Why the liveness is what it is, for messages: `another PID namespace on this host`, ... */
  readonly livenessReason?: string;
  readonly pendingRevision?: number;
}

/** The clocks the lock reads; tests pass fake ones. */
export interface LockClock {
  /** Milliseconds on a clock that never jumps (performance.now). */
  monotonic(): number;
  /** Milliseconds since the epoch: what renewTime is written in and other hosts compare to. */
  wall(): number;
  sleep(ms: number): Promise<void>;
}

export interface AcquireOptions {
  readonly holder?: Holder;
  /** Lease duration; renewed every third of it. @default 30 */
  readonly ttlSeconds?: number;
  /** How long to wait for a held lease to be released or to expire before giving up; 0 fails at once. @default 0 */
  readonly waitMs?: number;
  /** Called about once a second while waiting, with the lease as read and the milliseconds left to wait. */
  readonly onWait?: (state: LeaseState, leftMs: number) => void;
  /** Writes made through a `fencedApi` over this fence check this lock first. */
  readonly fence?: LockFence;
  /** @default the processes of this machine, from /proc */
  readonly processes?: LocalProcesses;
  /** @default performance.now, Date.now and setTimeout */
  readonly clock?: LockClock;
}

/** Who held an expired (or dead) lease that was taken over, and the revision it was writing. */
export interface TakeOver {
  readonly holder: string;
  readonly expiredAt?: Date;
  readonly holderDead: boolean;
  /** The revision the holder recorded as in progress: to mark `interrupted`. */
  readonly pendingRevision?: number;
}

export const LEASE_API_VERSION = 'coordination.k8s.io/v1';
const ANN_HOST = 'berth.dev/holder-host';
const ANN_PID = 'berth.dev/holder-pid';
const ANN_BOOT = 'berth.dev/holder-boot-id';
const ANN_PID_NS = 'berth.dev/holder-pid-namespace';
const ANN_START = 'berth.dev/holder-start-time';
const ANN_REVISION = 'berth.dev/pending-revision';
const POLL_MS = 1000;

export function leaseName(release: string): string {
  return `berth-release-${release}`;
}

export function currentHolder(): Holder {
  const host = hostname();
  return { identity: `${userName()}@${host} pid ${process.pid}`, host, pid: process.pid, ...processScope(), startTime: processStartTime(process.pid) };
}

/** This machine's processes as /proc shows them to this process. */
export function localProcesses(): LocalProcesses {
  return { ...processScope(), startTime: processStartTime };
}

const systemClock: LockClock = { monotonic: () => performance.now(), wall: () => Date.now(), sleep };

/**
 * Judges a holder's process. A pid means something only inside one PID namespace of one boot: a deploy in a
 * container or CI runner sharing the host's name cannot see the holder's pid and must not conclude it is gone.
 */
export function holderLiveness(annotations: Record<string, string>, local: LocalProcesses): { liveness: Liveness; reason: string } {
  const pid = Number(annotations[ANN_PID]);
  const boot = annotations[ANN_BOOT];
  const pidNamespace = annotations[ANN_PID_NS];
  const started = annotations[ANN_START];
  if (!boot || !pidNamespace || !started || !Number.isInteger(pid) || pid <= 0) {
    return { liveness: 'unknown', reason: 'its process identity was not recorded' };
  }
  if (!local.bootId || !local.pidNamespace) return { liveness: 'unknown', reason: 'this system does not show process identities (/proc)' };
  if (boot !== local.bootId) return { liveness: 'unknown', reason: 'it runs on another machine (another boot id)' };
  if (pidNamespace !== local.pidNamespace) return { liveness: 'unknown', reason: `it runs in another PID namespace on this host (${pidNamespace})` };
  const now = local.startTime(pid);
  if (now === undefined) return { liveness: 'dead', reason: `process ${pid} is gone` };
  if (now !== started) return { liveness: 'dead', reason: `process ${pid} is gone (the pid now belongs to another process)` };
  return { liveness: 'running', reason: `process ${pid} is running on this host` };
}

/** The state of a lease at `now` (pure apart from `local.startTime`, asked only about holders of this PID namespace). */
export function leaseState(lease: LeaseObject, now: Date, local: LocalProcesses): LeaseState {
  const spec = lease.spec ?? {};
  const annotations = lease.metadata.annotations ?? {};
  const pendingRevision = annotations[ANN_REVISION] ? Number(annotations[ANN_REVISION]) : undefined;
  if (!spec.holderIdentity) return { free: true, expired: false, holderDead: false, pendingRevision };
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const expiresAt = Number.isNaN(renewed) ? undefined : new Date(renewed + (spec.leaseDurationSeconds ?? 0) * 1000);
  const expired = !expiresAt || expiresAt.getTime() <= now.getTime();
  const { liveness, reason } = holderLiveness(annotations, local);
  return {
    free: false,
    holder: spec.holderIdentity,
    expiresAt,
    expired,
    holderDead: liveness === 'dead',
    liveness,
    livenessReason: reason,
    pendingRevision,
  };
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function secondsUntil(at: Date | undefined, now: Date): number {
  return at ? Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000)) : 0;
}

/** The error a run gets when the lock stays held: at once, or after waiting `waitedMs` (`--lock-timeout`). */
export function lockedError(release: string, namespace: string, state: LeaseState, now: Date, waitedMs = 0): UserError {
  const expiry = state.expiresAt ? `; its lock expires at ${state.expiresAt.toISOString()} (in ${secondsUntil(state.expiresAt, now)}s) unless renewed` : '';
  const waited = waitedMs > 0 ? `; gave up after waiting ${Math.round(waitedMs / 1000)}s (--lock-timeout)` : '';
  const hint =
    state.liveness === 'unknown'
      ? `Berth cannot tell whether the holder still runs: ${state.livenessReason}. If it was killed, its lock expires unrenewed: run again then, or pass a longer --lock-timeout to wait for it`
      : 'another berth run is changing this release; wait for it to finish, or pass a longer --lock-timeout to queue behind it';
  return new UserError(`release ${release} in namespace ${namespace} is locked by ${state.holder}${expiry}${waited}`, { hint });
}

/** What a waiting run shows about the lease it waits for. */
export function waitingLine(release: string, state: LeaseState, now: Date, leftMs: number): string {
  const why = state.livenessReason ? ` (${state.livenessReason})` : '';
  const expiry = state.expiresAt ? `; its lease expires in ${secondsUntil(state.expiresAt, now)}s unless renewed` : '';
  return `waiting for the lock of release ${release}: held by ${state.holder}${why}${expiry}; giving up in ${Math.ceil(leftMs / 1000)}s`;
}

/**
 * The locks one context holds. Every write through a `fencedApi` over it asks each of them `assertHeld()`, so a run
 * that lost its lock cannot write anything more, whichever code path makes the write.
 */
export class LockFence {
  private readonly locks = new Set<ReleaseLock>();

  hold(lock: ReleaseLock): void {
    this.locks.add(lock);
  }

  drop(lock: ReleaseLock): void {
    this.locks.delete(lock);
  }

  assertHeld(): void {
    for (const lock of this.locks) lock.assertHeld();
  }
}

/**
 * `api` with every write (apply other than dry runs, create, replace, mergePatch, delete) checked against the
 * fence just before it is sent. Reads pass: they change nothing another holder relies on.
 */
export function fencedApi(api: KubeApi, fence: LockFence): KubeApi {
  const fenced: KubeApi = {
    async apply(obj, options) {
      if (!options?.dryRun) fence.assertHeld();
      return api.apply(obj, options);
    },
    async create(obj) {
      fence.assertHeld();
      return api.create(obj);
    },
    async replace(obj) {
      fence.assertHeld();
      return api.replace(obj);
    },
    async mergePatch(ref, patch) {
      fence.assertHeld();
      return api.mergePatch(ref, patch);
    },
    async delete(ref, options) {
      fence.assertHeld();
      return api.delete(ref, options);
    },
    read: (ref) => api.read(ref),
    list: (apiVersion, kind, options) => api.list(apiVersion, kind, options),
    listByLabel: (namespace, selector, options) => api.listByLabel(namespace, selector, options),
    watch: (apiVersion, kind, options, onEvent) => api.watch(apiVersion, kind, options, onEvent),
  };
  return fenced;
}

type Attempt = { readonly lock: ReleaseLock } | { readonly busy: LeaseState };

export class ReleaseLock {
  /**
   * Takes the lock of `release`. A lease held by someone else is waited for up to `waitMs` (released, expired, or its
   * holder proven dead); then a UserError names the holder and the expiry.
   */
  static async acquire(client: KubeApi, namespace: string, release: string, options: AcquireOptions = {}): Promise<ReleaseLock> {
    const ttlSeconds = options.ttlSeconds ?? 30;
    if (!(ttlSeconds >= 3)) throw new RangeError(`ttlSeconds (${ttlSeconds}) must be at least 3`);
    const clock = options.clock ?? systemClock;
    const waitMs = options.waitMs ?? 0;
    const started = clock.monotonic();
    for (;;) {
      const attempt = await ReleaseLock.tryAcquire(client, namespace, release, ttlSeconds, options);
      if ('lock' in attempt) return attempt.lock;
      const waited = clock.monotonic() - started;
      const now = new Date(clock.wall());
      if (waited >= waitMs) throw lockedError(release, namespace, attempt.busy, now, waitMs > 0 ? waited : 0);
      options.onWait?.(attempt.busy, waitMs - waited);
      // Look again each second, and right when the lease expires.
      const untilExpiry = attempt.busy.expiresAt ? attempt.busy.expiresAt.getTime() - now.getTime() + 50 : POLL_MS;
      await clock.sleep(Math.max(50, Math.min(POLL_MS, untilExpiry, waitMs - waited)));
    }
  }

  private static async tryAcquire(client: KubeApi, namespace: string, release: string, ttlSeconds: number, options: AcquireOptions): Promise<Attempt> {
    const holder = options.holder ?? currentHolder();
    const clock = options.clock ?? systemClock;
    const processes = options.processes ?? localProcesses();
    const ref = { apiVersion: LEASE_API_VERSION, kind: 'Lease', metadata: { name: leaseName(release), namespace } };
    const annotations: Record<string, string> = { [ANN_HOST]: holder.host, [ANN_PID]: String(holder.pid) };
    if (holder.bootId) annotations[ANN_BOOT] = holder.bootId;
    if (holder.pidNamespace) annotations[ANN_PID_NS] = holder.pidNamespace;
    if (holder.startTime) annotations[ANN_START] = holder.startTime;
    // First a create, as if there were no lease (a finished run deletes it: the usual case, one request); then, on a
    // conflict, two rounds of read and write: a lease that appears or changes between our read and our write is read
    // once more.
    for (let round = 0; round < 3; round++) {
      const existing = round === 0 ? undefined : await client.read<LeaseObject>(ref);
      const sentAt = { monotonic: clock.monotonic(), wall: clock.wall() };
      const now = new Date(sentAt.wall);
      const spec = { holderIdentity: holder.identity, leaseDurationSeconds: ttlSeconds, acquireTime: microTime(now), renewTime: microTime(now) };
      const make = (lease: LeaseObject, takenOverFrom?: TakeOver) =>
        new ReleaseLock(client, lease, holder, ttlSeconds, { sentAt, clock, fence: options.fence }, takenOverFrom);
      try {
        if (!existing) {
          const created = await client.create<LeaseObject>({
            ...ref,
            metadata: { ...ref.metadata, labels: { owner: 'berth', release }, annotations },
            spec: { ...spec, leaseTransitions: 0 },
          });
          return { lock: make(created) };
        }
        const state = leaseState(existing, now, processes);
        if (!state.free && !state.expired && !state.holderDead) return { busy: state };
        const previous = without(existing.metadata.annotations, ANN_REVISION, ANN_HOST, ANN_PID, ANN_BOOT, ANN_PID_NS, ANN_START);
        const taken = await client.replace<LeaseObject>({
          ...existing,
          metadata: { ...existing.metadata, annotations: { ...previous, ...annotations } },
          spec: { ...spec, leaseTransitions: (existing.spec?.leaseTransitions ?? 0) + 1 },
        });
        const takenOverFrom = state.free
          ? undefined
          : { holder: state.holder!, expiredAt: state.expiresAt, holderDead: state.holderDead, pendingRevision: state.pendingRevision };
        return { lock: make(taken, takenOverFrom) };
      } catch (err) {
        // 409: there is a lease, or someone else created or took it between our read and write; look again.
        if (err instanceof ClusterError && err.status === 409 && round < 2) continue;
        if (err instanceof ClusterError && err.status === 409) break;
        throw err;
      }
    }
    const last = await client.read<LeaseObject>(ref);
    return { busy: last ? leaseState(last, new Date(clock.wall()), processes) : { free: true, expired: false, holderDead: false } };
  }

  private lease: LeaseObject;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private lostError?: ClusterError;
  private released = false;
  private pendingRevision?: number;
  /** Monotonic and wall time at which the last successful renewal (or the acquire) was sent. */
  private renewedAt: { monotonic: number; wall: number };
  private readonly clock: LockClock;
  private readonly fence?: LockFence;

  private constructor(
    private readonly client: KubeApi,
    lease: LeaseObject,
    readonly holder: Holder,
    readonly ttlSeconds: number,
    init: { sentAt: { monotonic: number; wall: number }; clock: LockClock; fence?: LockFence },
    /** Set when an expired or dead holder's lease was taken over. */
    readonly takenOverFrom?: TakeOver,
  ) {
    this.lease = lease;
    this.clock = init.clock;
    this.renewedAt = init.sentAt;
    this.fence = init.fence;
    this.fence?.hold(this);
    this.timer = setInterval(() => void this.renew(), (ttlSeconds * 1000) / 3);
    // The lock never keeps the process alive on its own.
    this.timer.unref();
  }

  /**
   * How long before the lease's expiry the holder stops writing: covers the time a request takes to reach the API
   * server after the check, and the skew between this host's clock and the clock of a run that would take over.
   */
  get safetyMarginMs(): number {
    return Math.max(1000, (this.ttlSeconds * 1000) / 5);
  }

  /** Records the revision this run is writing, so a run that takes over after a crash knows what was interrupted. */
  async setPendingRevision(revision: number | undefined): Promise<void> {
    this.assertHeld();
    await this.update((lease) => ({
      ...lease,
      metadata: {
        ...lease.metadata,
        annotations: { ...without(lease.metadata.annotations, ANN_REVISION), ...(revision === undefined ? {} : { [ANN_REVISION]: String(revision) }) },
      },
    }));
    this.pendingRevision = revision;
  }

  /**
   * The revision this run was writing is recorded as it ended: a lost lock no longer says it is left pending. The
   * lease is not written (it is deleted on release, or names the next revision).
   */
  forgetPendingRevision(): void {
    this.pendingRevision = undefined;
  }

  /**
   * Throws unless this run is sure it still holds the lease: someone took it, a renewal failed past expiry, or its
   * last successful renewal + TTL − safety margin is behind (a process paused by SIGSTOP or a frozen VM, an event
   * loop blocked). Checked on the monotonic clock, which never jumps, and on the wall clock too, because the
   * monotonic clock of a suspended VM may stand still while others' clocks run on. Call it before each write.
   */
  assertHeld(): void {
    if (this.lostError) throw this.lostError;
    if (this.released) return;
    const limit = this.ttlSeconds * 1000 - this.safetyMarginMs;
    const since = Math.max(this.clock.monotonic() - this.renewedAt.monotonic, this.clock.wall() - this.renewedAt.wall);
    if (since > limit) {
      this.lose(
        `not renewed for ${(since / 1000).toFixed(1)}s, longer than its ${this.ttlSeconds}s lease less a ${this.safetyMarginMs / 1000}s safety margin ` +
          '(was this process paused?); another run may hold it now',
      );
      throw this.lostError;
    }
  }

  /** Renews the lease now; also what the timer runs. A lease that may have expired meanwhile is never renewed. */
  async renew(): Promise<void> {
    if (this.released || this.lostError) return;
    try {
      this.assertHeld();
    } catch {
      return;
    }
    const sentAt = { monotonic: this.clock.monotonic(), wall: this.clock.wall() };
    try {
      await this.update((lease) => ({ ...lease, spec: { ...lease.spec, renewTime: microTime(new Date(sentAt.wall)) } }));
      this.renewedAt = sentAt;
    } catch {
      // A transient failure: the next tick tries again, and assertHeld stops writes once the lease may have expired.
      // (A 409 has marked the lock lost already.)
    }
  }

  /** Gives the lock up (deletes the Lease if it is still ours). Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.renewing?.catch(() => undefined);
    if (this.lostError) return;
    this.fence?.drop(this);
    try {
      await this.client.delete(this.lease, { preconditions: { resourceVersion: this.lease.metadata.resourceVersion as string } });
    } catch (err) {
      // Someone took it over meanwhile: it is theirs now.
      if (!(err instanceof ClusterError && err.status === 409)) throw err;
    }
  }

  private lose(why: string, cause?: unknown): void {
    if (this.lostError) return;
    clearInterval(this.timer);
    const release = this.lease.metadata.labels?.release ?? this.lease.metadata.name;
    const namespace = this.lease.metadata.namespace;
    const pending =
      this.pendingRevision === undefined
        ? ''
        : `; revision ${this.pendingRevision} is not recorded as deployed, and the next run marks it interrupted`;
    this.lostError = new ClusterError(`lost the lock of release ${release}: ${why}. Nothing more was written${pending}`, {
      cause,
      status: 409,
      reason: 'LockLost',
      hint: `run the command again: it waits for whoever holds the lock now (berth history ${release} -n ${namespace} shows what happened)`,
    });
  }

  private async update(change: (lease: LeaseObject) => LeaseObject): Promise<void> {
    const run = async () => {
      try {
        const next = await this.client.replace<LeaseObject>(change(this.lease));
        if (next.spec?.holderIdentity !== this.holder.identity) {
          throw new ClusterError(`the lease is now held by ${next.spec?.holderIdentity}`, { status: 409 });
        }
        this.lease = next;
      } catch (err) {
        // 409: the lease changed under us, so someone else took it.
        if (err instanceof ClusterError && err.status === 409) {
          this.lose(err.message, err);
          throw this.lostError;
        }
        throw err;
      }
    };
    // Renewals and explicit updates share one resourceVersion chain: never two writes at once.
    const previous = this.renewing ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(run);
    this.renewing = current;
    await current;
  }
}

function without(map: Record<string, string> | undefined, ...keys: string[]): Record<string, string> {
  const copy = { ...(map ?? {}) };
  for (const key of keys) delete copy[key];
  return copy;
}
