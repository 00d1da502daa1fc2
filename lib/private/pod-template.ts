import * as k8s from '../imports/k8s-lib.js';
import { ANNOTATION_CONFIG_HASH, ANNOTATION_SECRET_HASH } from '../contract.js';
import type { PodTemplateExtras, Workload, WorkloadProps } from '../workload.js';
import { renderContainer } from './container.js';
import type { PodContainers } from './pod-containers.js';
import type { ResolvedPort } from './ports.js';
import { renderScheduling } from './scheduling.js';
import { checkHostNetworkSysctls, renderPodSecurity } from './security.js';
import { nonEmpty } from './values.js';

/** What the pod template is rendered from besides the workload's public fields. */
export interface PodSource {
  readonly props: WorkloadProps;
  /** The main container's ports. */
  readonly ports: readonly ResolvedPort[];
  /** The init containers and sidecars, and the volumes of all containers. */
  readonly pod: PodContainers;
  readonly serviceAccountName?: string;
}

/** The pod template: labels, config hash, the container with secure defaults, init containers, scheduling. */
export function podTemplateFor(workload: Workload, source: PodSource, extras: PodTemplateExtras): k8s.PodTemplateSpec {
  const p = source.props;
  if (extras.hostNetwork) checkHostNetworkSysctls(workload, p.security ?? {});
  const volumes = source.pod.volumes.map((v) => v._render((q) => k8s.Quantity.fromString(q)));
  const annotations: Record<string, string> = { ...workload.annotations, ...p.podAnnotations };
  // The hash changes the template whenever this service's config does, which is what rolls its pods.
  if (workload.configHash) annotations[ANNOTATION_CONFIG_HASH] = workload.configHash;
  if (workload.secretHash) annotations[ANNOTATION_SECRET_HASH] = workload.secretHash;
  return {
    metadata: { labels: { ...workload.labels, ...p.podLabels }, annotations },
    spec: {
      serviceAccountName: source.serviceAccountName,
      automountServiceAccountToken: p.automountServiceAccountToken ?? false,
      imagePullSecrets: p.imagePullSecrets?.map((name) => ({ name })),
      restartPolicy: extras.restartPolicy,
      hostNetwork: extras.hostNetwork,
      // Without it a host-network pod resolves names with the node's DNS and cannot find Services.
      dnsPolicy: p.dnsPolicy ?? (extras.hostNetwork ? 'ClusterFirstWithHostNet' : undefined),
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
      securityContext: renderPodSecurity(p.security ?? {}),
      hostUsers: p.security?.hostUsers,
      nodeSelector: p.nodeSelector ? { ...p.nodeSelector } : undefined,
      tolerations: p.tolerations?.map((t) => ({ ...t })),
      ...renderScheduling(p, workload.selectorLabels),
      initContainers: nonEmpty(source.pod.initContainers),
      containers: [
        renderContainer(workload, { ...p, name: workload.containerName }, {
          prefix: '',
          portsOwner: 'workload',
          ports: source.ports,
          loadServiceConfig: true,
          extraMounts: extras.volumeMounts,
          gracePeriodSeconds: p.terminationGracePeriodSeconds,
        }),
      ],
      volumes: nonEmpty([...volumes, ...(extras.volumes ?? [])]),
    },
  };
}
