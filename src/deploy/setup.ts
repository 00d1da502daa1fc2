import { hostname, userInfo } from 'node:os';
import { KubeClient } from '../kube/client.js';
import { ReleaseLock } from '../release/lock.js';
import { SecretRevisionStore } from '../release/store.js';
import type { DeployContext, ProgressReporter } from './context.js';

export interface ContextOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** @default the kubeconfig context's namespace */
  readonly namespace?: string;
  readonly progress: ProgressReporter;
  readonly signal?: AbortSignal;
  /** Lease duration of the release lock. @default 30 */
  readonly lockTtlSeconds?: number;
}

function currentUser(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

/** Connects to the cluster and builds the context every release action takes. */
export async function openContext(options: ContextOptions): Promise<DeployContext & { namespace: string }> {
  const client = await KubeClient.connect({ kubeconfig: options.kubeconfig, context: options.context });
  const namespace = options.namespace ?? client.defaultNamespace;
  const ttl = options.lockTtlSeconds ?? (Number(process.env.BERTH_LOCK_TTL_SECONDS) || 30);
  return {
    client,
    namespace,
    store: new SecretRevisionStore(client, namespace),
    acquireLock: (ns, release) => ReleaseLock.acquire(client, ns, release, { ttlSeconds: ttl }),
    progress: options.progress,
    user: currentUser(),
    signal: options.signal,
  };
}
