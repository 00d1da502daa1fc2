import type * as k8s from '../imports/k8s-lib.js';
import type { ContainerSpec, SidecarSpec } from '../container.js';
import type { LifecycleHook, LifecycleHooks } from '../lifecycle.js';
import { EnvValue } from '../env-value.js';
import type { Workload } from '../workload.js';
import type { ResolvedPort } from './ports.js';
import { propError } from './errors.js';
import { renderResources } from './resources.js';
import { renderContainerSecurity } from './security.js';
import { nonEmpty } from './values.js';

/** Where a container sits in the props, and what only some containers have. */
export interface ContainerSite {
  /** '' for the main container, `sidecars[0].` for a sidecar: the start of every prop in messages. */
  readonly prefix: string;
  /** Who the `ports` of the messages belong to: `workload` or `container`. */
  readonly portsOwner: string;
  readonly ports: readonly ResolvedPort[];
  /** Load the service's ConfigMap and Secret with `envFrom`. */
  readonly loadServiceConfig: boolean;
  /** Mounts a kind adds (per-replica storage, host paths): the main container only. */
  readonly extraMounts?: readonly k8s.VolumeMount[];
  /** `Always` makes an init container a native sidecar. */
  readonly restartPolicy?: 'Always';
  /** The pod's `terminationGracePeriodSeconds`, which a preStop hook must finish within. */
  readonly gracePeriodSeconds?: number;
}

/**
 * One container of the pod: the main one, an init container or a sidecar. Security fields the user leaves unset get
 * the restricted-standard value, so an insecure setting is always written out in the app code.
 */
export function renderContainer(workload: Workload, c: ContainerSpec & Pick<SidecarSpec, 'liveness' | 'readiness' | 'startup' | 'lifecycle'>, at: ContainerSite): k8s.Container {
  const mounts: k8s.VolumeMount[] = (c.volumes ?? []).map((m) => ({
    name: m.volume.name,
    mountPath: m.path,
    readOnly: m.readOnly,
    subPath: m.subPath,
  }));
  const envFrom: k8s.EnvFromSource[] = [];
  if (at.loadServiceConfig && workload.configMapName) envFrom.push({ configMapRef: { name: workload.configMapName } });
  if (at.loadServiceConfig && workload.secretName) envFrom.push({ secretRef: { name: workload.secretName } });
  const probe = (kind: 'liveness' | 'readiness' | 'startup') =>
    c[kind]?._render(workload, {
      prop: `${at.prefix}${kind}`,
      kind,
      defaultPort: at.ports[0]?.containerPort,
      portsOwner: at.portsOwner,
      portsProp: `${at.prefix}ports`,
    });
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.imagePullPolicy,
    restartPolicy: at.restartPolicy,
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    env: nonEmpty(Object.entries(c.env ?? {}).map(([k, v]) => (typeof v === 'string' ? EnvValue.fromValue(v) : v)._render(k))),
    envFrom: nonEmpty(envFrom),
    ports: nonEmpty(at.ports.map((port) => ({ name: port.name, containerPort: port.containerPort, protocol: port.protocol }))),
    resources: renderResources(c.resources),
    livenessProbe: probe('liveness'),
    readinessProbe: probe('readiness'),
    startupProbe: probe('startup'),
    lifecycle: renderLifecycle(workload, c.lifecycle, {
      prop: `${at.prefix}lifecycle`,
      defaultPort: at.ports[0]?.containerPort,
      gracePeriodSeconds: at.gracePeriodSeconds ?? DEFAULT_GRACE_PERIOD_SECONDS,
    }),
    securityContext: renderContainerSecurity(c.security ?? {}),
    volumeMounts: nonEmpty([...mounts, ...(at.extraMounts ?? [])]),
  };
}

/** What Kubernetes gives a pod to stop when `terminationGracePeriodSeconds` is unset. */
const DEFAULT_GRACE_PERIOD_SECONDS = 30;

function renderLifecycle(scope: Workload, hooks: LifecycleHooks | undefined, at: { prop: string; defaultPort: number | undefined; gracePeriodSeconds: number }): k8s.Lifecycle | undefined {
  if (hooks === undefined) return undefined;
  if (typeof hooks !== 'object' || hooks === null) throw propError(scope, at.prop, hooks, 'must be { postStart?, preStop? }, e.g. { preStop: LifecycleHook.sleep(5) }');
  const render = (kind: 'postStart' | 'preStop') => {
    const hook = hooks[kind];
    if (hook === undefined) return undefined;
    // Not instanceof: an app bundled with its own copy of berth still passes its hooks.
    if (typeof (hook as Partial<LifecycleHook>)._render !== 'function') {
      throw propError(scope, `${at.prop}.${kind}`, hook, 'must be a LifecycleHook, e.g. LifecycleHook.sleep(5) or LifecycleHook.exec([...])');
    }
    return hook._render(scope, { ...at, prop: `${at.prop}.${kind}`, preStop: kind === 'preStop' });
  };
  const lifecycle = { postStart: render('postStart'), preStop: render('preStop') };
  return lifecycle.postStart || lifecycle.preStop ? lifecycle : undefined;
}
