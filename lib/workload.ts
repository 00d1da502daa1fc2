import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s.js';
import { Application } from './application.js';
import type { ServiceConfig, ServiceSecretConfig } from './config.js';
import { EnvValue } from './env-value.js';
import type { Probe } from './probe.js';
import type { Volume } from './volume.js';
import { propError, show } from './private/errors.js';
import { configHash } from './private/hash.js';
import { dns1035Problem, dns1123LabelProblem, objectName } from './private/naming.js';
import { checkInt, checkPort, checkQuantity, parseQuantity } from './private/validate.js';

/** The four base kinds; also the default `app.kubernetes.io/component` label. */
export type WorkloadKind = 'stateless' | 'stateful' | 'daemon' | 'batch';

/** One port the container listens on. Workloads with a Service expose every port through it. */
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
   * Node port when the Service type is `NodePort` or `LoadBalancer`.
   * @default chosen by Kubernetes
   */
  readonly nodePort?: number;
}

/** Request and limit of one resource, as Kubernetes quantities (`100m`, `256Mi`). */
export interface ResourceRange {
  /**
   * What the scheduler reserves for the container.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly request?: string;
  /**
   * The most the container may use: CPU is throttled above it, memory is OOM-killed.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly limit?: string;
}

/**
 * Container resources. Each field overrides only what it sets; the rest keeps the default.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourcesProps {
  /**
   * CPU request and limit.
   * @default { request: '100m' }, no limit: a CPU limit throttles latency-sensitive services even on idle nodes
   */
  readonly cpu?: ResourceRange;
  /**
   * Memory request and limit.
   * @default { request: '128Mi', limit: '256Mi' }
   */
  readonly memory?: ResourceRange;
  /**
   * Ephemeral storage request and limit.
   * @default none
   */
  readonly ephemeralStorage?: ResourceRange;
}

/** The resources a container gets when `resources` does not say otherwise. */
export const DEFAULT_RESOURCES: Required<Pick<ResourcesProps, 'cpu' | 'memory'>> = {
  cpu: { request: '100m' },
  memory: { request: '128Mi', limit: '256Mi' },
};

/**
 * The container's security settings. Every default is the secure one (the Kubernetes "restricted" pod security
 * standard); setting a field to the insecure value is the explicit, reviewable opt-out.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export interface SecurityOptions {
  /**
   * Refuse to start a container whose image runs as root (uid 0).
   * @default true
   */
  readonly runAsNonRoot?: boolean;
  /**
   * User id the container runs as; set it for images that default to root.
   * @default the image's user
   */
  readonly runAsUser?: number;
  /**
   * Group id the container runs as.
   * @default the image's group
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes (pod level).
   * @default none
   */
  readonly fsGroup?: number;
  /**
   * Mount the container's root filesystem read-only; mount an `emptyDir` where it must write.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Allow a process to gain more privileges than its parent (setuid binaries).
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Linux capabilities added back after dropping ALL, e.g. `NET_BIND_SERVICE`.
   * @default none
   */
  readonly addCapabilities?: readonly string[];
}

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

export interface DependsOnOptions {
  /**
   * Add an init container that waits until the dependency's Service accepts TCP connections on its first port.
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
   */
  readonly waitForPort?: boolean;
  /**
   * Image of that init container; it needs `sh` and `nc`.
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
   * Container image, pinned by tag or digest.
   * @see https://kubernetes.io/docs/concepts/containers/images/
   */
  readonly image: string;
  /**
   * When to pull the image.
   * @default Kubernetes' default: `Always` for `:latest` or no tag, else `IfNotPresent`
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * Secrets holding registry credentials.
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
   * Resource requests and limits, merged over `DEFAULT_RESOURCES`.
   * @default DEFAULT_RESOURCES
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly resources?: ResourcesProps;
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
   * Security settings; the defaults are the restricted ones.
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
}

const RESERVED_LABELS = new Set([
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/component',
]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_WAIT_IMAGE = 'busybox:1.36.1';
/** busybox's `nobody`: the wait container must satisfy runAsNonRoot too. */
const NOBODY = 65534;

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

interface ResolvedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly protocol: string;
  readonly nodePort?: number;
}

