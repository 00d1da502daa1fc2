import type { IConstruct } from 'constructs';
import { EnvValue } from '../env-value.js';
import type { WorkloadKind } from '../contract.js';
import { Probe } from '../probe.js';
import { Volume } from '../volume.js';
import type { PortSpec, ResourcesProps, VolumeMount, WorkloadProps } from '../workload.js';
import { keyError, propError, secretPropError, show } from './errors.js';
import { checkKnownKeys, ENV_REF_OPTIONS, VOLUME_OPTIONS } from './known-keys.js';
import { checkMetadata } from './metadata.js';
import { dns1035Problem, dns1123LabelProblem } from './naming.js';
import { portName } from './ports.js';
import { WAIT_FOR_PREFIX } from './wait-for-init.js';
import { effectiveResources, NONE } from './resources.js';
import { checkScheduling } from './scheduling.js';
import { checkContainerSecurity, checkPodSecurity } from './security.js';
import { checkInt, checkPort, checkQuantity, parseQuantity } from './validate.js';
import { checkImage } from './image.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks the props every base kind shares and throws at the first problem, so the constructor fails at the line
 * that created the workload. `name` is `props.name` or the construct id.
 */
export function validateWorkloadProps(scope: IConstruct, name: string, p: WorkloadProps, kind: WorkloadKind): void {
  const nameProblem = dns1035Problem(name);
  if (nameProblem) throw propError(scope, p.name === undefined ? 'id' : 'name', name, `${nameProblem}, e.g. '${suggestName(name)}'`);
  checkImage(scope, 'image', p.image);
  if (p.containerName !== undefined) checkContainerName(scope, 'containerName', p.containerName);
  checkPorts(scope, '', p.ports ?? [], portName);
  checkMetadata(scope, 'labels', p.labels, 'annotations', p.annotations);
  checkMetadata(scope, 'podLabels', p.podLabels, 'podAnnotations', p.podAnnotations);
  checkMetadata(scope, 'workloadLabels', p.workloadLabels, 'workloadAnnotations', p.workloadAnnotations);
  checkProbes(scope, '', p);
  checkEnvAndConfig(scope, p);
  checkResources(scope, '', p.resources ?? {});
  checkSecretConfig(scope, p);
  checkVolumes(scope, '', p.volumes ?? []);
  checkInt(scope, 'terminationGracePeriodSeconds', p.terminationGracePeriodSeconds, 0);
  checkContainerSecurity(scope, '', p.security ?? {}, p.security?.hostUsers);
  checkPodSecurity(scope, p.security ?? {});
  checkScheduling(scope, kind, p);
  if (p.createServiceAccount && p.serviceAccountName !== undefined) {
    throw propError(scope, 'serviceAccountName', p.serviceAccountName, "conflicts with 'createServiceAccount: true': set only one");
  }
}

/** A DNS-1035 label close to `name`, for the error message. */
function suggestName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  return s.slice(0, 63) || 'api';
}

/** A container name the user chose: a DNS-1123 label outside the `wait-for-` names. */
export function checkContainerName(scope: IConstruct, prop: string, name: unknown): void {
  const problem = typeof name === 'string' ? dns1123LabelProblem(name) : "must be a string, e.g. 'proxy'";
  if (problem) throw propError(scope, prop, name, problem);
  if ((name as string).startsWith(WAIT_FOR_PREFIX)) {
    throw propError(scope, prop, name, `starts with '${WAIT_FOR_PREFIX}', which is kept for the init containers of dependsOn(..., { waitForPort: true }): choose another name`);
  }
}

/** `prefix` is '' for the main container and `sidecars[0].` for a sidecar; `nameOf` gives a port's default name. */
export function checkPorts(scope: IConstruct, prefix: string, ports: readonly PortSpec[], nameOf: (p: PortSpec, i: number) => string): void {
  const seen = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const prop = `${prefix}ports[${i}]`;
    checkPort(scope, `${prop}.port`, p.port);
    checkPort(scope, `${prop}.servicePort`, p.servicePort);
    if (p.nodePort !== undefined) checkInt(scope, `${prop}.nodePort`, p.nodePort, 30000, 32767);
    const name = nameOf(p, i);
    // An IANA service name: at most 15 characters, at least one letter.
    if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
      throw propError(scope, `${prop}.name`, name, "must be at most 15 lower-case letters, digits and '-', with at least one letter, e.g. 'http' or 'metrics'");
    }
    if (seen.has(name)) throw propError(scope, `${prop}.name`, name, 'is used by another port: port names must be unique');
    seen.add(name);
  }
}

function checkEnvAndConfig(scope: IConstruct, p: WorkloadProps): void {
  checkEnv(scope, '', p.env);
  // Keys only: values may be secret and must not reach error messages.
  for (const prop of ['config', 'secretConfig'] as const) {
    for (const key of Object.keys(p[prop] ?? {})) checkEnvName(scope, prop, key);
  }
  for (const [key, value] of Object.entries(p.config ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw propError(scope, `config.${key}`, value, 'must be a string, number or boolean');
    }
  }
}

