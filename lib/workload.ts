import { Construct } from 'constructs';
import type * as k8s from './imports/k8s-lib.js';
import { Application } from './application.js';
import type { ServiceConfig, ServiceSecretConfig } from './config.js';
import type { WorkloadKind } from './contract.js';
import type { ContainerSpec, SidecarSpec } from './container.js';
import type { EnvValue } from './env-value.js';
import type { Probe } from './probe.js';
import type { ServiceOptions } from './service.js';
import type { Volume } from './volume.js';
import type { LifecycleHooks } from './lifecycle.js';
import type { AntiAffinity, DnsConfig, DnsPolicy, HostAlias, Spread } from './scheduling.js';
import type { SecurityOptions } from './security.js';
import { clusterDnsName, hasServiceFor, requireService } from './private/addresses.js';
import { createConfigObjects } from './private/config-objects.js';
import { constructError, propError } from './private/errors.js';
import { checkKnownKeys, DEPENDS_ON_OPTIONS, WORKLOAD_PROPS } from './private/known-keys.js';
import { objectMeta, serviceMetadata } from './private/metadata.js';
import { dns1123LabelProblem, MAX_NAME_LENGTH, objectName } from './private/naming.js';
import { addDependencyPolicy } from './private/network-policies.js';
import { PodContainers } from './private/pod-containers.js';
import { podTemplateFor } from './private/pod-template.js';
import { resolvePorts, type ResolvedPort } from './private/ports.js';
import { usesDefaultResources } from './private/resources.js';
import { checkNodePort, createServiceFor, type ServiceSite, type WorkloadService } from './private/service.js';
import { createServiceAccount } from './private/service-account.js';
import { validateWorkloadProps } from './private/validate-workload.js';
import { waitForPortContainer } from './private/wait-for-init.js';

export type { WorkloadKind } from './contract.js';

/** One port the container listens on. Workloads with a Service expose every port through it unless `service.ports` picks some. */
export interface PortSpec {
  /**
   * Port the container listens on.
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
   */
  readonly port: number;
  /**
   * Port name (IANA service name, at most 15 characters), used by probes, Ingress and Service.
   * @default 'http' for the first port, `port-<port>` for the others
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
   */
  readonly name?: string;
  /**
   * Port of the Service in front of the pods.
   * @default the container port
   */
  readonly servicePort?: number;
  /**
   * Transport protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /**
   * Node port of the main Service, whose type must then be `NodePort` or `LoadBalancer` (refused otherwise). Other
   * Services set theirs in their `ports`: a node port is unique in the cluster.
   * @default chosen by Kubernetes
   */
  readonly nodePort?: number;
}

/** Request and limit of one resource, as Kubernetes quantities (`100m`, `512Mi`). */
export interface ResourceRange {
  /**
   * What the scheduler reserves for the container.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly request?: string;
  /**
   * The most the container may use: CPU is throttled above it, memory is OOM-killed. `'none'` leaves the limit out
   * on purpose (the container may use what the node has free and is the first evicted under memory pressure).
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly limit?: string;
}

/**
 * Container resources. CPU fields override the default one by one; memory is a pair: a memory request set alone is
 * also the limit, a limit set alone is also the request (as Kubernetes does). `berth synth` lists the services that
 * run on defaults. `resources: 'none'` renders no requests and no limits at all (QoS class BestEffort: first to be
 * evicted; for throwaway workloads only).
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourcesProps {
  /**
   * CPU request and limit.
   * @default { request: '100m' }, no limit: a CPU limit throttles latency-sensitive services even on idle nodes
   */
  readonly cpu?: ResourceRange;
  /**
   * Memory request and limit. Limit = request is the default and what a request alone gets: memory cannot be taken
   * back without killing the process, so a limit above the request only makes the pod the first OOM-kill victim
   * when the node runs short. Size it for the process: a JVM takes a quarter of the limit as heap by default, a
   * database its cache on top.
   * @default { request: '512Mi', limit: '512Mi' }
   */
  readonly memory?: ResourceRange;
  /**
   * Ephemeral storage request and limit.
   * @default none
   */
  readonly ephemeralStorage?: ResourceRange;
}

