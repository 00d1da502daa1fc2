import type { KubeObject } from '../manifest-set.js';
import { condition, failed, generationPending, num, ready, reasonOf, specOf, statusOf, waiting, type Readiness } from './types.js';

/**
 * A Deployment is ready when the rollout of the latest generation is complete: every replica updated,
 * no old replica left, every updated replica available (the rules of `kubectl rollout status`). It fails at the
 * progress deadline, or at once when its ReplicaSet cannot create pods.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status
 */
export function deploymentReadiness(obj: KubeObject): Readiness {
  const progressing = condition(obj, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return failed(`rollout failed: ${reasonOf(progressing)}`);
  }
  const pending = generationPending(obj);
  if (pending) return pending;
  // The deployment controller copies a ReplicaSet's ReplicaFailure (pods it may not create: a ResourceQuota exceeded,
  // a LimitRange or an admission webhook refusing them) and clears it once creation works again. Retrying gets the
  // same answer until someone changes the quota or the spec, so it fails now rather than at the progress deadline.
  const replicaFailure = condition(obj, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') return failed(`rollout failed: ${reasonOf(replicaFailure)}`);
  const status = statusOf(obj);
  const desired = num(specOf(obj).replicas, 1);
  const total = num(status.replicas);
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  if (updated < desired) return waiting(`${updated} of ${desired} replicas updated`);
  if (total > updated) return waiting(`${total - updated} old replicas pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas available`);
  return ready(`${available} of ${desired} replicas available`);
}
