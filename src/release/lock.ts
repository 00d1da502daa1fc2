import { hostname } from 'node:os';
import { ClusterError, UserError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import type { KubeObject } from '../model/manifest-set.js';
import { pidAlive, userName } from '../util/process.js';

/**
 * One `coordination.k8s.io/v1` Lease per release guards every run that writes it (deploy, rollback, uninstall).
 * It is renewed while held; a run that dies stops renewing, and the next run takes the lease over once it has
 * expired, or at once when the holder was a process on this host that no longer exists.
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

export interface Holder {
  /** `user@host pid 1234`: what the error shows. */
  readonly identity: string;
  readonly host: string;
  readonly pid: number;
}

export interface LeaseState {
  readonly free: boolean;
  readonly holder?: string;
  readonly expiresAt?: Date;
  readonly expired: boolean;
  /** Held by a process of this host that is gone (killed): no need to wait for the expiry. */
  readonly holderDead: boolean;
  readonly pendingRevision?: number;
}

export interface AcquireOptions {
  readonly holder?: Holder;
  /** Lease duration; renewed every third of it. @default 30 */
  readonly ttlSeconds?: number;
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
const ANN_REVISION = 'berth.dev/pending-revision';

export function leaseName(release: string): string {
  return `berth-release-${release}`;
}

export function currentHolder(): Holder {
  const host = hostname();
  return { identity: `${userName()}@${host} pid ${process.pid}`, host, pid: process.pid };
}

/** The state of a lease at `now` (pure apart from `isAlive`, which is asked only about holders on `localHost`). */
export function leaseState(
  lease: LeaseObject,
  now: Date,
  localHost: string = hostname(),
  isAlive: (pid: number) => boolean = pidAlive,
): LeaseState {
  const spec = lease.spec ?? {};
  const annotations = lease.metadata.annotations ?? {};
  const pendingRevision = annotations[ANN_REVISION] ? Number(annotations[ANN_REVISION]) : undefined;
  if (!spec.holderIdentity) return { free: true, expired: false, holderDead: false, pendingRevision };
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const expiresAt = Number.isNaN(renewed) ? undefined : new Date(renewed + (spec.leaseDurationSeconds ?? 0) * 1000);
  const expired = !expiresAt || expiresAt.getTime() <= now.getTime();
  const pid = Number(annotations[ANN_PID]);
  const holderDead = annotations[ANN_HOST] === localHost && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  return { free: false, holder: spec.holderIdentity, expiresAt, expired, holderDead, pendingRevision };
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The error a second concurrent run gets, at once. */
export function lockedError(release: string, namespace: string, state: LeaseState, now: Date): UserError {
  const inSeconds = state.expiresAt ? Math.max(0, Math.ceil((state.expiresAt.getTime() - now.getTime()) / 1000)) : 0;
  const expiry = state.expiresAt ? `; its lock expires at ${state.expiresAt.toISOString()} (in ${inSeconds}s) unless renewed` : '';
  return new UserError(`release ${release} in namespace ${namespace} is locked by ${state.holder}${expiry}`, {
    hint: 'another berth run is changing this release; wait for it to finish. If that process is gone, run again after the lock expires',
  });
}

export class ReleaseLock {
  /** Takes the lock of `release` or throws a UserError naming the holder and the expiry. */
  static async acquire(client: KubeApi, namespace: string, release: string, options: AcquireOptions = {}): Promise<ReleaseLock> {
    const holder = options.holder ?? currentHolder();
    const ttlSeconds = options.ttlSeconds ?? 30;
    if (!(ttlSeconds >= 3)) throw new RangeError(`ttlSeconds (${ttlSeconds}) must be at least 3`);
    const ref = { apiVersion: LEASE_API_VERSION, kind: 'Lease', metadata: { name: leaseName(release), namespace } };
    // Two rounds: a lease that appears or changes between our read and our write is read once more.
    for (let round = 0; round < 2; round++) {
      const now = new Date();
      const existing = await client.read<LeaseObject>(ref);
      const spec = { holderIdentity: holder.identity, leaseDurationSeconds: ttlSeconds, acquireTime: microTime(now), renewTime: microTime(now) };
      const annotations = { [ANN_HOST]: holder.host, [ANN_PID]: String(holder.pid) };
      try {
        if (!existing) {
          const created = await client.create<LeaseObject>({
            ...ref,
            metadata: { ...ref.metadata, labels: { owner: 'berth', release }, annotations },
            spec: { ...spec, leaseTransitions: 0 },
          });
          return new ReleaseLock(client, created, holder, ttlSeconds);
        }
        const state = leaseState(existing, now, hostname());
        if (!state.free && !state.expired && !state.holderDead) throw lockedError(release, namespace, state, now);
        const taken = await client.replace<LeaseObject>({
          ...existing,
          metadata: { ...existing.metadata, annotations: { ...without(existing.metadata.annotations, ANN_REVISION), ...annotations } },
          spec: { ...spec, leaseTransitions: (existing.spec?.leaseTransitions ?? 0) + 1 },
        });
        const takenOverFrom = state.free
          ? undefined
          : { holder: state.holder!, expiredAt: state.expiresAt, holderDead: state.holderDead, pendingRevision: state.pendingRevision };
        return new ReleaseLock(client, taken, holder, ttlSeconds, takenOverFrom);
      } catch (err) {
        // 409: someone else created or took the lease between our read and write; look again.
        if (err instanceof ClusterError && err.status === 409 && round === 0) continue;
        throw err;
      }
    }
    const last = await client.read<LeaseObject>(ref);
    const now = new Date();
    throw lockedError(release, namespace, last ? leaseState(last, now) : { free: true, expired: false, holderDead: false }, now);
  }

  private lease: LeaseObject;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private lostError?: ClusterError;
  private released = false;

  private constructor(
    private readonly client: KubeApi,
    lease: LeaseObject,
    readonly holder: Holder,
    readonly ttlSeconds: number,
    /** Set when an expired or dead holder's lease was taken over. */
    readonly takenOverFrom?: TakeOver,
  ) {
    this.lease = lease;
    this.timer = setInterval(() => void this.renew(), (ttlSeconds * 1000) / 3);
    // The lock never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Records the revision this run is writing, so a run that takes over after a crash knows what was interrupted. */
  async setPendingRevision(revision: number | undefined): Promise<void> {
    await this.update((lease) => ({
      ...lease,
      metadata: {
        ...lease.metadata,
        annotations: { ...without(lease.metadata.annotations, ANN_REVISION), ...(revision === undefined ? {} : { [ANN_REVISION]: String(revision) }) },
      },
    }));
  }

  /** Throws when the lease was lost (renewal failed past its expiry, or someone took it). Call it before each write. */
  assertHeld(): void {
    if (this.lostError) throw this.lostError;
  }

  /** Renews the lease now; also what the timer runs. */
  async renew(): Promise<void> {
    if (this.released || this.lostError) return;
    await this.update((lease) => ({ ...lease, spec: { ...lease.spec, renewTime: microTime(new Date()) } })).catch((err: unknown) => {
      // A transient failure is fine while the lease has not expired; the next tick tries again.
      const renewedAt = Date.parse(this.lease.spec?.renewTime ?? '');
      const status = err instanceof ClusterError ? err.status : undefined;
      if (status === 409 || Date.now() > renewedAt + this.ttlSeconds * 1000) {
        const release = this.lease.metadata.labels?.release ?? this.lease.metadata.name;
        this.lostError = new ClusterError(`lost the lock of release ${release}: ${(err as Error).message}`, { cause: err, status });
      }
    });
  }

  /** Gives the lock up (deletes the Lease if it is still ours). Safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.renewing?.catch(() => undefined);
    if (this.lostError) return;
    try {
      await this.client.delete(this.lease, { preconditions: { resourceVersion: this.lease.metadata.resourceVersion as string } });
    } catch (err) {
      // Someone took it over meanwhile: it is theirs now.
      if (!(err instanceof ClusterError && err.status === 409)) throw err;
    }
  }

  private async update(change: (lease: LeaseObject) => LeaseObject): Promise<void> {
    const run = async () => {
      const next = await this.client.replace<LeaseObject>(change(this.lease));
      if (next.spec?.holderIdentity !== this.holder.identity) {
        throw new ClusterError(`the lease is now held by ${next.spec?.holderIdentity}`, { status: 409 });
      }
      this.lease = next;
    };
    // Renewals and explicit updates share one resourceVersion chain: never two writes at once.
    const previous = this.renewing ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(run);
    this.renewing = current;
    await current;
  }
}

function without(map: Record<string, string> | undefined, key: string): Record<string, string> {
  const copy = { ...(map ?? {}) };
  delete copy[key];
  return copy;
}
