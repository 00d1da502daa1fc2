/**
 * Unknown keys in props and option objects, refused at runtime. TypeScript refuses them at compile time (and synth
 * type-checks the app), but an app written in plain JavaScript, or a value built with `as any`, reaches the
 * constructors unchecked, and a misspelt key (`httpHeaders` for `headers`) would be dropped without a word.
 *
 * Every key list below is written against its interface with `satisfies KeyList<T>` (or `shape<T>({...})`, the same
 * check): a prop added to an interface without its key here, or a key left here after the prop was removed, fails
 * `npm run typecheck`. When you add a prop: add `name: true` to the list of its interface, and when its value is an
 * options object (or a list of them) with a fixed set of keys, give its shape in `nested` too.
 */
import type { IConstruct } from 'constructs';
import { closest, distance } from 'fastest-levenshtein';
import type { ApplicationProps, ReleaseContext } from '../application.js';
import type { BatchJobProps } from '../batch-job.js';
import type { ContainerSpec, SidecarPortSpec, SidecarSpec } from '../container.js';
import type { WorkloadKind } from '../contract.js';
import type { DaemonAppProps, HostPathMount } from '../daemon-app.js';
import type { EnvRefOptions } from '../env-value.js';
import type {
  CidrPeerOptions,
  IngressControllerPeer,
  NetworkPoliciesOptions,
  NetworkPolicyPortSpec,
  NetworkPolicyProps,
  NetworkPolicyRule,
  ServiceIngressRule,
} from '../network-policy.js';
import type { GrpcProbeOptions, HttpProbeOptions, ProbeOptions, TcpProbeOptions } from '../probe.js';
import type { PersistentStorage, StatefulAppProps } from '../stateful-app.js';
import type { AutoscalingOptions, DisruptionBudgetOptions, IngressOptions, RollingUpdateOptions, StatelessAppProps } from '../stateless-app.js';
import type { LifecycleHooks } from '../lifecycle.js';
import type { AntiAffinityOptions, DnsConfig, HostAlias, SpreadOptions } from '../scheduling.js';
import type { HeadlessServiceOptions, ServiceOptions, ServicePortOptions } from '../service.js';
import type { ConfigMapVolumeOptions, EmptyDirOptions, PvcVolumeOptions } from '../volume.js';
import type {
  ContainerSecurityOptions,
  DependsOnOptions,
  PortSpec,
  ResourceRange,
  ResourcesProps,
  SecurityOptions,
  Toleration,
  VolumeMount,
  WorkloadProps,
} from '../workload.js';
import { constructError } from './errors.js';

/** Every key of `T`, optional ones included, each `true`. */
export type KeyList<T> = { readonly [K in keyof Required<T>]: true };

/** The keys of an options object, and the shapes of its values that are options objects themselves. */
export interface Shape {
  readonly keys: Readonly<Record<string, true>>;
  /** A value's shape, `[shape]` for a list of such objects, or `{ each: shape }` for a map of them. */
  readonly nested?: Readonly<Record<string, Nested>>;
}

type Nested = Shape | readonly [Shape] | { readonly each: Shape };

/** A shape whose key list is checked against `T`: every key of `T`, nothing else. */
export function shape<T>(keys: KeyList<T>, nested?: { readonly [K in keyof T]?: Nested }): Shape {
  return { keys, nested: nested as Shape['nested'] };
}

/**
 * Throws at the first key of `value` (and of its nested option objects) that `shape` does not know:
 * `shop/web: 'readiness' unknown property 'httpHeaders' — did you mean 'headers'?`. `prop` is the path of `value`
 * in the props ('' for the props themselves). Values of other types are left to the checks of the prop.
 */
export function checkKnownKeys(scope: IConstruct, prop: string, value: unknown, s: Shape): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(s.keys, key)) throw unknownKeyError(scope, prop, key, Object.keys(s.keys));
    const child = s.nested?.[key];
    const v = (value as Record<string, unknown>)[key];
    if (child === undefined || v === undefined) continue;
    const at = prop === '' ? key : `${prop}.${key}`;
    if (isList(child)) {
      if (Array.isArray(v)) v.forEach((item, i) => checkKnownKeys(scope, `${at}[${i}]`, item, child[0]));
      else checkKnownKeys(scope, at, v, child[0]);
    } else if ('each' in child) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        for (const [k, item] of Object.entries(v)) checkKnownKeys(scope, `${at}.${k}`, item, child.each);
      }
    } else {
      checkKnownKeys(scope, at, v, child);
    }
  }
}

