import type { IConstruct } from 'constructs';
import { EnvValue } from '../env-value.js';
import type { Volume } from '../volume.js';
import type { PortSpec, ResourcesProps, VolumeMount, WorkloadProps } from '../workload.js';
import { keyError, propError, secretPropError, show } from './errors.js';
import { RESERVED_LABELS } from './metadata.js';
import { dns1035Problem, dns1123LabelProblem } from './naming.js';
import { portName } from './ports.js';
import { effectiveResources } from './resources.js';
import { checkInt, checkPort, checkQuantity, parseQuantity } from './validate.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks the props every base kind shares and throws at the first problem, so the constructor fails at the line
 * that created the workload. `name` is `props.name` or the construct id.
 */
export function validateWorkloadProps(scope: IConstruct, name: string, p: WorkloadProps): void {
  const nameProblem = dns1035Problem(name);
  if (nameProblem) throw propError(scope, p.name === undefined ? 'id' : 'name', name, `${nameProblem}, e.g. '${suggestName(name)}'`);
  if (typeof p.image !== 'string' || p.image.trim() === '' || /\s/.test(p.image)) {
    throw propError(scope, 'image', p.image, "must be an image reference without spaces, e.g. 'nginx:1.27'");
  }
  checkPorts(scope, p.ports ?? []);
  checkLabels(scope, p.labels ?? {});
  checkEnvAndConfig(scope, p);
  checkResources(scope, p.resources ?? {});
  checkSecretConfig(scope, p);
  checkVolumes(scope, p.volumes ?? []);
  checkInt(scope, 'terminationGracePeriodSeconds', p.terminationGracePeriodSeconds, 0);
  if (p.createServiceAccount && p.serviceAccountName !== undefined) {
    throw propError(scope, 'serviceAccountName', p.serviceAccountName, "conflicts with 'createServiceAccount: true': set only one");
  }
}

/** A DNS-1035 label close to `name`, for the error message. */
function suggestName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '');
  return s.slice(0, 63) || 'api';
}

function checkPorts(scope: IConstruct, ports: readonly PortSpec[]): void {
  const seen = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const prop = `ports[${i}]`;
    checkPort(scope, `${prop}.port`, p.port);
    checkPort(scope, `${prop}.servicePort`, p.servicePort);
    if (p.nodePort !== undefined) checkInt(scope, `${prop}.nodePort`, p.nodePort, 30000, 32767);
    const name = portName(p, i);
    // An IANA service name: at most 15 characters, at least one letter.
    if (name.length > 15 || !PORT_NAME.test(name) || !/[a-z]/.test(name)) {
      throw propError(scope, `${prop}.name`, name, "must be at most 15 lower-case letters, digits and '-', with at least one letter, e.g. 'http' or 'metrics'");
    }
    if (seen.has(name)) throw propError(scope, `${prop}.name`, name, 'is used by another port: port names must be unique');
    seen.add(name);
  }
}

function checkLabels(scope: IConstruct, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (RESERVED_LABELS.has(key)) {
      throw propError(scope, `labels.${key}`, value, `is set by Berth; ${key === 'app.kubernetes.io/component' ? "use the 'component' prop" : 'remove it'}`);
    }
  }
}

function checkEnvAndConfig(scope: IConstruct, p: WorkloadProps): void {
  // Keys only: values may be secret and must not reach error messages.
  for (const prop of ['env', 'config', 'secretConfig'] as const) {
    for (const key of Object.keys(p[prop] ?? {})) {
      if (!ENV_NAME.test(key)) {
        const fix = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
        throw keyError(scope, prop, key, `is not an environment variable name: use letters, digits and '_', not starting with a digit, e.g. '${fix}'`);
      }
    }
  }
  for (const [key, value] of Object.entries(p.env ?? {})) {
    if (typeof value !== 'string' && !(value instanceof EnvValue)) {
      throw propError(scope, `env.${key}`, value, "must be a string or an EnvValue, e.g. EnvValue.fromSecret('name', 'key')");
    }
  }
  for (const [key, value] of Object.entries(p.config ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw propError(scope, `config.${key}`, value, 'must be a string, number or boolean');
    }
  }
}

const QUANTITY_EXAMPLES: Record<keyof ResourcesProps, string> = { cpu: '250m', memory: '512Mi', ephemeralStorage: '1Gi' };

function checkResources(scope: IConstruct, r: ResourcesProps): void {
  const effective = effectiveResources(r);
  for (const res of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    checkQuantity(scope, `resources.${res}.request`, r[res]?.request, QUANTITY_EXAMPLES[res]);
    checkQuantity(scope, `resources.${res}.limit`, r[res]?.limit, QUANTITY_EXAMPLES[res]);
    // With the defaults merged in: a request raised over the default limit is a mistake too.
    const range = effective[res];
    if (range?.request !== undefined && range.limit !== undefined && parseQuantity(range.request)! > parseQuantity(range.limit)!) {
      throw propError(scope, `resources.${res}.request`, range.request, `is more than 'resources.${res}.limit' (${show(range.limit)}): raise the limit or lower the request`);
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

function checkVolumes(scope: IConstruct, mounts: readonly VolumeMount[]): void {
  const mountPaths = new Set<string>();
  const volumesByName = new Map<string, Volume>();
  for (const [i, m] of mounts.entries()) {
    const problem = dns1123LabelProblem(m.volume.name);
    if (problem) throw propError(scope, `volumes[${i}].volume.name`, m.volume.name, problem);
    const sameName = volumesByName.get(m.volume.name);
    if (sameName && sameName !== m.volume) {
      throw propError(scope, `volumes[${i}].volume.name`, m.volume.name, 'names a different volume already: give each volume its own name, or mount the same Volume object twice');
    }
    volumesByName.set(m.volume.name, m.volume);
    if (!m.path.startsWith('/')) throw propError(scope, `volumes[${i}].path`, m.path, "must be an absolute path, e.g. '/tmp'");
    if (mountPaths.has(m.path)) throw propError(scope, `volumes[${i}].path`, m.path, 'is already mounted: each path can be mounted once');
    mountPaths.add(m.path);
    checkQuantity(scope, `volumes[${i}].volume.sizeLimit`, m.volume._sizeLimit, '256Mi');
  }
}