function checkEnvName(scope: IConstruct, prop: string, key: string): void {
  if (!ENV_NAME.test(key)) {
    const fix = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
    throw keyError(scope, prop, key, `is not an environment variable name: use letters, digits and '_', not starting with a digit, e.g. '${fix}'`);
  }
}

/** `liveness`, `readiness`, `startup`: Probes, with options their factory knows. `prefix` as for `checkPorts`. */
export function checkProbes(scope: IConstruct, prefix: string, c: Pick<WorkloadProps, 'liveness' | 'readiness' | 'startup'>): void {
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const probe: unknown = c[kind];
    if (probe === undefined) continue;
    if (!(probe instanceof Probe)) throw propError(scope, `${prefix}${kind}`, probe, "must be a Probe, e.g. Probe.http('/healthz') or Probe.tcp()");
    // At construction: the main container renders only at synth, where the line that made the mistake is gone.
    probe._checkKeys(scope, `${prefix}${kind}`);
  }
}

/** The `env` prop of a container; `prefix` as for `checkPorts`. */
export function checkEnv(scope: IConstruct, prefix: string, env: Readonly<Record<string, unknown>> | undefined): void {
  for (const key of Object.keys(env ?? {})) checkEnvName(scope, `${prefix}env`, key);
  for (const [key, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string' && !(value instanceof EnvValue)) {
      throw propError(scope, `${prefix}env.${key}`, value, "must be a string or an EnvValue, e.g. EnvValue.fromSecret('name', 'key')");
    }
    if (value instanceof EnvValue) checkKnownKeys(scope, `${prefix}env.${key}`, value._options, ENV_REF_OPTIONS);
  }
}

const QUANTITY_EXAMPLES: Record<keyof ResourcesProps, string> = { cpu: '250m', memory: '512Mi', ephemeralStorage: '1Gi' };

export function checkResources(scope: IConstruct, prefix: string, r: ResourcesProps | typeof NONE): void {
  if (r === NONE) return;
  if (typeof r !== 'object' || r === null) {
    throw propError(scope, `${prefix}resources`, r, "must be an object, e.g. { memory: { request: '1Gi' } }, or 'none' for no requests and limits");
  }
  const effective = effectiveResources(r);
  for (const res of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    checkQuantity(scope, `${prefix}resources.${res}.request`, r[res]?.request, QUANTITY_EXAMPLES[res]);
    if (r[res]?.limit !== NONE) checkQuantity(scope, `${prefix}resources.${res}.limit`, r[res]?.limit, QUANTITY_EXAMPLES[res], "or 'none'");
    // With the defaults merged in: a request raised over the default limit is a mistake too.
    const range = effective[res];
    if (range?.request !== undefined && range.limit !== undefined && parseQuantity(range.request)! > parseQuantity(range.limit)!) {
      throw propError(scope, `${prefix}resources.${res}.request`, range.request, `is more than '${prefix}resources.${res}.limit' (${show(range.limit)}): raise the limit or lower the request`);
    }
  }
}

function checkSecretConfig(scope: IConstruct, p: WorkloadProps): void {
  for (const [key, value] of Object.entries(p.secretConfig ?? {})) {
    if (typeof value !== 'string') {
      throw secretPropError(scope, `secretConfig.${key}`, `must be a string, got ${value === null ? 'null' : typeof value}: set the secret value in the env file or values file`);
    }
    if (p.config && key in p.config) {
      throw keyError(scope, 'secretConfig', key, "is also a key of 'config': both become the same environment variable; rename one");
    }
  }
}

export function checkVolumes(scope: IConstruct, prefix: string, mounts: readonly VolumeMount[]): void {
  const mountPaths = new Set<string>();
  const volumesByName = new Map<string, Volume>();
  for (const [i, m] of mounts.entries()) {
    // An app in JavaScript can pass anything: a plain object would fail later with a message about Berth's internals.
    if (!(m.volume instanceof Volume)) {
      throw propError(scope, `${prefix}volumes[${i}].volume`, m.volume, "must be a Volume, e.g. Volume.emptyDir('tmp') or Volume.fromConfigMap('config', 'my-config')");
    }
    const problem = dns1123LabelProblem(m.volume.name);
    if (problem) throw propError(scope, `${prefix}volumes[${i}].volume.name`, m.volume.name, problem);
    const sameName = volumesByName.get(m.volume.name);
    if (sameName && sameName !== m.volume) {
      throw propError(scope, `${prefix}volumes[${i}].volume.name`, m.volume.name, 'names a different volume already: give each volume its own name, or mount the same Volume object twice');
    }
    volumesByName.set(m.volume.name, m.volume);
    checkKnownKeys(scope, `${prefix}volumes[${i}].volume`, m.volume._source.options, VOLUME_OPTIONS[m.volume._source.type]);
    if (!m.path.startsWith('/')) throw propError(scope, `${prefix}volumes[${i}].path`, m.path, "must be an absolute path, e.g. '/tmp'");
    if (mountPaths.has(m.path)) throw propError(scope, `${prefix}volumes[${i}].path`, m.path, 'is already mounted: each path can be mounted once');
    mountPaths.add(m.path);
    checkQuantity(scope, `${prefix}volumes[${i}].volume.sizeLimit`, m.volume._sizeLimit, '256Mi');
  }
}