// Defined beside the one function that applies it; exported here with the props it is the default of.
export { DEFAULT_RESOURCES } from './private/resources.js';

// Defined with the presets in security.ts; still exported here, where they were first.
export type { ContainerSecurityOptions, SecurityOptions } from './security.js';

/** A volume mounted into the workload's container. */
export interface VolumeMount {
  /**
   * Absolute path inside the container.
   * @see https://kubernetes.io/docs/concepts/storage/volumes/
   */
  readonly path: string;
  /**
   * The volume: `Volume.emptyDir('tmp')`, `Volume.fromConfigMap(...)`, ...
   * @see https://kubernetes.io/docs/concepts/storage/volumes/
   */
  readonly volume: Volume;
  /**
   * Mount read-only.
   * @default false
   * @see https://kubernetes.io/docs/concepts/storage/volumes/
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this path inside the volume.
   * @default the whole volume
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#using-subpath
   */
  readonly subPath?: string;
}

/** A toleration of node taints. */
export interface Toleration {
  /**
   * Taint key; empty with operator `Exists` tolerates everything.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly key?: string;
  /**
   * `Equal` compares `value`; `Exists` matches any value.
   * @default 'Equal'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * Taint value to match with operator `Equal`.
   * @default ''
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly value?: string;
  /**
   * Taint effect to tolerate.
   * @default all effects
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * For `NoExecute`: how long the pod stays bound after the taint appears.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerationSeconds?: number;
}

/** Options of `Workload.dependsOn()`. */
export interface DependsOnOptions {
  /**
   * Add an init container that waits until the dependency's Service accepts TCP connections on its first port.
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  readonly waitForPort?: boolean;
  /**
   * Image of that init container, pinned by tag or digest; it needs `sh` and `nc`.
   * @default 'busybox:1.36.1'
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  readonly waitImage?: string;
}

/** Props every base kind shares. */
export interface WorkloadProps {
  /**
   * Service name, the value of `app.kubernetes.io/name` and the `<service>` in `<release>-<service>`.
   * A DNS-1035 label (no `_`, no dots).
   * @default the construct id
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
   */
  readonly name?: string;
  /**
   * Container image, pinned by tag or digest: an untagged image or `:latest` is refused at synth.
   * @see https://kubernetes.io/docs/concepts/containers/images/
   */
  readonly image: string;
  /**
   * Name of the main container, e.g. for `kubectl logs -c`: a DNS-1123 label, unique in the pod.
   * @default the service name
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container
   */
  readonly containerName?: string;
  /**
   * When to pull the image.
   * @default Kubernetes' default: `Always` for `:latest` or no tag, else `IfNotPresent`
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Secrets holding registry credentials (for every container of the pod).
   * @default none
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Entrypoint, replaces the image's ENTRYPOINT.
   * @default the image's entrypoint
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
   */
  readonly command?: readonly string[];
  /**
   * Arguments, replace the image's CMD.
   * @default the image's CMD
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
   */
  readonly args?: readonly string[];
  /**
   * Environment variables: a string is a literal, an `EnvValue` can point into a ConfigMap, a Secret or a pod field.
   * @default none
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
   */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /**
   * Non-secret config of this service, rendered into the ConfigMap `<release>-<service>-config` and loaded with
   * `envFrom`. Keys are environment variable names. A change rolls only this service's pods.
   * @default none
   * @see https://kubernetes.io/docs/concepts/configuration/configmap/
   */
  readonly config?: ServiceConfig;
  /**
   * Secret config of this service (fields typed `Secret`), rendered base64 into the Secret
   * `<release>-<service>-secret` and loaded with `envFrom`. Never rendered in clear.
   * @default none
   * @see https://kubernetes.io/docs/concepts/configuration/secret/
   */
  readonly secretConfig?: ServiceSecretConfig;
  /**
   * Ports the container listens on.
   * @default none
   * @see https://kubernetes.io/docs/concepts/services-networking/service/
   */
  readonly ports?: readonly PortSpec[];
  /**
   * Resource requests and limits, merged over `DEFAULT_RESOURCES`; `'none'` for no requests and no limits.
   * @default DEFAULT_RESOURCES: cpu request 100m, no cpu limit, memory request = limit = 512Mi
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly resources?: ResourcesProps | 'none';
  /**
   * Restarts the container when it fails.
   * @default none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
   */
  readonly liveness?: Probe;
  /**
   * Takes the pod out of its Service while it fails.
   * @default none
   * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
   */
  readonly readiness?: Probe;
  /**
   * Holds the other probes back until it succeeds once: for slow starters.
   * @default none
   * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
   */
  readonly startup?: Probe;
  /**
   * Security settings of the main container and the pod; the defaults are the restricted ones. `SecurityPreset`
   * has documented opt-outs for images that start as root or rely on file capabilities.
   * @default non-root, read-only root filesystem, no privilege escalation, ALL capabilities dropped, seccomp RuntimeDefault
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly security?: SecurityOptions;
  /**
   * Volumes mounted into the container.
   * @default none
   * @see https://kubernetes.io/docs/concepts/storage/volumes/
   */
  readonly volumes?: readonly VolumeMount[];
  /**
   * Containers that run to completion, one after the other, before the sidecars and the main container start
   * (after the `dependsOn` waits). One that fails is restarted with back-off as the pod's restart policy says
   * (`Always` / `OnFailure`; with a BatchJob's `restartPolicy: 'Never'` the pod fails). Same secure defaults and
   * default resources as the main container; the service's config only with `loadServiceConfig`.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  readonly initContainers?: readonly ContainerSpec[];
  /**
   * Native sidecars (Kubernetes 1.29+): started after the init containers, in order, before the main container,
   * kept running and restarted beside it, stopped after it. They may have ports (exposed by the Service only with
   * `expose: true`) and probes. Same secure defaults and default resources as the main container.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly sidecars?: readonly SidecarSpec[];
  /**
   * Existing service account to run as. With `createServiceAccount` the generated one is used instead.
   * @default the namespace's `default` service account
   * @see https://kubernetes.io/docs/concepts/security/service-accounts/
   */
  readonly serviceAccountName?: string;
  /**
   * Create the ServiceAccount `<release>-<service>` and run as it.
   * @default false
   * @see https://kubernetes.io/docs/concepts/security/service-accounts/
   */
  readonly createServiceAccount?: boolean;
  /**
   * Mount an API token into the pod: only for workloads that talk to the Kubernetes API.
   * @default false
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Run only on nodes with these labels.
   * @default any node
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Node and pod (anti-)affinity, in the Kubernetes shape.
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#affinity-and-anti-affinity
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Taints the pods tolerate.
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Extra labels on every object of the service and its pods. The `app.kubernetes.io/*` labels Berth sets are reserved.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Extra annotations on every object of the service and its pods.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Extra labels on the pod template only (not on the workload or its Services), e.g. for a pod policy or a
   * monitoring tool that selects pods. The `app.kubernetes.io/*` labels Berth sets are reserved.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Extra annotations on the pod template only, e.g. `prometheus.io/scrape` for a pod-scraping Prometheus. A change
   * rolls the pods.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * Extra labels on the workload object only (Deployment, StatefulSet, DaemonSet, Job or CronJob).
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
   */
  readonly workloadLabels?: Readonly<Record<string, string>>;
  /**
   * Extra annotations on the workload object only, e.g. for a tool that watches Deployments.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly workloadAnnotations?: Readonly<Record<string, string>>;
  /**
   * Exact name of the workload object (Deployment, StatefulSet, DaemonSet, Job or CronJob) instead of
   * `<release>-<service>`, for a tool that expects it. A DNS-1123 label, at most 52 characters for a StatefulSet or
   * CronJob. Two releases in one namespace cannot both take it: the engine refuses objects another release owns.
   * @default `<release>-<service>`
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
   */
  readonly workloadName?: string;
  /**
   * Value of the `app.kubernetes.io/component` label.
   * @default the kind: 'stateless', 'stateful', 'daemon' or 'batch'
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
   */
  readonly component?: string;
  /**
   * Seconds the pod gets to shut down after SIGTERM.
   * @default 30
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   */
  readonly terminationGracePeriodSeconds?: number;

