import type { Workload, WorkloadKind } from '../workload.js';
import { constructError } from './errors.js';

/** Whether the workload renders a Service: stateless and stateful ones with ports do; batch and daemon kinds never create one. */
export function hasServiceFor(kind: WorkloadKind, portCount: number): boolean {
  return portCount > 0 && kind !== 'batch' && kind !== 'daemon';
}

/** Throws when `workload` has no Service, so an address asked of it would name nothing. */
export function requireService(workload: Workload, helper: string): void {
  if (workload.hasService) return;
  const fix = workload.kind === 'batch' || workload.kind === 'daemon' ? `a ${workload.kind} workload has none` : "give it 'ports'";
  throw constructError(workload, `'${helper}' is only available on services with a Service: ${fix}`);
}

/** Cluster-wide DNS name of `host` (a Service, or a pod under a headless Service) in `namespace`. */
export function clusterDnsName(host: string, namespace: string): string {
  return `${host}.${namespace}.svc.cluster.local`;
}
