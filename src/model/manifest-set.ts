/**
 * The plain data that crosses from synth to the engine: rendered objects plus what the engine needs to know
 * about the application's services (dependencies for deploy waves, config hashes). No construct classes here,
 * so plan / apply / diff never depend on cdk8s.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type ServiceKind = 'stateless' | 'stateful' | 'daemon' | 'batch';

export interface ServiceInfo {
  /** Service name inside the application (`api`), the value of `app.kubernetes.io/name`. */
  readonly name: string;
  readonly kind: ServiceKind;
  /** Names of the services this one depends on: applied and ready before it. */
  readonly dependsOn: readonly string[];
  /** Hash of exactly the config the service consumes (also on its pod template). */
  readonly configHash: string;
}

export interface ManifestSet {
  /** Application name (`shop`), the value of `app.kubernetes.io/part-of`. */
  readonly app: string;
  readonly version: string;
  readonly release: string;
  readonly namespace: string;
  readonly env: string;
  readonly services: readonly ServiceInfo[];
  /** Objects in apply order (see `sortObjects`). */
  readonly objects: readonly KubeObject[];
  /** The config values the application was rendered with (secret-marked values in clear: never print or store as is). */
  readonly config?: unknown;
  /** `config` with every secret-marked value (per the config schema) replaced by `sha256:<hex>`: what revisions store. */
  readonly publicConfig?: unknown;
}

/** Labels and annotations every Berth object carries (DESIGN.md, Naming and labels). */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'berth';
export const ANNOTATION_RELEASE = 'berth.dev/release';
export const ANNOTATION_CONFIG_HASH = 'berth.dev/config-hash';
export const ANNOTATION_KEEP = 'berth.dev/keep';

/**
 * Apply order by kind: what others refer to goes first. Unknown kinds go after the known ones
 * and before the workloads' consumers (ingress, autoscalers), in alphabetical order.
 */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'CustomResourceDefinition',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
];

export function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.indexOf('Ingress') - 0.5 : i;
}

/** `apiVersion/kind/namespace/name`: the identity of an object in a cluster. */
export function objectKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** Short human form: `Deployment/shop-api`. */
export function objectRef(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${o.kind}/${o.metadata.name}`;
}

/** The documented deterministic order: kind order, then service, then name. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      (a.metadata.labels?.[LABEL_NAME] ?? '').localeCompare(b.metadata.labels?.[LABEL_NAME] ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
