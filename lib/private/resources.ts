import * as k8s from '../imports/k8s-lib.js';
import type { ResourceRange, ResourcesProps } from '../workload.js';

/**
 * The resources a container gets when `resources` does not say otherwise: a CPU request and no CPU limit (a limit
 * throttles a service even on an idle node), and memory with limit = request (memory cannot be taken back without
 * killing the process, so a pod that may use more than it reserved is the first to go under node pressure).
 * 512Mi because the former 256Mi limit is below what a JVM (default heap: a quarter of the limit) or a database
 * needs; bigger services should size themselves, and `berth synth` lists those that do not.
 */
export const DEFAULT_RESOURCES: Required<Pick<ResourcesProps, 'cpu' | 'memory'>> = {
  cpu: { request: '100m' },
  memory: { request: '512Mi', limit: '512Mi' },
};

/** The word that leaves a limit out (`limit: 'none'`), or all resources (`resources: 'none'`). */
export const NONE = 'none';

/**
 * `resources` merged over `DEFAULT_RESOURCES`: what is rendered and what request <= limit is checked on. CPU field by
 * field; memory as Kubernetes pairs it: a limit set alone is also the request, a request set alone is also the limit,
 * `limit: 'none'` leaves the limit out. `'none'` renders nothing at all.
 */
export function effectiveResources(resources: ResourcesProps | typeof NONE = {}): Record<keyof ResourcesProps, ResourceRange | undefined> {
  if (resources === NONE) return { cpu: undefined, memory: undefined, ephemeralStorage: undefined };
  const m = resources.memory ?? {};
  const memory =
    m.request === undefined && m.limit === undefined
      ? DEFAULT_RESOURCES.memory
      : { request: m.request ?? (m.limit === NONE ? DEFAULT_RESOURCES.memory.request : m.limit), limit: m.limit ?? m.request };
  const cpu = { ...DEFAULT_RESOURCES.cpu, ...resources.cpu };
  return { cpu: withoutNone(cpu), memory: withoutNone(memory), ephemeralStorage: resources.ephemeralStorage && withoutNone(resources.ephemeralStorage) };
}

function withoutNone(range: ResourceRange): ResourceRange {
  return { request: range.request, limit: range.limit === NONE ? undefined : range.limit };
}

/** Whether a container's CPU request or memory comes from `DEFAULT_RESOURCES`: what `berth synth` lists. */
export function usesDefaultResources(resources: ResourcesProps | typeof NONE | undefined): boolean {
  if (resources === NONE) return false;
  return resources?.cpu?.request === undefined || (resources.memory?.request === undefined && resources.memory?.limit === undefined);
}

const RESOURCE_NAMES: Record<keyof ResourcesProps, string> = { cpu: 'cpu', memory: 'memory', ephemeralStorage: 'ephemeral-storage' };

export function renderResources(resources: ResourcesProps | typeof NONE | undefined): k8s.ResourceRequirements | undefined {
  if (resources === NONE) return undefined;
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  for (const [key, range] of Object.entries(effectiveResources(resources)) as [keyof ResourcesProps, ResourceRange | undefined][]) {
    const name = RESOURCE_NAMES[key];
    if (range?.request !== undefined) requests[name] = k8s.Quantity.fromString(range.request);
    if (range?.limit !== undefined) limits[name] = k8s.Quantity.fromString(range.limit);
  }
  return { requests, limits: Object.keys(limits).length > 0 ? limits : undefined };
}
