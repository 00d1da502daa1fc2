/**
 * The contract between the construct library and the engine, declared once: what `Application.describe()` hands
 * to synth and what the engine's ManifestSet carries (src/model/manifest-set.ts uses these types and names), so the
 * compiler catches a field added on one side only. Plain data and constants; `lib/` cannot import `src/`, so the
 * contract lives here and the engine imports it.
 */

/** The four base kinds; also the default `app.kubernetes.io/component` label. */
export type WorkloadKind = 'stateless' | 'stateful' | 'daemon' | 'batch';

/** What the engine needs to know about one service. */
export interface ServiceDescription {
  /** Service name, the value of `app.kubernetes.io/name`. */
  readonly name: string;
  /** Which base kind the service is. */
  readonly kind: WorkloadKind;
  /** Services of the same application that must be applied and ready first. */
  readonly dependsOn: readonly string[];
  /**
   * Hash of the service's config and of the names (not the values) of its secret config, as on its pod template;
   * '' when it has neither. Secret values are covered by the keyed `berth.dev/secret-hash` instead.
   */
  readonly configHash: string;
  /**
   * Containers of the service whose CPU request or memory are Berth's defaults (`DEFAULT_RESOURCES`), main container
   * first; empty when every container sets its own (or `'none'`). `berth synth` prints them.
   */
  readonly defaultResources?: readonly string[];
  /** The ports clients reach it on (its Service's ports; a daemon's or job's container ports). Absent in revisions recorded before graphs existed. */
  readonly ports?: readonly ServicePort[];
  /**
   * The services it points at, computed once from the construct tree (lib/private/graph.ts): by `dependsOn()` and by
   * holding their address in config, env or args. Deploy waves follow only `dependsOn`; references may form cycles
   * between services that call each other. Absent in revisions recorded before graphs existed.
   */
  readonly edges?: readonly ServiceEdge[];
}

/** Why one service points at another: declared with `dependsOn()`, or its address found in config / env / args. */
export type EdgeKind = 'dependsOn' | 'config' | 'env' | 'args';

export interface ServiceEdge {
  /** The service pointed at. */
  readonly to: string;
  /** Every reason, `dependsOn` first. */
  readonly kinds: readonly EdgeKind[];
  /** Where the address was found: `config DB_HOST`, `env ORDERS_URL`, `args`. */
  readonly via: readonly string[];
}

export interface ServicePort {
  readonly name?: string;
  /** The port clients use: the Service port, or the container port of a service without a Service. */
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

export interface ApplicationDescription {
  /** Application name, the value of `app.kubernetes.io/part-of`. */
  readonly app: string;
  /** Application version, the value of `app.kubernetes.io/version`. */
  readonly version: string;
  /** The services in creation order. */
  readonly services: readonly ServiceDescription[];
}

/**
 * Labels and annotations every Berth object carries: the recommended `app.kubernetes.io/*` labels
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/) and the release annotation.
 */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'berth';
export const ANNOTATION_RELEASE = 'berth.dev/release';
export const ANNOTATION_CONFIG_HASH = 'berth.dev/config-hash';
/** Keyed hash of a service's secret config on its pod template, only when rendered with the release key. */
export const ANNOTATION_SECRET_HASH = 'berth.dev/secret-hash';
/**
 * cdk8s context key of the release key (hex) the engine renders with, for `berth.dev/secret-hash`. Absent without a
 * cluster (`berth synth`): then no pod template carries anything derived from a secret value.
 */
export const CONTEXT_RELEASE_KEY = 'berth.dev/release-key';
export const ANNOTATION_KEEP = 'berth.dev/keep';

/**
 * Kinds the Kubernetes 1.34 API serves without a namespace (`kubectl api-resources --namespaced=false`, leaving out
 * the create-only review kinds). Synth renders them without `metadata.namespace`, refuses them unless the Application
 * allows cluster-scoped objects, and the engine finds them cluster-wide. A custom kind is cluster-scoped when a
 * CustomResourceDefinition of the same application says `scope: Cluster`; other custom kinds count as namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterTrustBundle',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'DeviceClass',
  'FlowSchema',
  'IngressClass',
  'IPAddress',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'ResourceSlice',
  'RuntimeClass',
  'ServiceCIDR',
  'StorageClass',
  'StorageVersionMigration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  'VolumeAttributesClass',
]);

/** `group/Kind` of an object (core group empty): how a CustomResourceDefinition names the kind it defines. */
export function groupKind(o: { readonly apiVersion: string; readonly kind: string }): string {
  const slash = o.apiVersion.indexOf('/');
  return `${slash === -1 ? '' : o.apiVersion.slice(0, slash)}/${o.kind}`;
}

/**
 * `group/Kind` → `Namespaced` | `Cluster` for the kinds the CustomResourceDefinitions among `objects` define. Synth uses
 * it to render their objects with or without a namespace, the engine to apply them after their definition.
 */
export function definedKinds(objects: readonly { readonly kind: string; readonly [key: string]: unknown }[]): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) kinds.set(`${spec.group}/${spec.names.kind}`, spec.scope ?? 'Namespaced');
  }
  return kinds;
}