  // Scheduling and lifecycle (issue 10 item 4).

  /**
   * Hooks of the main container: `postStart` right after it starts, `preStop` before SIGTERM, e.g.
   * `{ preStop: LifecycleHook.sleep(5) }` so endpoints drop the pod before it stops accepting connections.
   * @default none
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly lifecycle?: LifecycleHooks;
  /**
   * Spread the pods over nodes and/or zones: `'nodes'`, `'zones'`, both (`['zones', 'nodes']`) or options. Rendered
   * as topology spread constraints on the service's pods with `maxSkew: 1` and `whenUnsatisfiable: ScheduleAnyway`
   * (a preference: with `DoNotSchedule` a lost zone, or fewer nodes than replicas, leaves pods Pending).
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly spread?: Spread | readonly Spread[];
  /**
   * Topology spread constraints in the Kubernetes shape, after those of `spread`.
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly topologySpreadConstraints?: readonly k8s.TopologySpreadConstraint[];
  /**
   * Keep the service's pods off each other's node: `'preferred'` (a scheduling preference, weight 100) or
   * `'required'` (a rule: with fewer nodes than replicas the rest stay Pending), or options for another topology.
   * Merged into `affinity`; setting the same list there too is refused.
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly antiAffinity?: AntiAffinity;
  /**
   * PriorityClass of the pods: who is preempted first when the cluster is full. The class must exist.
   * @default the cluster's default class, if any
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
  /**
   * How the pods resolve names. `'None'` needs `dnsConfig.nameservers`.
   * @default 'ClusterFirst' ('ClusterFirstWithHostNet' for a DaemonApp with `hostNetwork`)
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
   */
  readonly dnsPolicy?: DnsPolicy;
  /**
   * Extra resolver settings merged with those of `dnsPolicy`: nameservers, search domains, options such as `ndots`.
   * @default none
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
   */
  readonly dnsConfig?: DnsConfig;
  /**
   * Entries added to the pods' `/etc/hosts`.
   * @default none
   * @see https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
   */
  readonly hostAliases?: readonly HostAlias[];
}

/** Extra pod spec pieces a kind adds (host paths, per-replica volumes, restart policy). */
export interface PodTemplateExtras {
  /** Pod restart policy; Jobs need `OnFailure` or `Never`. */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** Use the node's network namespace. */
  readonly hostNetwork?: boolean;
  /** Pod volumes besides those of the `volumes` prop. */
  readonly volumes?: readonly k8s.Volume[];
  /** Container mounts besides those of the `volumes` prop. */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
}

/**
 * What the four base kinds share: the main container with its image, env, config, ports, resources, probes,
 * secure defaults and volumes, init containers and sidecars, plus the names, labels, dependencies and discovery
 * helpers of a service.
 * The pod template is rendered lazily at synth, so `dependsOn()` after construction still counts.
 */
export abstract class Workload extends Construct {
  /** Service name inside the application (`api`). */
  readonly name: string;
  /** Which base kind this is: 'stateless', 'stateful', 'daemon' or 'batch'. */
  readonly kind: WorkloadKind;
  /** The application the service belongs to. */
  readonly application: Application;
  /**
   * `<release>-<service>`: the default name of the workload object and of the main Service, and the name of the
   * ServiceAccount, Ingress, autoscaler and budget.
   */
  readonly resourceName: string;
  /** Hash of exactly this service's `config` and the names of its `secretConfig` keys; '' when it has neither. */
  readonly configHash: string;
  /** Keyed hash of this service's `secretConfig` values (`berth.dev/secret-hash`), when rendered for a cluster. */
  readonly secretHash?: string;
  /** The labels that never change for the life of a release: instance and name. Selectors use only these. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** All labels of the service's objects and pod templates. */
  readonly labels: Readonly<Record<string, string>>;
  /** All annotations of the service's objects. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Name of the generated ConfigMap, when `config` is set. */
  readonly configMapName?: string;
  /** Name of the generated Secret, when `secretConfig` is set. */
  readonly secretName?: string;
  /** Name of the main container: `containerName`, else the service name. */
  readonly containerName: string;

