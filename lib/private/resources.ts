import * as k8s from '../imports/k8s-lib.js';
import type { ResourceRange, ResourcesProps } from '../workload.js';

/** The resources a container gets when `resources` does not say otherwise. */
export const DEFAULT_RESOURCES: Required<Pick<ResourcesProps, 'cpu' | 'memory'>> = {
  cpu: { request: '100m' },
  memory: { request: '128Mi', limit: '256Mi' },
};

/** `resources` merged over `DEFAULT_RESOURCES`, field by field: what is rendered and what request <= limit is checked on. */
export function effectiveResources(resources: ResourcesProps = {}): Record<keyof ResourcesProps, ResourceRange | undefined> {
  return {
    cpu: { ...DEFAULT_RESOURCES.cpu, ...resources.cpu },
    memory: { ...DEFAULT_RESOURCES.memory, ...resources.memory },
    ephemeralStorage: resources.ephemeralStorage,
  };
}

const RESOURCE_NAMES: Record<keyof ResourcesProps, string> = { cpu: 'cpu', memory: 'memory', ephemeralStorage: 'ephemeral-storage' };

export function renderResources(resources: ResourcesProps | undefined): k8s.ResourceRequirements {
  const requests: Record<string, k8s.Quantity> = {};
  const limits: Record<string, k8s.Quantity> = {};
  for (const [key, range] of Object.entries(effectiveResources(resources)) as [keyof ResourcesProps, ResourceRange | undefined][]) {
    const name = RESOURCE_NAMES[key];
    if (range?.request !== undefined) requests[name] = k8s.Quantity.fromString(range.request);
    if (range?.limit !== undefined) limits[name] = k8s.Quantity.fromString(range.limit);
  }
  return { requests, limits };
}
