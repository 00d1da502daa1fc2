import { KubeClient } from '../kube/client.js';
import type { KubeApi } from '../model/kube-api.js';
import { fencedApi, LockFence, ReleaseLock, waitingLine, type AcquireOptions } from '../release/lock.js';
import type { StoreOptions } from '../release/open.js';
import { SecretRevisionStore } from '../release/store.js';
import { userAtHost } from '../util/process.js';
import type { DeployContext, ProgressReporter } from './context.js';

/**
 * How long a run waits for the release lock by default: twice a lease (at least 60 s), so the lease of a killed holder
 * whose death cannot be proven (another host, another PID namespace) always expires while it waits: nobody steps in.
 */
export function defaultLockTimeoutMs(ttlSeconds: number): number {
  return Math.max(60_000, 2 * ttlSeconds * 1000);
}

export interface ContextOptions extends StoreOptions {
  readonly progress: ProgressReporter;
  readonly signal?: AbortSignal;
  /** Lease duration of the release lock. @default 30, or `BERTH_LOCK_TTL_SECONDS` */
  readonly lockTtlSeconds?: number;
  /** How long to wait for a lock another run holds (`--lock-timeout`). @default defaultLockTimeoutMs(lockTtlSeconds) */
  readonly lockTimeoutMs?: number;
}

/** Connects to the cluster and builds the context every release action takes. */
export async function openContext(options: ContextOptions): Promise<DeployContext & { namespace: string }> {
  const client = await KubeClient.connect({ kubeconfig: options.kubeconfig, context: options.context });
  // Every release action writes objects of the app's kinds; the release's own reads come first and need none.
  client.prefetchDiscovery();
  const namespace = options.namespace ?? client.defaultNamespace;
  const ttlSeconds = options.lockTtlSeconds ?? (Number(process.env.BERTH_LOCK_TTL_SECONDS) || 30);
  const ctx = releaseContext(client, namespace, {
    progress: options.progress,
    signal: options.signal,
    user: userAtHost(),
    lock: { ttlSeconds, waitMs: options.lockTimeoutMs ?? defaultLockTimeoutMs(ttlSeconds) },
  });
  return { ...ctx, namespace };
}

export interface ReleaseContextOptions {
  readonly progress: ProgressReporter;
  readonly user: string;
  readonly signal?: AbortSignal;
  readonly lock?: Omit<AcquireOptions, 'fence' | 'onWait'>;
  /** Payload bytes per revision Secret (tests use small ones). */
  readonly chunkBytes?: number;
}

/**
 * The context over any KubeApi. Every write of the actions and of the revision store goes through one fence: once
 * a lock this context took may have been lost, nothing more is written. The lock itself renews through `api`.
 */
export function releaseContext(api: KubeApi, namespace: string, options: ReleaseContextOptions): DeployContext {
  const fence = new LockFence();
  const fenced = fencedApi(api, fence);
  return {
    client: fenced,
    store: new SecretRevisionStore(fenced, namespace, options.chunkBytes),
    acquireLock: (ns, release) => {
      let lastNote = -Infinity;
      return ReleaseLock.acquire(api, ns, release, {
        ...options.lock,
        fence,
        onWait: (state, leftMs) => {
          // A line every 5 seconds is enough to show what it waits for and how long it still will.
          if (performance.now() - lastNote < 5000) return;
          lastNote = performance.now();
          options.progress.note(waitingLine(release, state, new Date(), leftMs));
        },
      });
    },
    progress: options.progress,
    user: options.user,
    signal: options.signal,
  };
}