  protected readonly props: WorkloadProps;
  /** The ports the Service exposes: the main container's, then the sidecar ports with `expose: true`. */
  protected readonly ports: readonly ResolvedPort[];
  private readonly servicePorts: ResolvedPort[];
  private readonly mainPorts: readonly ResolvedPort[];
  private readonly deps: Workload[] = [];
  private readonly waitingFor = new Set<Workload>();
  private readonly pod: PodContainers;
  private readonly serviceAccountName?: string;
  /** The Services of the workload in creation order; the main one, when there is one, is `mainService`. */
  private readonly ownServices: WorkloadService[] = [];
  private mainService?: WorkloadService;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, kind: WorkloadKind) {
    super(scope, id);
    this.props = props;
    this.kind = kind;
    this.application = Application.of(this);
    this.name = props.name ?? id;
    checkKnownKeys(this, '', props, WORKLOAD_PROPS[kind]);
    validateWorkloadProps(this, this.name, props, kind);
    this.resourceName = objectName([this.application.release.name, this.name]);
    this.mainPorts = resolvePorts(props.ports ?? []);
    this.servicePorts = [...this.mainPorts];
    this.ports = this.servicePorts;
    this.containerName = props.containerName ?? this.name;

    const metadata = serviceMetadata(this.application, this.name, props.component ?? kind, props.labels, props.annotations);
    this.selectorLabels = metadata.selectorLabels;
    this.labels = metadata.labels;
    this.annotations = metadata.annotations;

    const configObjects = createConfigObjects(this, props.config ?? {}, props.secretConfig ?? {});
    this.configHash = configObjects.configHash;
    this.secretHash = configObjects.secretHash;
    this.configMapName = configObjects.configMapName;
    this.secretName = configObjects.secretName;
    this.serviceAccountName = props.createServiceAccount
      ? createServiceAccount(this, props.automountServiceAccountToken)
      : props.serviceAccountName;
    this.pod = new PodContainers(this, {
      name: this.containerName,
      ports: this.mainPorts,
      volumes: props.volumes ?? [],
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      hostUsers: props.security?.hostUsers,
    });
    for (const spec of props.initContainers ?? []) this.addInitContainer(spec);
    // Before the subclass creates its Service, so exposed sidecar ports decide whether there is one.
    for (const spec of props.sidecars ?? []) this.addSidecarPorts(spec, true);
    this.application._registerService(this);
    addDependencyPolicy(this.application, this.application._networkPolicies, this);
  }