function isList(s: Nested): s is readonly [Shape] {
  return Array.isArray(s);
}

function unknownKeyError(scope: IConstruct, prop: string, key: string, known: readonly string[]): Error {
  const where = prop === '' ? 'unknown prop' : `'${prop}' unknown property`;
  const near = suggestion(key, known);
  const fix = near ? `did you mean '${near}'?` : known.length > 0 ? `known: ${[...known].sort().join(', ')}` : 'it takes no properties';
  return constructError(scope, `${where} '${key}' — ${fix}`);
}

/**
 * The known key `key` most likely meant: a few edits away, or a different case (`readonlyRootFilesystem`), or one
 * holding the other (`httpHeaders` for `headers`, `tls` for `tlsSecret`); anything further would be a guess.
 */
function suggestion(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const near = known.length > 0 ? closest(key, [...known]) : undefined;
  if (near !== undefined && distance(lower, near.toLowerCase()) <= Math.max(2, Math.floor(near.length / 4))) return near;
  const holding = known.filter((k) => Math.min(k.length, key.length) >= 3 && (lower.includes(k.toLowerCase()) || k.toLowerCase().includes(lower)));
  return holding.length === 1 ? holding[0] : undefined;
}

// Leaves first, then the objects that hold them.

const RESOURCE_RANGE = shape<ResourceRange>({ request: true, limit: true });
const RESOURCES = shape<ResourcesProps>(
  { cpu: true, memory: true, ephemeralStorage: true },
  { cpu: RESOURCE_RANGE, memory: RESOURCE_RANGE, ephemeralStorage: RESOURCE_RANGE },
);
const CONTAINER_SECURITY_KEYS = {
  runAsNonRoot: true,
  runAsUser: true,
  runAsGroup: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: true,
  addCapabilities: true,
  privileged: true,
  procMount: true,
  seccompProfile: true,
  appArmorProfile: true,
} satisfies KeyList<ContainerSecurityOptions>;
const CONTAINER_SECURITY = shape<ContainerSecurityOptions>(CONTAINER_SECURITY_KEYS);
const SECURITY = shape<SecurityOptions>({
  ...CONTAINER_SECURITY_KEYS,
  fsGroup: true,
  podRunAsUser: true,
  podRunAsGroup: true,
  supplementalGroups: true,
  sysctls: true,
  hostUsers: true,
});
// LifecycleHook values are Berth objects (like Probe), built by their factories: only the hook names are checked here.
const LIFECYCLE = shape<LifecycleHooks>({ postStart: true, preStop: true });
const SPREAD = shape<SpreadOptions>({ across: true, maxSkew: true, whenUnsatisfiable: true, minDomains: true });
const VOLUME_MOUNT = shape<VolumeMount>({ path: true, volume: true, readOnly: true, subPath: true });
const PORT_KEYS = { port: true, name: true, servicePort: true, protocol: true, nodePort: true } satisfies KeyList<PortSpec>;
const PORT = shape<PortSpec>(PORT_KEYS);
const TOLERATION = shape<Toleration>({ key: true, operator: true, value: true, effect: true, tolerationSeconds: true });

const CONTAINER_KEYS = {
  name: true,
  image: true,
  imagePullPolicy: true,
  command: true,
  args: true,
  env: true,
  loadServiceConfig: true,
  resources: true,
  security: true,
  volumes: true,
} satisfies KeyList<ContainerSpec>;
const CONTAINER_NESTED = { resources: RESOURCES, security: CONTAINER_SECURITY, volumes: [VOLUME_MOUNT] } as const;
/** An init container (`initContainers[i]`, `addInitContainer`). */
export const CONTAINER_SPEC = shape<ContainerSpec>(CONTAINER_KEYS, CONTAINER_NESTED);
/** A native sidecar (`sidecars[i]`, `addSidecar`). */
export const SIDECAR_SPEC = shape<SidecarSpec>(
  { ...CONTAINER_KEYS, ports: true, liveness: true, readiness: true, startup: true, startBeforeInitContainers: true, lifecycle: true },
  { ...CONTAINER_NESTED, lifecycle: LIFECYCLE, ports: [shape<SidecarPortSpec>({ ...PORT_KEYS, expose: true })] },
);

