import type { KubeObject } from '../manifest-set.js';
import { generationPending, num, ready, statusOf, waiting, type Readiness } from './types.js';

/**
 * A DaemonSet is ready when a pod of the latest template is scheduled on every eligible node and all are available.
 * @see https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
 */
export function daemonSetReadiness(obj: KubeObject): Readiness {
  const pending = generationPending(obj);
  if (pending) return pending;
  const status = statusOf(obj);
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  const available = num(status.numberAvailable);
  if (updated < desired) return waiting(`${updated} of ${desired} nodes updated`);
  if (available < desired) return waiting(`${available} of ${desired} nodes available`);
  return ready(`${available} of ${desired} nodes available`);
}
