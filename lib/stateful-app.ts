import { Lazy } from 'cdk8s';
import * as k8s from './imports/k8s-lib.js';
import type { Construct } from 'constructs';
import type { HeadlessServiceOptions, ServiceOptions, ServiceProps } from './service.js';
import { Workload, type WorkloadProps } from './workload.js';
import { clusterDnsName } from './private/addresses.js';
import { propError } from './private/errors.js';
import { StatefulSetWithClaimDefaults } from './private/stateful-set.js';
import { dns1123LabelProblem, MAX_CONTROLLER_NAME_LENGTH, objectName } from './private/naming.js';
import { checkInt, checkQuantity } from './private/validate.js';

/** Access modes of a persistent volume. */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/**
 * A volume each replica gets for itself (a volumeClaimTemplate): replica 0 keeps `data-<sts>-0` across restarts
 * and reschedules.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates
 */
export interface PersistentStorage {
  /**
   * Claim name, a DNS-1123 label; the claims are named `<name>-<statefulset>-<ordinal>`.
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly name: string;
  /**
   * Absolute mount path in the container.
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly mountPath: string;
  /**
   * Requested size, a Kubernetes quantity such as `10Gi`.
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly size: string;
  /**
   * StorageClass to provision from.
   * @default the cluster's default StorageClass
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly storageClassName?: string;
  /**
   * Access modes.
   * @default ['ReadWriteOnce']
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly accessModes?: readonly AccessMode[];
}

export interface StatefulAppProps extends WorkloadProps, ServiceProps {
  /**
   * The headless Service behind the replicas' stable DNS names (`<statefulset>-<n>.<headless>`): its name, ports and
   * metadata. It is always created; the client Service is `service`.
   * @default `<release>-<service>-headless` over every port the client Service exposes, publishing pods that are not ready
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
   */
  readonly headlessService?: HeadlessServiceOptions;
  /**
   * Number of replicas, each with a stable name (`<statefulset>-<ordinal>`) and its own storage.
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
   */
  readonly replicas?: number;
  /**
   * Per-replica volumes.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
   */
  readonly storage?: readonly PersistentStorage[];
  /**
   * `OrderedReady` starts replica N+1 only when N is ready (and stops them in reverse); `Parallel` does not wait.
   * @default 'OrderedReady'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /**
   * `RollingUpdate` replaces pods from the highest ordinal down; `OnDelete` only when a pod is deleted by hand.
   * @default 'RollingUpdate'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
   */
  readonly updateStrategy?: 'RollingUpdate' | 'OnDelete';
  /**
   * With `RollingUpdate`, only pods with an ordinal >= partition are updated: a staged (canary) rollout.
   * @default 0
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#partitions
   */
  readonly partition?: number;
}

/**
 * A stateful service: a StatefulSet with per-replica storage, a headless Service `<release>-<service>-headless`
 * that gives every pod a stable DNS name, and a client Service `<release>-<service>` over the ready pods.
 */
export class StatefulApp extends Workload {
  /** The StatefulSet. */
  readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless Service `<release>-<service>-headless` behind the per-pod DNS names. */
  readonly headlessService: k8s.KubeService;
  /** The client Service `<release>-<service>` (or `service.name`), when the workload has ports. */
  readonly service?: k8s.KubeService;
  /** Name of the StatefulSet: at most 52 characters, so pod names and revision labels fit. */
  readonly statefulSetName: string;
  /** Name of the headless Service that governs the pods' DNS names. */
  readonly headlessServiceName: string;
  /** Number of replicas. */
  readonly replicas: number;
  private readonly extras: Record<string, k8s.KubeService> = {};

  constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id, props, 'stateful');
    this.replicas = props.replicas ?? 1;
    checkInt(this, 'replicas', this.replicas, 0);
    checkInt(this, 'partition', props.partition, 0);
    if (props.partition !== undefined && props.updateStrategy === 'OnDelete') {
      throw propError(this, 'partition', props.partition, "only applies to updateStrategy 'RollingUpdate'");
    }
    const storage = props.storage ?? [];
    const seen = new Set<string>();
    for (const [i, s] of storage.entries()) {
      const problem = dns1123LabelProblem(s.name);
      if (problem) throw propError(this, `storage[${i}].name`, s.name, problem);
      if (seen.has(s.name)) throw propError(this, `storage[${i}].name`, s.name, 'is used twice: storage names must be unique');
      seen.add(s.name);
      if (!s.mountPath.startsWith('/')) throw propError(this, `storage[${i}].mountPath`, s.mountPath, "must be an absolute path, e.g. '/data'");
      checkQuantity(this, `storage[${i}].size`, s.size, '10Gi');
      if (s.accessModes !== undefined && s.accessModes.length === 0) {
        throw propError(this, `storage[${i}].accessModes`, s.accessModes, "must list at least one mode, e.g. ['ReadWriteOnce']");
      }
    }

    if (props.service?.headless !== undefined) {
      throw propError(this, 'service.headless', props.service.headless, "cannot be set: a StatefulApp always has a headless Service; configure it with 'headlessService'");
    }
    if (props.service && this.ports.length === 0) {
      throw propError(this, 'service', props.service, "needs 'ports': the client Service is only created for a workload with ports");
    }

    const release = this.application.release;
    const workloadMeta = this.workloadMetadata(objectName([release.name, this.name], MAX_CONTROLLER_NAME_LENGTH), MAX_CONTROLLER_NAME_LENGTH);
    this.statefulSetName = workloadMeta.name;
    const h = props.headlessService ?? {};
    const headless = this.createService(
      'HeadlessService',
      objectName([release.name, this.name, 'headless']),
      { ...h, headless: true, publishNotReadyAddresses: h.publishNotReadyAddresses ?? true },
      { prop: 'headlessService', main: false },
    );
    this.headlessService = headless;
    this.headlessServiceName = headless.name;
    if (this.ports.length > 0) this.service = this.createService('Service', this.resourceName, props.service ?? {}, { prop: 'service', main: true });
    for (const [suffix, options] of Object.entries(props.extraServices ?? {})) {
      this.extras[suffix] = this.createExtraService(suffix, options, `extraServices.${suffix}`);
    }

    // volumeClaimTemplates cannot change after creation, so their labels leave out the version.
    const claimLabels = { ...this.labels };
    delete claimLabels['app.kubernetes.io/version'];
    this.statefulSet = new StatefulSetWithClaimDefaults(this, 'StatefulSet', {
      metadata: workloadMeta,
      spec: Lazy.any({
        produce: (): k8s.StatefulSetSpec => ({
          replicas: this.replicas,
          serviceName: this.headlessServiceName,
          podManagementPolicy: props.podManagementPolicy ?? 'OrderedReady',
          updateStrategy:
            props.updateStrategy === 'OnDelete'
              ? { type: 'OnDelete' }
              : { type: 'RollingUpdate', rollingUpdate: { partition: props.partition ?? 0 } },
          selector: { matchLabels: { ...this.selectorLabels } },
          template: this.renderPodTemplate({
            volumeMounts: storage.map((s) => ({ name: s.name, mountPath: s.mountPath })),
          }),
          volumeClaimTemplates: storage.length === 0 ? undefined : storage.map((s) => ({
            metadata: { name: s.name, labels: claimLabels },
            spec: {
              accessModes: [...(s.accessModes ?? ['ReadWriteOnce'])],
              storageClassName: s.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(s.size) } },
              volumeMode: 'Filesystem',
            },
          })),
        }),
      }),
    });
  }

  /** The Services besides the client and headless ones, by suffix: those of `extraServices` and `addService()`. */
  get extraServices(): Readonly<Record<string, k8s.KubeService>> {
    return { ...this.extras };
  }

  /** Adds another Service over the replicas, `<release>-<service>-<suffix>` unless `options.name` is set. */
  addService(suffix: string, options: ServiceOptions = {}): k8s.KubeService {
    const service = this.createExtraService(suffix, options, `addService('${suffix}')`);
    this.extras[suffix] = service;
    return service;
  }

  /** Stable in-namespace DNS name of every replica: `<statefulset>-<ordinal>.<headless service>`. */
  get podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => `${this.statefulSetName}-${i}.${this.headlessServiceName}`);
  }

  /** Cluster-wide DNS names of the replicas: `<pod>.<headless>.<namespace>.svc.cluster.local`. */
  get podFqdns(): string[] {
    const ns = this.application.release.namespace;
    return this.podDnsNames.map((n) => clusterDnsName(n, ns));
  }
}