const WORKLOAD_KEYS = {
  name: true,
  image: true,
  containerName: true,
  imagePullPolicy: true,
  imagePullSecrets: true,
  command: true,
  args: true,
  env: true,
  config: true,
  secretConfig: true,
  ports: true,
  resources: true,
  liveness: true,
  readiness: true,
  startup: true,
  security: true,
  volumes: true,
  initContainers: true,
  sidecars: true,
  serviceAccountName: true,
  createServiceAccount: true,
  automountServiceAccountToken: true,
  nodeSelector: true,
  // A generated Kubernetes type (k8s.Affinity): its keys are the API's, not Berth's, and the API server checks them.
  affinity: true,
  tolerations: true,
  labels: true,
  annotations: true,
  component: true,
  terminationGracePeriodSeconds: true,
  podLabels: true,
  podAnnotations: true,
  workloadLabels: true,
  workloadAnnotations: true,
  workloadName: true,
  lifecycle: true,
  spread: true,
  // A generated Kubernetes type, like `affinity`.
  topologySpreadConstraints: true,
  antiAffinity: true,
  priorityClassName: true,
  dnsPolicy: true,
  dnsConfig: true,
  hostAliases: true,
} satisfies KeyList<WorkloadProps>;
// Init containers and sidecars are checked when they are added (`PodContainers`), with the same shapes as
// `addInitContainer` / `addSidecar`, so that an init container's sidecar-only prop gets its own message.
const WORKLOAD_NESTED = {
  ports: [PORT],
  resources: RESOURCES,
  security: SECURITY,
  volumes: [VOLUME_MOUNT],
  tolerations: [TOLERATION],
  lifecycle: LIFECYCLE,
  // One spread or a list of them: a list shape checks a single object too.
  spread: [SPREAD],
  antiAffinity: shape<AntiAffinityOptions>({ mode: true, across: true }),
  dnsConfig: shape<DnsConfig>({ nameservers: true, searches: true, options: true }),
  hostAliases: [shape<HostAlias>({ ip: true, hostnames: true })],
} as const;

const SERVICE_PORT = shape<ServicePortOptions>({ name: true, servicePort: true, nodePort: true });
const SERVICE = shape<ServiceOptions>(
  {
    name: true,
    type: true,
    ports: true,
    headless: true,
    annotations: true,
    labels: true,
    externalTrafficPolicy: true,
    loadBalancerSourceRanges: true,
    loadBalancerClass: true,
    sessionAffinity: true,
    sessionAffinityTimeoutSeconds: true,
    publishNotReadyAddresses: true,
    ipFamilyPolicy: true,
  },
  { ports: [SERVICE_PORT] },
);
const SERVICE_NESTED = { service: SERVICE, extraServices: { each: SERVICE } } as const;
const SERVICE_KEYS = { service: true, extraServices: true } as const;

const STATELESS_APP = shape<StatelessAppProps>(
  { ...WORKLOAD_KEYS, ...SERVICE_KEYS, replicas: true, strategy: true, serviceType: true, ingress: true, autoscaling: true, disruptionBudget: true },
  {
    ...WORKLOAD_NESTED,
    ...SERVICE_NESTED,
    ingress: shape<IngressOptions>({ host: true, paths: true, tlsSecret: true, className: true, annotations: true }),
    autoscaling: shape<AutoscalingOptions>({ minReplicas: true, maxReplicas: true, cpuUtilization: true, memoryUtilization: true }),
    disruptionBudget: shape<DisruptionBudgetOptions>({ minAvailable: true, maxUnavailable: true }),
  },
);
const STATEFUL_APP = shape<StatefulAppProps>(
  { ...WORKLOAD_KEYS, ...SERVICE_KEYS, headlessService: true, replicas: true, storage: true, podManagementPolicy: true, updateStrategy: true, partition: true },
  {
    ...WORKLOAD_NESTED,
    ...SERVICE_NESTED,
    headlessService: shape<HeadlessServiceOptions>(
      { name: true, ports: true, annotations: true, labels: true, publishNotReadyAddresses: true },
      { ports: [SERVICE_PORT] },
    ),
    storage: [shape<PersistentStorage>({ name: true, mountPath: true, size: true, storageClassName: true, accessModes: true })],
  },
);
const DAEMON_APP = shape<DaemonAppProps>(
  { ...WORKLOAD_KEYS, maxUnavailable: true, hostNetwork: true, hostPaths: true },
  { ...WORKLOAD_NESTED, hostPaths: [shape<HostPathMount>({ name: true, hostPath: true, mountPath: true, readOnly: true, type: true })] },
);
const BATCH_JOB = shape<BatchJobProps>(
  {
    ...WORKLOAD_KEYS,
    schedule: true,
    timeZone: true,
    concurrencyPolicy: true,
    startingDeadlineSeconds: true,
    successfulJobsHistoryLimit: true,
    failedJobsHistoryLimit: true,
    suspend: true,
    completions: true,
    parallelism: true,
    backoffLimit: true,
    activeDeadlineSeconds: true,
    ttlSecondsAfterFinished: true,
    restartPolicy: true,
  },
  WORKLOAD_NESTED,
);