  /** Services this one depends on, in the order `dependsOn()` was called. */
  get dependencies(): readonly Workload[] {
    return [...this.deps];
  }

  /**
   * Names of the containers (main first, then init containers and sidecars; not the `dependsOn` waits) whose CPU
   * request or memory comes from `DEFAULT_RESOURCES`: `berth synth` lists them so that nobody runs on them unaware.
   */
  get defaultResourceContainers(): readonly string[] {
    const main = usesDefaultResources(this.props.resources) ? [this.containerName] : [];
    return [...main, ...this.pod.onDefaultResources];
  }

  /** Whether the workload has a Service, so `host`, `port` and `url` work. */
  get hasService(): boolean {
    return hasServiceFor(this.kind, this.ports.length);
  }

  /**
   * In-namespace DNS name of the service: its main Service's name, `<release>-<service>` unless `service.name` sets
   * an exact one. Survives renaming a release without edits.
   */
  get host(): string {
    requireService(this, 'host');
    return this.mainService?.name ?? this.resourceName;
  }

  /** Cluster-wide DNS name: `<host>.<namespace>.svc.cluster.local`. */
  get fqdn(): string {
    requireService(this, 'fqdn');
    return clusterDnsName(this.host, this.application.release.namespace);
  }

  /** The port of the main Service's first port. */
  get port(): number {
    requireService(this, 'port');
    return this.firstServicePort('port').servicePort;
  }

