import type { KubeObject } from '../manifest-set.js';
import { condition, failed, num, ready, reasonOf, statusOf, waiting, type Readiness } from './types.js';

/**
 * A Job is done when it reports `Complete` (ready) or `Failed` (a terminal failure with the cluster's reason).
 * Since Kubernetes 1.31 the controller sets `FailureTarget` as soon as the Job has failed (backoffLimit exceeded,
 * activeDeadlineSeconds passed, a pod failure policy's FailJob) and `Failed` only once its last pod has terminated,
 * which can take a pod's whole grace period: the Job's fate is sealed at `FailureTarget`.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#terminal-job-conditions
 */
export function jobReadiness(obj: KubeObject): Readiness {
  const failure = [condition(obj, 'Failed'), condition(obj, 'FailureTarget')].find((c) => c?.status === 'True');
  if (failure) return failed(`job failed: ${reasonOf(failure)}`);
  const complete = condition(obj, 'Complete');
  const status = statusOf(obj);
  if (complete?.status === 'True') return ready(`completed (${num(status.succeeded)} succeeded)`);
  return waiting(`${num(status.active)} active, ${num(status.succeeded)} succeeded, ${num(status.failed)} failed`);
}
