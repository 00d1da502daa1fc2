import { Lazy } from 'cdk8s';
import * as k8s from './imports/k8s-lib.js';
import type { Construct } from 'constructs';
import { Workload, type WorkloadProps } from './workload.js';
import { propError } from './private/errors.js';
import { dns1123LabelProblem } from './private/naming.js';
import { checkIntOrPercent } from './private/validate.js';
import { intOrString } from './private/values.js';

/**
 * A directory or file of the node mounted into the pod. Host paths give a pod access to the node itself, so
 * they exist only behind this explicit prop and are read-only unless said otherwise.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
 */
export interface HostPathMount {
  /**
   * Volume name, a DNS-1123 label.
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  readonly name: string;
  /**
   * Absolute path on the node, e.g. `/proc`.
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  readonly hostPath: string;
  /**
   * Absolute path in the container.
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default true
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  readonly readOnly?: boolean;
  /**
   * What must exist at `hostPath`.
   * @default '' (no check)
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
   */
  readonly type?: 'Directory' | 'DirectoryOrCreate' | 'File' | 'FileOrCreate' | 'Socket';
}

export interface DaemonAppProps extends WorkloadProps {
  /**
   * Nodes whose pod may be down at once during an update: a count or a percentage.
   * @default 1
   * @see https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
   */
  readonly maxUnavailable?: number | string;
  /**
   * Use the node's network namespace (sees and binds the node's interfaces). An explicit opt-in.
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/
   */
  readonly hostNetwork?: boolean;
  /**
   * Node paths to mount. An explicit opt-in.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/
   */
  readonly hostPaths?: readonly HostPathMount[];
}

/**
 * One pod per (selected) node: a DaemonSet `<release>-<service>`, e.g. a monitoring or log agent.
 * Choose nodes with `nodeSelector`, `affinity` and `tolerations`.
 */
export class DaemonApp extends Workload {
  /** The DaemonSet `<release>-<service>`. */
  readonly daemonSet: k8s.KubeDaemonSet;

  constructor(scope: Construct, id: string, props: DaemonAppProps) {
    super(scope, id, props, 'daemon');
    checkIntOrPercent(this, 'maxUnavailable', props.maxUnavailable);
    if (props.maxUnavailable === 0 || props.maxUnavailable === '0%') {
      throw propError(this, 'maxUnavailable', props.maxUnavailable, 'must be more than 0, or the update could never proceed');
    }
    const hostPaths = props.hostPaths ?? [];
    for (const [i, h] of hostPaths.entries()) {
      const problem = dns1123LabelProblem(h.name);
      if (problem) throw propError(this, `hostPaths[${i}].name`, h.name, problem);
      if (!h.hostPath.startsWith('/')) throw propError(this, `hostPaths[${i}].hostPath`, h.hostPath, "must be an absolute path, e.g. '/proc'");
      if (!h.mountPath.startsWith('/')) throw propError(this, `hostPaths[${i}].mountPath`, h.mountPath, "must be an absolute path, e.g. '/host/proc'");
    }
    this.daemonSet = new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: this.workloadMetadata(this.resourceName),
      spec: Lazy.any({
        produce: (): k8s.DaemonSetSpec => ({
          selector: { matchLabels: { ...this.selectorLabels } },
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: intOrString(props.maxUnavailable ?? 1) },
          },
          template: this.renderPodTemplate({
            hostNetwork: props.hostNetwork || undefined,
            volumes: hostPaths.map((h) => ({ name: h.name, hostPath: { path: h.hostPath, type: h.type } })),
            volumeMounts: hostPaths.map((h) => ({ name: h.name, mountPath: h.mountPath, readOnly: h.readOnly ?? true })),
          }),
        }),
      }),
    });
  }
}
