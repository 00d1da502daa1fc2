import { Lazy } from 'cdk8s';
import * as k8s from './imports/k8s-lib.js';
import type { Construct } from 'constructs';
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

export interface StatefulAppProps extends WorkloadProps {
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
  /** The client Service `<release>-<service>`, when the workload has ports. */
  readonly service?: k8s.KubeService;
  /** Name of the StatefulSet: at most 52 characters, so pod names and revision labels fit. */
  readonly statefulSetName: string;
  /** Name of the headless Service that governs the pods' DNS names. */
  readonly headlessServiceName: string;
  /** Number of replicas. */
  readonly replicas: number;

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

    const release = this.application.release;
    this.statefulSetName = objectName([release.name, this.name], MAX_CONTROLLER_NAME_LENGTH);
    this.headlessServiceName = objectName([release.name, this.name, 'headless']);
    this.headlessService = this.createService('HeadlessService', this.headlessServiceName, { headless: true });
    if (this.ports.length > 0) this.service = this.createService('Service', this.resourceName);

    // volumeClaimTemplates cannot change after creation, so their labels leave out the version.
    const claimLabels = { ...this.labels };
    delete claimLabels['app.kubernetes.io/version'];
    this.statefulSet = new StatefulSetWithClaimDefaults(this, 'StatefulSet', {
      metadata: this.metadata(this.statefulSetName),
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