/**
 * What the four base kinds share: one container with its image, env, config, ports, resources, probes,
 * secure defaults and volumes, plus the names, labels, dependencies and discovery helpers of a service.
 * The pod template is rendered lazily at synth, so `dependsOn()` after construction still counts.
 */
export abstract class Workload extends Construct {
  /** Service name inside the application (`api`). */
  readonly name: string;
  /** Which base kind this is: 'stateless', 'stateful', 'daemon' or 'batch'. */
  readonly kind: WorkloadKind;
  /** The application the service belongs to. */
  readonly application: Application;
  /** `<release>-<service>`: the name of the main object and of the Service. */
  readonly resourceName: string;
  /** Hash of exactly this service's `config` and `secretConfig`; '' when it has neither. */
  readonly configHash: string;
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

  protected readonly props: WorkloadProps;
  protected readonly ports: readonly ResolvedPort[];
  private readonly deps: Workload[] = [];
  private readonly initContainers: k8s.Container[] = [];
  private readonly serviceAccountName?: string;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, kind: WorkloadKind) {
    super(scope, id);
    this.props = props;
    this.kind = kind;
    this.application = Application.of(this);
    this.name = props.name ?? id;
    const nameProblem = dns1035Problem(this.name);
    if (nameProblem) {
      throw propError(this, props.name === undefined ? 'id' : 'name', this.name, `${nameProblem}, e.g. '${suggestName(this.name)}'`);
    }
    if (typeof props.image !== 'string' || props.image.trim() === '' || /\s/.test(props.image)) {
      throw propError(this, 'image', props.image, "must be an image reference without spaces, e.g. 'nginx:1.27'");
    }
    const release = this.application.release;
    this.resourceName = objectName([release.name, this.name]);
    this.ports = this.resolvePorts(props.ports ?? []);
    this.validateProps(props);

    this.selectorLabels = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': release.name,
    };
    this.labels = {
      ...props.labels,
      ...this.selectorLabels,
      'app.kubernetes.io/part-of': this.application.appName,
      'app.kubernetes.io/version': this.application.version,
      'app.kubernetes.io/managed-by': 'berth',
      'app.kubernetes.io/component': props.component ?? kind,
    };
    this.annotations = { ...props.annotations, 'berth.dev/release': `${release.namespace}/${release.name}` };

    const config = props.config ?? {};
    const secretConfig = props.secretConfig ?? {};
    const hasConfig = Object.keys(config).length > 0;
    const hasSecret = Object.keys(secretConfig).length > 0;
    this.configHash = hasConfig || hasSecret ? configHash({ config, secretConfig }) : '';
    if (hasConfig) {
      this.configMapName = objectName([release.name, this.name, 'config']);
      new k8s.KubeConfigMap(this, 'Config', {
        metadata: this.metadata(this.configMapName),
        data: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])),
      });
    }
    if (hasSecret) {
      this.secretName = objectName([release.name, this.name, 'secret']);
      new k8s.KubeSecret(this, 'Secret', {
        metadata: this.metadata(this.secretName),
        type: 'Opaque',
        data: Object.fromEntries(Object.entries(secretConfig).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
      });
    }
    if (props.createServiceAccount) {
      this.serviceAccountName = this.resourceName;
      new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: this.metadata(this.resourceName),
        automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      });
    } else {
      this.serviceAccountName = props.serviceAccountName;
    }
    this.application._registerService(this);
  }

  /** Services this one depends on, in the order `dependsOn()` was called. */
  get dependencies(): readonly Workload[] {
    return [...this.deps];
  }

  /** Whether the workload has a Service, so `host`, `port` and `url` work. */
  get hasService(): boolean {
    return this.ports.length > 0 && this.kind !== 'batch' && this.kind !== 'daemon';
  }

  /** In-namespace DNS name of the service: `<release>-<service>`. Survives renaming a release without edits. */
  get host(): string {
    this.requireService('host');
    return this.resourceName;
  }

  /** Cluster-wide DNS name: `<release>-<service>.<namespace>.svc.cluster.local`. */
  get fqdn(): string {
    this.requireService('fqdn');
    return `${this.resourceName}.${this.application.release.namespace}.svc.cluster.local`;
  }

  /** The Service port of the first port. */
  get port(): number {
    this.requireService('port');
    return this.ports[0]!.servicePort;
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
    if (!this.deps.includes(other)) this.deps.push(other);
    if (options.waitForPort) {
      if (!other.hasService) {
        throw new Error(
          `${this.node.path}: dependsOn(${other.node.path}, { waitForPort: true }): '${other.name}' has no Service to wait for; give it 'ports' or drop 'waitForPort'`,
        );
      }
      const host = other.host;
      const port = other.port;
      this.initContainers.push({
        name: objectName(['wait-for', other.name]),
        image: options.waitImage ?? DEFAULT_WAIT_IMAGE,
        command: [
          'sh',
          '-c',
          `until nc -z -w 2 ${host} ${port}; do echo "waiting for ${host}:${port}"; sleep 2; done`,
        ],
        resources: {
          requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
          limits: { memory: k8s.Quantity.fromString('32Mi') },
        },
        securityContext: {
          runAsNonRoot: true,
          runAsUser: NOBODY,
          runAsGroup: NOBODY,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
      });
    }
    return this;
  }

  /** Metadata of an object of this service: name, all labels, all annotations. */
  protected metadata(name: string): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
    return { name, labels: { ...this.labels }, annotations: { ...this.annotations } };
  }

  /** Creates a Service selecting this workload's pods by instance + name only. */
  protected createService(id: string, name: string, options: { headless?: boolean; type?: string } = {}): k8s.KubeService {
    return new k8s.KubeService(this, id, {
      metadata: this.metadata(name),
      spec: {
        type: options.headless ? 'ClusterIP' : (options.type ?? 'ClusterIP'),
        clusterIp: options.headless ? 'None' : undefined,
        publishNotReadyAddresses: options.headless ? true : undefined,
        selector: { ...this.selectorLabels },
        ports: this.ports.map((p) => ({
          name: p.name,
          port: p.servicePort,
          targetPort: k8s.IntOrString.fromString(p.name),
          protocol: p.protocol,
          nodePort: options.type === 'NodePort' || options.type === 'LoadBalancer' ? p.nodePort : undefined,
        })),
      },
    });
  }

  /** The pod template: labels, config hash, the container with secure defaults, init containers, scheduling. */
  protected renderPodTemplate(extras: PodTemplateExtras = {}): k8s.PodTemplateSpec {
    const p = this.props;
    const sec = p.security ?? {};
    const q = (s: string) => k8s.Quantity.fromString(s);
    const mounts: k8s.VolumeMount[] = (p.volumes ?? []).map((m) => ({
      name: m.volume.name,
      mountPath: m.path,
      readOnly: m.readOnly,
      subPath: m.subPath,
    }));
    const volumes: k8s.Volume[] = uniqueVolumes(p.volumes ?? []).map((v) => v._render(q));
    const annotations: Record<string, string> = { ...this.annotations };
    if (this.configHash) annotations['berth.dev/config-hash'] = this.configHash;
    const defaultPort = this.ports[0]?.containerPort;
    const envFrom: k8s.EnvFromSource[] = [];
    if (this.configMapName) envFrom.push({ configMapRef: { name: this.configMapName } });
    if (this.secretName) envFrom.push({ secretRef: { name: this.secretName } });
    const container: k8s.Container = {
      name: this.name,
      image: p.image,
      imagePullPolicy: p.imagePullPolicy,
      command: p.command ? [...p.command] : undefined,
      args: p.args ? [...p.args] : undefined,
      env: nonEmpty(Object.entries(p.env ?? {}).map(([k, v]) => (typeof v === 'string' ? EnvValue.fromValue(v) : v)._render(k))),
      envFrom: nonEmpty(envFrom),
      ports: nonEmpty(this.ports.map((port) => ({ name: port.name, containerPort: port.containerPort, protocol: port.protocol }))),
      resources: this.renderResources(),
      livenessProbe: p.liveness?._render(this, 'liveness', defaultPort),
      readinessProbe: p.readiness?._render(this, 'readiness', defaultPort),
      startupProbe: p.startup?._render(this, 'startup', defaultPort),
      securityContext: {
        runAsNonRoot: sec.runAsNonRoot ?? true,
        runAsUser: sec.runAsUser,
        runAsGroup: sec.runAsGroup,
        readOnlyRootFilesystem: sec.readOnlyRootFilesystem ?? true,
        allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
        capabilities: { drop: ['ALL'], add: sec.addCapabilities ? [...sec.addCapabilities] : undefined },
      },
      volumeMounts: nonEmpty([...mounts, ...(extras.volumeMounts ?? [])]),
    };
    return {
      metadata: { labels: { ...this.labels }, annotations },
      spec: {
        serviceAccountName: this.serviceAccountName,
        automountServiceAccountToken: p.automountServiceAccountToken ?? false,
        imagePullSecrets: p.imagePullSecrets?.map((name) => ({ name })),
        restartPolicy: extras.restartPolicy,
        hostNetwork: extras.hostNetwork,
        dnsPolicy: extras.hostNetwork ? 'ClusterFirstWithHostNet' : undefined,
        terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
        securityContext: {
          runAsNonRoot: sec.runAsNonRoot ?? true,
          fsGroup: sec.fsGroup,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
        affinity: p.affinity,
        tolerations: p.tolerations?.map((t) => ({ ...t })),
        initContainers: nonEmpty(this.initContainers),
        containers: [container],
        volumes: nonEmpty([...volumes, ...(extras.volumes ?? [])]),
      },
    };
  }

  private renderResources(): k8s.ResourceRequirements {
    const r = this.props.resources ?? {};
    const ranges: Record<string, ResourceRange | undefined> = {
      cpu: { ...DEFAULT_RESOURCES.cpu, ...r.cpu },
      memory: { ...DEFAULT_RESOURCES.memory, ...r.memory },
      'ephemeral-storage': r.ephemeralStorage,
    };
    const requests: Record<string, k8s.Quantity> = {};
    const limits: Record<string, k8s.Quantity> = {};
    for (const [resource, range] of Object.entries(ranges)) {
      if (range?.request !== undefined) requests[resource] = k8s.Quantity.fromString(range.request);
      if (range?.limit !== undefined) limits[resource] = k8s.Quantity.fromString(range.limit);
    }
    return { requests, limits };
  }

  private requireService(helper: string): void {
    if (!this.hasService) {
      throw new Error(
        `${this.node.path}: '${helper}' is only available on services with a Service: ${this.kind === 'batch' || this.kind === 'daemon' ? `a ${this.kind} workload has none` : "give it 'ports'"}`,
      );
    }
  }

  private resolvePorts(ports: readonly PortSpec[]): ResolvedPort[] {
    const seen = new Set<string>();
    return ports.map((p, i) => {
      const prop = `ports[${i}]`;
      checkPort(this, `${prop}.port`, p.port);
      checkPort(this, `${prop}.servicePort`, p.servicePort);
      if (p.nodePort !== undefined) checkInt(this, `${prop}.nodePort`, p.nodePort, 30000, 32767);
      const name = p.name ?? (i === 0 ? 'http' : `port-${p.port}`);
      if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
        throw propError(this, `${prop}.name`, name, "must be at most 15 lower-case letters, digits and '-', with at least one letter, e.g. 'http' or 'metrics'");
      }
      if (seen.has(name)) throw propError(this, `${prop}.name`, name, 'is used by another port: port names must be unique');
      seen.add(name);
      return { name, containerPort: p.port, servicePort: p.servicePort ?? p.port, protocol: p.protocol ?? 'TCP', nodePort: p.nodePort };
    });
  }

  private validateProps(p: WorkloadProps): void {
    for (const key of Object.keys(p.labels ?? {})) {
      if (RESERVED_LABELS.has(key)) {
        throw propError(this, `labels.${key}`, p.labels![key], `is set by Berth; ${key === 'app.kubernetes.io/component' ? "use the 'component' prop" : 'remove it'}`);
      }
    }
    // Keys only: values may be secret and must not reach error messages.
    for (const prop of ['env', 'config', 'secretConfig'] as const) {
      for (const key of Object.keys(p[prop] ?? {})) {
        if (!ENV_NAME.test(key)) {
          const fix = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
          throw new Error(
            `${this.node.path}: '${prop}' key '${key}' is not an environment variable name: use letters, digits and '_', not starting with a digit, e.g. '${fix}'`,
          );
        }
      }
    }
    for (const [key, value] of Object.entries(p.env ?? {})) {
      if (typeof value !== 'string' && !(value instanceof EnvValue)) {
        throw propError(this, `env.${key}`, value, "must be a string or an EnvValue, e.g. EnvValue.fromSecret('name', 'key')");
      }
    }
    for (const [key, value] of Object.entries(p.config ?? {})) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw propError(this, `config.${key}`, value, 'must be a string, number or boolean');
      }
    }
    const r = p.resources ?? {};
    const examples: Record<string, string> = { cpu: '250m', memory: '512Mi', ephemeralStorage: '1Gi' };
    for (const res of ['cpu', 'memory', 'ephemeralStorage'] as const) {
      const range = { ...(res === 'ephemeralStorage' ? {} : DEFAULT_RESOURCES[res]), ...r[res] };
      checkQuantity(this, `resources.${res}.request`, r[res]?.request, examples[res]!);
      checkQuantity(this, `resources.${res}.limit`, r[res]?.limit, examples[res]!);
      if (range.request !== undefined && range.limit !== undefined && parseQuantity(range.request)! > parseQuantity(range.limit)!) {
        throw propError(this, `resources.${res}.request`, range.request, `is more than 'resources.${res}.limit' (${show(range.limit)}): raise the limit or lower the request`);
      }
    }
    for (const [key, value] of Object.entries(p.secretConfig ?? {})) {
      if (typeof value !== 'string') {
        throw new Error(`${this.node.path}: 'secretConfig.${key}' must be a string, got ${value === null ? 'null' : typeof value}: set the secret value in the env file or values file`);
      }
      if (p.config && key in p.config) {
        throw new Error(
          `${this.node.path}: 'secretConfig' key '${key}' is also a key of 'config': both become the same environment variable; rename one`,
        );
      }
    }
    const mountPaths = new Set<string>();
    const volumesByName = new Map<string, Volume>();
    for (const [i, m] of (p.volumes ?? []).entries()) {
      const problem = dns1123LabelProblem(m.volume.name);
      if (problem) throw propError(this, `volumes[${i}].volume.name`, m.volume.name, problem);
      const sameName = volumesByName.get(m.volume.name);
      if (sameName && sameName !== m.volume) {
        throw propError(this, `volumes[${i}].volume.name`, m.volume.name, 'names a different volume already: give each volume its own name, or mount the same Volume object twice');
      }
      volumesByName.set(m.volume.name, m.volume);
      if (!m.path.startsWith('/')) throw propError(this, `volumes[${i}].path`, m.path, "must be an absolute path, e.g. '/tmp'");
      if (mountPaths.has(m.path)) throw propError(this, `volumes[${i}].path`, m.path, 'is already mounted: each path can be mounted once');
      mountPaths.add(m.path);
      checkQuantity(this, `volumes[${i}].volume.sizeLimit`, m.volume._sizeLimit, '256Mi');
    }
    checkInt(this, 'terminationGracePeriodSeconds', p.terminationGracePeriodSeconds, 0);
    if (p.createServiceAccount && p.serviceAccountName !== undefined) {
      throw propError(this, 'serviceAccountName', p.serviceAccountName, "conflicts with 'createServiceAccount: true': set only one");
    }
  }
}

/** Empty lists are left out of the manifests: they mean the same as no list and only add noise to diffs. */
function nonEmpty<T>(items: readonly T[]): T[] | undefined {
  return items.length > 0 ? [...items] : undefined;
}

/** The same Volume mounted at several paths is declared once. */
function uniqueVolumes(mounts: readonly VolumeMount[]): Volume[] {
  const out: Volume[] = [];
  for (const m of mounts) if (!out.includes(m.volume)) out.push(m.volume);
  return out;
}

function suggestName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  return s.slice(0, 63) || 'api';
}