  /** `<host>:<port>`, e.g. `shop-prod-cache:6379`: for clients configured with an address rather than a URL. */
  get addr(): string {
    return `${this.host}:${this.port}`;
  }

  /** The main Service's port for the pod port named `name`, e.g. `db.portOf('metrics')`. */
  portOf(name: string): number {
    requireService(this, `portOf('${name}')`);
    const ports = this.mainService ? this.mainService.ports() : this.ports;
    const found = ports.find((p) => p.name === name);
    if (!found) {
      const known = ports.map((p) => `'${p.name}'`).join(', ');
      throw constructError(this, `portOf('${name}'): the Service ${this.host} has no port named '${name}' (its ports: ${known})`);
    }
    return found.servicePort;
  }

  /** `<host>:<port>` of the port named `name`, e.g. `cache.addrOf('metrics')` → `shop-prod-cache:9121`. */
  addrOf(name: string): string {
    return `${this.host}:${this.portOf(name)}`;
  }

  /** Name of the main Service's first port: where an Ingress routes to. */
  protected get firstServicePortName(): string {
    return this.firstServicePort('ingress').name;
  }

  private firstServicePort(asker: string): { name: string; servicePort: number } {
    const first = this.mainService ? this.mainService.ports()[0] : this.ports[0];
    if (!first) throw constructError(this, `'${asker}': the Service ${this.host} lists no ports ('service.ports' is []): name one there`);
    return first;
  }

  /** `http://<host>:<port>`. */
  get url(): string {
    return this.urlFor('http');
  }

  /** `<scheme>://<host>:<port>`, e.g. `cache.urlFor('redis')` → `redis://shop-prod-cache:6379`. */
  urlFor(scheme: string): string {
    return `${scheme}://${this.host}:${this.port}`;
  }

  /**
   * Records that this service needs `other`: the engine applies and waits for `other` first. With `waitForPort`
   * the pods also wait in an init container until `other`'s Service accepts connections.
   */
  dependsOn(other: Workload, options: DependsOnOptions = {}): this {
    if (other === this) throw propError(this, 'dependsOn', other.name, 'a service cannot depend on itself');
    checkKnownKeys(this, 'dependsOn', options, DEPENDS_ON_OPTIONS);
    if (!this.deps.includes(other)) this.deps.push(other);
    if (options.waitForPort && !this.waitingFor.has(other)) {
      this.pod.addWait(waitForPortContainer(this, other, options), `dependsOn(${other.node.path}, { waitForPort: true })`);
      this.waitingFor.add(other);
    }
    return this;
  }

  /**
   * Adds an init container after those of `initContainers`: it runs to completion before the sidecars and the main
   * container start. Messages name it `initContainers[<n>]`, counting the prop's.
   */
  addInitContainer(spec: ContainerSpec): this {
    this.pod.addInit(spec);
    return this;
  }

