import * as k8s from '../imports/k8s-lib.js';

/** A count or a percentage in the Kubernetes IntOrString shape. */
export function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/** Empty lists are left out of the manifests: they mean the same as no list and only add noise to diffs. */
export function nonEmpty<T>(items: readonly T[]): T[] | undefined {
  return items.length > 0 ? [...items] : undefined;
}
