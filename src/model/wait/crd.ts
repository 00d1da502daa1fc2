import type { KubeObject } from '../manifest-set.js';
import { failed, ready, statusOf, waiting, type Condition, type Readiness } from './types.js';

/**
 * A CustomResourceDefinition is ready once `Established`: only then does the API server serve its kind, so objects
 * of it are applied after. `NamesAccepted=False` (its plural or kind clashes with another CRD's) never resolves itself.
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#create-a-customresourcedefinition
 */
export function crdReadiness(obj: KubeObject): Readiness {
  const conditions = (statusOf(obj).conditions ?? []) as Condition[];
  const named = conditions.find((c) => c.type === 'NamesAccepted');
  if (named?.status === 'False') return failed(`names not accepted: ${named.message ?? named.reason ?? 'no reason given'}`);
  if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return ready('established');
  return waiting('waiting to be Established');
}
