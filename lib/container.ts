import type { EnvValue } from './env-value.js';
import type { Probe } from './probe.js';
import type { LifecycleHooks } from './lifecycle.js';
import type { ContainerSecurityOptions } from './security.js';
import type { PortSpec, ResourcesProps, VolumeMount } from './workload.js';

/**
 * A container of the pod besides the main one: an init container (`initContainers`, `addInitContainer()`) or the
 * base of a sidecar. It gets the main container's secure defaults (non-root, read-only root filesystem, no
 * privilege escalation, ALL capabilities dropped, seccomp RuntimeDefault at pod level) and `DEFAULT_RESOURCES`.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
 */
export interface ContainerSpec {
  /**
   * Container name, unique in the pod: a DNS-1123 label. Names starting with `wait-for-` are reserved for the
   * init containers of `dependsOn(..., { waitForPort: true })`.
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
   */
  readonly name: string;
  /**
   * Container image, pinned by tag or digest: an untagged image or `:latest` is refused at synth.
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
   * Environment variables of this container: a string is a literal, an `EnvValue` points into a ConfigMap, a
   * Secret or a pod field.
   * @default none
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
   */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /**
   * Load the service's `config` and `secretConfig` (its ConfigMap and Secret) with `envFrom`, as the main container
   * does: for a migration or a proxy that needs the same settings. Off by default because a sidecar is often a
   * third-party image that has no business reading the service's secrets.
   * @default false
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#configure-all-key-value-pairs-in-a-configmap-as-container-environment-variables
   */
  readonly loadServiceConfig?: boolean;
  /**
   * Resource requests and limits, merged over `DEFAULT_RESOURCES` as for the main container. The pod's request is
   * the larger of the biggest init container and the sum of the main container and the sidecars.
   * `'none'` for no requests and no limits.
   * @default DEFAULT_RESOURCES: cpu request 100m, no cpu limit, memory request = limit = 512Mi
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
   */
  readonly resources?: ResourcesProps | 'none';
  /**
   * Security settings of this container; the defaults are the restricted ones. Pod-level fields (`fsGroup`,
   * `podRunAsUser`, `supplementalGroups`, `sysctls`, ...) come from the workload's `security`.
   * @default non-root, read-only root filesystem, no privilege escalation, ALL capabilities dropped
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly security?: ContainerSecurityOptions;
  /**
   * Volumes mounted into this container. A volume mounted by several containers is declared once in the pod;
   * mount the same `Volume` object in each.
   * @default none
   * @see https://kubernetes.io/docs/concepts/storage/volumes/
   */
  readonly volumes?: readonly VolumeMount[];
}

/**
 * A port of a sidecar. The Service leaves it out unless `expose` is set: a sidecar's port (metrics, admin) is
 * usually for the pod itself or a scraper, not for the service's clients.
 */
export interface SidecarPortSpec extends PortSpec {
  /**
   * Add the port to the workload's Service (and the headless one of a StatefulApp). `servicePort` and `nodePort`
   * need it. A DaemonApp or BatchJob has no Service, so it cannot expose a port.
   * @default false
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services
   */
  readonly expose?: boolean;
}

/**
 * A native sidecar (Kubernetes 1.29+): an init container with `restartPolicy: Always`, started before the main
 * container and kept running beside it, restarted when it exits, stopped after the main container. Unlike a
 * second main container it does not keep a Job from completing.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
export interface SidecarSpec extends ContainerSpec {
  /**
   * Ports the sidecar listens on. Names default to `port-<port>`; names and port numbers are unique in the pod.
   * @default none
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services
   */
  readonly ports?: readonly SidecarPortSpec[];
  /**
   * Restarts the sidecar when it fails.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#sidecar-containers-and-pod-lifecycle
   */
  readonly liveness?: Probe;
  /**
   * Counts towards the pod's readiness: the pod is Ready only while this passes too.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#sidecar-containers-and-pod-lifecycle
   */
  readonly readiness?: Probe;
  /**
   * The next init container and the main container start only once it succeeds (else once the sidecar runs).
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#sidecar-containers-and-pod-lifecycle
   */
  readonly startup?: Probe;
  /**
   * Start the sidecar before the custom init containers (still after the `dependsOn` waits), so they can use it,
   * e.g. a database proxy a migration connects through.
   * @default false: wait-for containers, then init containers, then sidecars, each group in the order given
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly startBeforeInitContainers?: boolean;
  /**
   * Hooks of the sidecar: `postStart` right after it starts, `preStop` before it is stopped (after the main
   * container). Init containers have none: they run to completion.
   * @default none
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly lifecycle?: LifecycleHooks;
}
