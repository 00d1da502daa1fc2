/**
 * The plain data that crosses from synth to the engine: rendered objects plus what the engine needs to know
 * about the application's services (dependencies for deploy waves, config hashes). No construct classes here,
 * so plan / apply / diff never depend on cdk8s.
 */
import { LABEL_NAME, type ServiceDescription, type WorkloadKind } from '../../lib/contract.js';

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

/** A service of the application as lib describes it (lib/contract.ts: the one declaration of the contract). */
export type ServiceInfo = ServiceDescription;
export type ServiceKind = WorkloadKind;
export type { EdgeKind, ServiceEdge, ServicePort } from '../../lib/contract.js';

/** Which rendering of which application a manifest set, a plan or a revision is about. */
export interface ReleaseIdentity {
  readonly release: string;
  readonly namespace: string;
  /** Application name (`shop`), the value of `app.kubernetes.io/part-of`. */
  readonly app: string;
  readonly version: string;
  readonly env: string;
  /** The template package the release was rendered from; absent for an app of the project (apps/<app>). */
  readonly template?: TemplateRef;
}

/** A template package, exactly: what a revision records so `history` can say which version each revision ran. */
export interface TemplateRef {
  /** Package name, `@berth/postgresql`. */
  readonly name: string;
  /** Exact version, `1.2.0`. */
  readonly version: string;
  /** SRI string of the tarball (`sha512-...`); absent for a package directory given by path. */
  readonly integrity?: string;
}

/** `@berth/postgresql@1.2.0`. */
export function templateLabel(t: Pick<TemplateRef, 'name' | 'version'>): string {
  return `${t.name}@${t.version}`;
}

export interface ManifestSet extends ReleaseIdentity {
  readonly services: readonly ServiceInfo[];
  /** Objects in apply order (see `sortObjects`). */
  readonly objects: readonly KubeObject[];
  /** The config values the application was rendered with (secret-marked values in clear: never print or store as is). */
  readonly config?: unknown;
  /**
   * `config` with every secret-marked value (per the config schema) replaced by `sha256:<hex>`. In memory only: the
   * engine keys those hashes with the release key (`keySecretHashes`) before it stores or compares them.
   */
  readonly publicConfig?: unknown;
}

export {
  ANNOTATION_CONFIG_HASH,
  ANNOTATION_KEEP,
  ANNOTATION_SECRET_HASH,
  CONTEXT_RELEASE_KEY,
  ANNOTATION_RELEASE,
  CLUSTER_SCOPED_KINDS,
  definedKinds,
  groupKind,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
} from '../../lib/contract.js';

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

/**
 * Names, labels and kinds compared as `localeCompare(…, 'en')` does (ECMA-402 defines it as this collator's): one fixed
 * locale, so the order does not depend on the machine's (`LANG=da_DK` put `aa` after `z`). Strings of lowercase
 * letters, digits, `-` and `.` (the names and label values Kubernetes objects carry; kinds have capitals, but two
 * kinds are compared only when they share a rank) are ordered by that collation exactly as by their code units (each is one primary weight, in ASCII order: `-` `.` 0–9 a–z; tested
 * against the collator), so they are compared directly: creating the collator initialises ICU, ~10 ms of a ~120 ms
 * warm synth. The collator is built for the first other string.
 */
const PLAIN = /^[a-z0-9.-]*$/;
let collator: Intl.Collator | undefined;

export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : 1;
  return (collator ??= new Intl.Collator('en')).compare(a, b);
}

/** The documented deterministic order: kind order, then service, then name. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  // Each object's sort keys computed once rather than in every comparison, and whether its service and name are
  // plain (compareNames would test that in every comparison).
  const keyed = objects.map((o) => {
    const service = o.metadata.labels?.[LABEL_NAME] ?? '';
    const name = o.metadata.name;
    return { o, rank: kindRank(o.kind), service, name, plain: PLAIN.test(service) && PLAIN.test(name) };
  });
  const compare = (a: string, b: string, plain: boolean): number => (a === b ? 0 : plain ? (a < b ? -1 : 1) : compareNames(a, b));
  keyed.sort((a, b) => {
    const plain = a.plain && b.plain;
    return a.rank - b.rank || compareNames(a.o.kind, b.o.kind) || compare(a.service, b.service, plain) || compare(a.name, b.name, plain);
  });
  return keyed.map((k) => k.o);
}

/** Whether any object is cluster-scoped: synth renders those, and only those, without `metadata.namespace`. */
export function hasClusterScoped(objects: readonly KubeObject[]): boolean {
  return objects.some((o) => o.metadata.namespace === undefined);
}