  /**
   * Adds a native sidecar after those of `sidecars`. Its `expose: true` ports join the Service, which must exist
   * already: a workload without `ports` gets a Service only for sidecars of the `sidecars` prop.
   */
  addSidecar(spec: SidecarSpec): this {
    this.addSidecarPorts(spec, false);
    return this;
  }

  private addSidecarPorts(spec: SidecarSpec, beforeService: boolean): void {
    let problem: string | undefined;
    if (this.kind === 'batch' || this.kind === 'daemon') problem = `cannot be set: a ${this.kind} workload has no Service; remove 'expose'`;
    else if (!beforeService && !this.hasService) {
      problem = "needs a Service, and this workload has none: give the workload 'ports', or pass the sidecar in the 'sidecars' prop";
    }
    const exposed = this.pod.addSidecar(spec, problem, this.servicePorts);
    this.servicePorts.push(...exposed);
    // Services created already with the default ports get these too: their type must allow the node ports.
    for (const service of this.ownServices) {
      for (const p of service.ports().filter((sp) => exposed.some((e) => e.name === sp.name))) checkNodePort(this, service, p);
    }
  }

  /** Metadata of an object of this service: name, all labels, all annotations. */
  protected metadata(name: string): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
    return objectMeta(this, name);
  }

  /**
   * Metadata of the workload object: `workloadName` or `defaultName`, with the `workloadLabels` and
   * `workloadAnnotations` besides the common ones. `maxLength` is 52 for the kinds whose controllers append to the name.
   */
  protected workloadMetadata(defaultName: string, maxLength = MAX_NAME_LENGTH): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
    const exact = this.props.workloadName;
    if (exact !== undefined) {
      const problem = typeof exact === 'string' ? dns1123LabelProblem(exact) : 'must be a string';
      if (problem) throw propError(this, 'workloadName', exact, problem);
      if (exact.length > maxLength) {
        throw propError(this, 'workloadName', exact, `is ${exact.length} characters long; the limit is ${maxLength} here, so the names the controller derives from it fit`);
      }
    }
    return objectMeta(this, exact ?? defaultName, { labels: this.props.workloadLabels, annotations: this.props.workloadAnnotations });
  }

  /**
   * Creates a Service selecting this workload's pods by instance + name only. The one with `site.main` is the one
   * `host`, `port`, `url` and `addr` point at.
   */
  protected createService(id: string, name: string, options: ServiceOptions, site: ServiceSite): k8s.KubeService {
    const service = createServiceFor(this, { exposed: this.ports, pod: this.pod.ports }, id, options.name ?? name, options, site);
    this.ownServices.push(service);
    if (site.main) this.mainService = service;
    return service.object;
  }

  /** A Service besides the main one: `<release>-<service>-<suffix>` unless `options.name` gives an exact name. */
  protected createExtraService(suffix: string, options: ServiceOptions, prop: string): k8s.KubeService {
    const problem = typeof suffix === 'string' ? dns1123LabelProblem(suffix) : 'must be a string';
    if (problem) throw propError(this, prop, suffix, `${problem}: the suffix becomes part of the Service name`);
    if (!this.hasService) {
      throw propError(this, prop, suffix, "needs a main Service, and this workload has none: give the workload 'ports'");
    }
    const id = `Service-${suffix}`;
    if (this.node.tryFindChild(id)) throw propError(this, prop, suffix, 'names a Service of this workload already: choose another suffix');
    return this.createService(id, objectName([this.application.release.name, this.name, suffix]), options, { prop, main: false });
  }

  /** The pod template: labels, config hash, the containers with secure defaults, init containers, scheduling. */
  protected renderPodTemplate(extras: PodTemplateExtras = {}): k8s.PodTemplateSpec {
    const { props, mainPorts, pod, serviceAccountName } = this;
    return podTemplateFor(this, { props, ports: mainPorts, pod, serviceAccountName }, extras);
  }
}