/** The props of each base kind. */
export const WORKLOAD_PROPS: Readonly<Record<WorkloadKind, Shape>> = { stateless: STATELESS_APP, stateful: STATEFUL_APP, daemon: DAEMON_APP, batch: BATCH_JOB };

const NETWORK_POLICY_PORT = shape<NetworkPolicyPortSpec>({ port: true, endPort: true, protocol: true });
const NETWORK_POLICY_RULE_KEYS = { peers: true, ports: true } satisfies KeyList<NetworkPolicyRule>;
const NETWORK_POLICY_RULE = shape<NetworkPolicyRule>(NETWORK_POLICY_RULE_KEYS, { ports: [NETWORK_POLICY_PORT] });
/** `NetworkPolicy` props and options, and `networkPolicies` of an Application. */
export const NETWORK_POLICY_PROPS = {
  policy: shape<NetworkPolicyProps>({ selector: true, ingress: true, egress: true }, { ingress: [NETWORK_POLICY_RULE], egress: [NETWORK_POLICY_RULE] }),
  rule: NETWORK_POLICY_RULE,
  port: NETWORK_POLICY_PORT,
  cidr: shape<CidrPeerOptions>({ except: true }),
  options: shape<NetworkPoliciesOptions>(
    { ingressFromDependents: true, ingressController: true, extra: true },
    {
      ingressController: shape<IngressControllerPeer>({ namespace: true, podLabels: true }),
      extra: [shape<ServiceIngressRule>({ ...NETWORK_POLICY_RULE_KEYS, service: true }, { ports: [NETWORK_POLICY_PORT] })],
    },
  ),
} as const;

export const APPLICATION_PROPS = shape<ApplicationProps<unknown>>(
  { config: true, release: true, version: true, clusterScoped: true, otherNamespaces: true, networkPolicies: true },
  { release: shape<ReleaseContext>({ name: true, namespace: true, env: true }), networkPolicies: NETWORK_POLICY_PROPS.options },
);

export const DEPENDS_ON_OPTIONS = shape<DependsOnOptions>({ waitForPort: true, waitImage: true });
export const ROLLING_UPDATE_OPTIONS = shape<RollingUpdateOptions>({ maxSurge: true, maxUnavailable: true });
export const ENV_REF_OPTIONS = shape<EnvRefOptions>({ optional: true });

const PROBE_TIMING = {
  initialDelaySeconds: true,
  periodSeconds: true,
  timeoutSeconds: true,
  failureThreshold: true,
  successThreshold: true,
} satisfies KeyList<ProbeOptions>;
/** Options of each `Probe` factory. */
export const PROBE_OPTIONS = {
  http: shape<HttpProbeOptions>({ ...PROBE_TIMING, port: true, scheme: true, headers: true }),
  tcp: shape<TcpProbeOptions>({ ...PROBE_TIMING, port: true }),
  grpc: shape<GrpcProbeOptions>({ ...PROBE_TIMING, port: true, service: true }),
  exec: shape<ProbeOptions>(PROBE_TIMING),
} as const;

const CONFIG_MAP_VOLUME = shape<ConfigMapVolumeOptions>({ items: true, defaultMode: true });
/** Options of each `Volume` factory (a Secret volume takes a ConfigMap volume's options). */
export const VOLUME_OPTIONS = {
  configMap: CONFIG_MAP_VOLUME,
  secret: CONFIG_MAP_VOLUME,
  emptyDir: shape<EmptyDirOptions>({ medium: true, sizeLimit: true }),
  pvc: shape<PvcVolumeOptions>({ readOnly: true }),
} as const;
