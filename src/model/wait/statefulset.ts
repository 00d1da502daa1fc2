import type { KubeObject } from '../manifest-set.js';
import { generationPending, num, ready, specOf, statusOf, waiting, type Readiness } from './types.js';

/**
 * A StatefulSet is ready when every replica is ready and the update revision has been reached
 * (respecting a rolling-update partition). With `OnDelete` pods change only when deleted, so ready replicas suffice.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
 */
export function statefulSetReadiness(obj: KubeObject): Readiness {
  const pending = generationPending(obj);
  if (pending) return pending;
  const spec = specOf(obj);
  const status = statusOf(obj);
  const desired = num(spec.replicas, 1);
  const readyReplicas = num(status.readyReplicas);
  if (readyReplicas < desired) return waiting(`${readyReplicas} of ${desired} replicas ready`);
  const strategy = (spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
  if (strategy.type === 'OnDelete') return ready(`${readyReplicas} of ${desired} replicas ready (OnDelete updates)`);
  const partition = num(strategy.rollingUpdate?.partition, 0);
  const updated = num(status.updatedReplicas);
  if (updated < desired - partition) return waiting(`${updated} of ${desired - partition} replicas updated`);
  if (partition === 0 && status.updateRevision !== status.currentRevision) {
    return waiting(`rolling update to revision ${String(status.updateRevision)} in progress`);
  }
  return ready(`${readyReplicas} of ${desired} replicas ready`);
}
