import * as k8s from '../imports/k8s-lib.js';
import { ANNOTATION_CONFIG_HASH, ANNOTATION_SECRET_HASH } from '../contract.js';
import type { PodTemplateExtras, VolumeMount, Workload, WorkloadProps } from '../workload.js';
import type { Volume } from '../volume.js';
import { renderContainer } from './container.js';
import type { ResolvedPort } from './ports.js';
import { nonEmpty } from './values.js';

/** What the pod template is rendered from besides the workload's public fields. */
export interface PodSource {
  readonly props: WorkloadProps;
  readonly ports: readonly ResolvedPort[];
  /** The `dependsOn(..., { waitForPort: true })` containers, in call order. */
  readonly initContainers: readonly k8s.Container[];
  readonly serviceAccountName?: string;
}

/** The pod template: labels, config hash, the container with secure defaults, init containers, scheduling. */
export function podTemplateFor(workload: Workload, source: PodSource, extras: PodTemplateExtras): k8s.PodTemplateSpec {
  const p = source.props;
  const sec = p.security ?? {};
  const volumes = uniqueVolumes(p.volumes ?? []).map((v) => v._render((q) => k8s.Quantity.fromString(q)));
  const annotations: Record<string, string> = { ...workload.annotations };
  // The hash changes the template whenever this service's config does, which is what rolls its pods.
  if (workload.configHash) annotations[ANNOTATION_CONFIG_HASH] = workload.configHash;
  if (workload.secretHash) annotations[ANNOTATION_SECRET_HASH] = workload.secretHash;
  return {
    metadata: { labels: { ...workload.labels }, annotations },
    spec: {
      serviceAccountName: source.serviceAccountName,
      automountServiceAccountToken: p.automountServiceAccountToken ?? false,
      imagePullSecrets: p.imagePullSecrets?.map((name) => ({ name })),
      restartPolicy: extras.restartPolicy,
      hostNetwork: extras.hostNetwork,
      // Without it a host-network pod resolves names with the node's DNS and cannot find Services.
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
      initContainers: nonEmpty(source.initContainers),
      containers: [renderContainer(workload, p, source.ports, extras.volumeMounts ?? [])],
      volumes: nonEmpty([...volumes, ...(extras.volumes ?? [])]),
    },
  };
}

/** The same Volume mounted at several paths is declared once. */
function uniqueVolumes(mounts: readonly VolumeMount[]): Volume[] {
  const out: Volume[] = [];
  for (const m of mounts) if (!out.includes(m.volume)) out.push(m.volume);
  return out;
}
