import * as k8s from '../imports/k8s-lib.js';
import type { Workload } from '../workload.js';
import { objectMeta } from './metadata.js';

/** The ServiceAccount `<release>-<service>` of `createServiceAccount: true`; returns its name for the pod spec. */
export function createServiceAccount(workload: Workload, automountToken: boolean | undefined): string {
  new k8s.KubeServiceAccount(workload, 'ServiceAccount', {
    metadata: objectMeta(workload, workload.resourceName),
    automountServiceAccountToken: automountToken ?? false,
  });
  return workload.resourceName;
}
