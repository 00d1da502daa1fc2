import type { KubeObject } from '../manifest-set.js';
import { condition, failed, num, ready, reasonOf, statusOf, waiting, type Readiness } from './types.js';

/**
 * A Job is done when it reports `Complete` (ready) or `Failed` (a terminal failure with the cluster's reason).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#terminal-job-conditions
 */
export function jobReadiness(obj: KubeObject): Readiness {
  const failure = condition(obj, 'Failed');
  if (failure?.status === 'True') return failed(`job failed: ${reasonOf(failure)}`);
  const complete = condition(obj, 'Complete');
  const status = statusOf(obj);
  if (complete?.status === 'True') return ready(`completed (${num(status.succeeded)} succeeded)`);
  return waiting(`${num(status.active)} active, ${num(status.succeeded)} succeeded, ${num(status.failed)} failed`);
}
