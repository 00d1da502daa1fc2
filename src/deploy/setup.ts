import { ReleaseLock } from '../release/lock.js';
import { openStore, type StoreOptions } from '../release/open.js';
import { userAtHost } from '../util/process.js';
import type { DeployContext, ProgressReporter } from './context.js';

export interface ContextOptions extends StoreOptions {
  readonly progress: ProgressReporter;
  readonly signal?: AbortSignal;
  /** Lease duration of the release lock. @default 30 */
  readonly lockTtlSeconds?: number;
}

/** Connects to the cluster and builds the context every release action takes. */
export async function openContext(options: ContextOptions): Promise<DeployContext & { namespace: string }> {
  const { client, store, namespace } = await openStore({ kubeconfig: options.kubeconfig, context: options.context, namespace: options.namespace });
  const ttl = options.lockTtlSeconds ?? (Number(process.env.BERTH_LOCK_TTL_SECONDS) || 30);
  return {
    client,
    namespace,
    store,
    acquireLock: (ns, release) => ReleaseLock.acquire(client, ns, release, { ttlSeconds: ttl }),
    progress: options.progress,
    user: userAtHost(),
    signal: options.signal,
  };
}
