import type { KubeObject } from '../manifest-set.js';
import { crdReadiness } from './crd.js';
import { daemonSetReadiness } from './daemonset.js';
import { deploymentReadiness } from './deployment.js';
import { existenceReadiness } from './existence.js';
import { jobReadiness } from './job.js';
import { pvcReadiness } from './pvc.js';
import { statefulSetReadiness } from './statefulset.js';
import type { Readiness, ReadinessRule } from './types.js';

export type { Readiness, ReadinessRule } from './types.js';

/** Rules by `group/kind` (core group empty): a new kind is one file and one line here. */
const RULES: Record<string, ReadinessRule> = {
  'apps/Deployment': deploymentReadiness,
  'apps/StatefulSet': statefulSetReadiness,
  'apps/DaemonSet': daemonSetReadiness,
  'batch/Job': jobReadiness,
  '/PersistentVolumeClaim': pvcReadiness,
  'apiextensions.k8s.io/CustomResourceDefinition': crdReadiness,
};

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** True when the kind has a rule beyond existence, i.e. it is worth polling. */
export function hasReadinessRule(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return `${groupOf(obj.apiVersion)}/${obj.kind}` in RULES;
}

/** The readiness of a live object, by its kind; unknown kinds are ready once they exist. */
export function readiness(obj: KubeObject): Readiness {
  const rule = RULES[`${groupOf(obj.apiVersion)}/${obj.kind}`] ?? existenceReadiness;
  return rule(obj);
}
