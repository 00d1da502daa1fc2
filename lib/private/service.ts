import { Lazy } from 'cdk8s';
import * as k8s from '../imports/k8s-lib.js';
import type { Workload } from '../workload.js';
import { objectMeta } from './metadata.js';
import type { ResolvedPort } from './ports.js';

export interface ServiceOptions {
  /** No cluster IP; DNS answers with the pods themselves, ready or not, so StatefulSet replicas can find each other. */
  readonly headless?: boolean;
  readonly type?: string;
}

/**
 * A Service over `ports`, selecting the pods of `workload` by instance + name only. The ports are read at synth:
 * `addSidecar()` after construction may still add exposed ones.
 */
export function createServiceFor(
  workload: Workload,
  ports: readonly ResolvedPort[],
  id: string,
  name: string,
  options: ServiceOptions = {},
): k8s.KubeService {
  return new k8s.KubeService(workload, id, {
    metadata: objectMeta(workload, name),
    spec: {
      type: options.headless ? 'ClusterIP' : (options.type ?? 'ClusterIP'),
      clusterIp: options.headless ? 'None' : undefined,
      publishNotReadyAddresses: options.headless ? true : undefined,
      selector: { ...workload.selectorLabels },
      ports: Lazy.any({ produce: (): k8s.ServicePort[] => ports.map((p) => ({
        name: p.name,
        port: p.servicePort,
        // By name, so the Service follows the container port when only that changes.
        targetPort: k8s.IntOrString.fromString(p.name),
        protocol: p.protocol,
        nodePort: options.type === 'NodePort' || options.type === 'LoadBalancer' ? p.nodePort : undefined,
      })) }),
    },
  });
}
