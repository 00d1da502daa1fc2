import type * as k8s from '../imports/k8s-lib.js';
import { EnvValue } from '../env-value.js';
import type { Workload, WorkloadProps } from '../workload.js';
import type { ResolvedPort } from './ports.js';
import { renderResources } from './resources.js';
import { nonEmpty } from './values.js';

/**
 * The workload's one container. Security fields the user leaves unset get the restricted-standard value, so an
 * insecure setting is always written out in the app code.
 */
export function renderContainer(
  workload: Workload,
  props: WorkloadProps,
  ports: readonly ResolvedPort[],
  extraMounts: readonly k8s.VolumeMount[],
): k8s.Container {
  const sec = props.security ?? {};
  const mounts: k8s.VolumeMount[] = (props.volumes ?? []).map((m) => ({
    name: m.volume.name,
    mountPath: m.path,
    readOnly: m.readOnly,
    subPath: m.subPath,
  }));
  const envFrom: k8s.EnvFromSource[] = [];
  if (workload.configMapName) envFrom.push({ configMapRef: { name: workload.configMapName } });
  if (workload.secretName) envFrom.push({ secretRef: { name: workload.secretName } });
  const defaultPort = ports[0]?.containerPort;
  return {
    name: workload.name,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    command: props.command ? [...props.command] : undefined,
    args: props.args ? [...props.args] : undefined,
    env: nonEmpty(Object.entries(props.env ?? {}).map(([k, v]) => (typeof v === 'string' ? EnvValue.fromValue(v) : v)._render(k))),
    envFrom: nonEmpty(envFrom),
    ports: nonEmpty(ports.map((port) => ({ name: port.name, containerPort: port.containerPort, protocol: port.protocol }))),
    resources: renderResources(props.resources),
    livenessProbe: props.liveness?._render(workload, 'liveness', defaultPort),
    readinessProbe: props.readiness?._render(workload, 'readiness', defaultPort),
    startupProbe: props.startup?._render(workload, 'startup', defaultPort),
    securityContext: {
      runAsNonRoot: sec.runAsNonRoot ?? true,
      runAsUser: sec.runAsUser,
      runAsGroup: sec.runAsGroup,
      readOnlyRootFilesystem: sec.readOnlyRootFilesystem ?? true,
      allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
      capabilities: { drop: ['ALL'], add: sec.addCapabilities ? [...sec.addCapabilities] : undefined },
    },
    volumeMounts: nonEmpty([...mounts, ...extraMounts]),
  };
}
