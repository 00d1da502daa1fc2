/**
 * The `berth` field of a template package's package.json (README "Packaging contract"): what a registry tells about a
 * template before anything is downloaded — its config schema and defaults, the services and kinds it renders, the
 * Berth versions it works with, the digest of a sample render. Declared once here, with the one check of a field read
 * from a registry or a package directory, so every reader (search, info, deploy) refuses a bad one with the same words.
 */
import semver from 'semver';
import type { WorkloadKind } from '../../lib/contract.js';
import { UserError } from '../errors.js';

export const TEMPLATE_API_VERSION = 1;

/** The construct class of each base kind, as `berth.services[].kind` names it. */
export const SERVICE_KIND_CLASS: Readonly<Record<WorkloadKind, string>> = {
  stateless: 'StatelessApp',
  stateful: 'StatefulApp',
  daemon: 'DaemonApp',
  batch: 'BatchJob',
};

export interface TemplateServiceInfo {
  readonly name: string;
  /** `StatelessApp`, `StatefulApp`, `DaemonApp` or `BatchJob`. */
  readonly kind: string;
}

export interface TemplateSample {
  readonly env: string;
  readonly release: string;
  readonly namespace: string;
  /** `sha256:<hex>` of the YAML stream `berth synth --stdout` prints for this render. */
  readonly digest: string;
}

export interface TemplateManifest {
  readonly apiVersion: 1;
  /** Berth versions the template works with (a semver range). */
  readonly engine: string;
  /** The Application's name (`app.kubernetes.io/part-of`). */
  readonly app: string;
  /** JSON Schema of the config type, as `berth schema <dir> -o json` emits it. */
  readonly config: Record<string, unknown>;
  /** The env/default.ts values, secret-marked fields left out. */
  readonly defaults: Record<string, unknown>;
  readonly services: readonly TemplateServiceInfo[];
  readonly kinds: readonly string[];
  readonly sample: TemplateSample;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 80) ?? String(v));

/**
 * Checks the `berth` field of package `id` (`@acme/redis@1.2.0`). A package without one is not a Berth template; a
 * field that breaks the contract is refused with the path of every problem, what was expected and what it holds.
 */
export function parseTemplateManifest(value: unknown, id: string): TemplateManifest {
  if (value === undefined) {
    throw new UserError(`${id} is not a Berth template: its package.json has no "berth" field`, {
      hint: 'a template is published with `berth template publish`, which adds the field; check the package name',
    });
  }
  const problems: string[] = [];
  const want = (path: string, expected: string, got: unknown) => problems.push(`berth.${path}: expected ${expected}, got ${show(got)}`);
  if (!isObject(value)) {
    want('', 'an object', value);
  } else {
    const v = value;
    if (v.apiVersion !== TEMPLATE_API_VERSION) want('apiVersion', `${TEMPLATE_API_VERSION} (this Berth reads template API version 1)`, v.apiVersion);
    if (typeof v.engine !== 'string' || semver.validRange(v.engine) === null) want('engine', 'a semver range such as "^0.1.0"', v.engine);
    if (typeof v.app !== 'string' || v.app === '') want('app', 'the application name (a non-empty string)', v.app);
    if (!isObject(v.config) || v.config.type !== 'object') want('config', 'the JSON Schema of the config (type "object")', v.config);
    if (!isObject(v.defaults)) want('defaults', 'an object of default config values', v.defaults);
    const kinds = Object.values(SERVICE_KIND_CLASS);
    if (!Array.isArray(v.services)) want('services', 'a list of { name, kind }', v.services);
    else {
      v.services.forEach((s: unknown, i) => {
        if (!isObject(s) || typeof s.name !== 'string' || s.name === '') want(`services[${i}].name`, 'a service name', isObject(s) ? s.name : s);
        else if (!kinds.includes(s.kind as string)) want(`services[${i}].kind`, `one of ${kinds.join(', ')}`, s.kind);
      });
    }
    if (!Array.isArray(v.kinds) || !v.kinds.every((k) => typeof k === 'string' && k !== '')) want('kinds', 'a list of Kubernetes kinds', v.kinds);
    if (!isObject(v.sample)) want('sample', 'the sample render { env, release, namespace, digest }', v.sample);
    else {
      for (const key of ['env', 'release', 'namespace'] as const) {
        if (typeof v.sample[key] !== 'string' || v.sample[key] === '') want(`sample.${key}`, 'a non-empty string', v.sample[key]);
      }
      if (typeof v.sample.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(v.sample.digest)) want('sample.digest', '"sha256:" and 64 hex digits', v.sample.digest);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`${id} has a "berth" field that breaks the template contract:\n  ${problems.join('\n  ')}`, {
      hint: 'republish the template with `berth template publish` of this Berth, which writes the field',
    });
  }
  return value as unknown as TemplateManifest;
}

/** True when the running Berth's version is in the template's `engine` range. */
export function engineAdmits(manifest: Pick<TemplateManifest, 'engine'>, berthVersion: string): boolean {
  return semver.satisfies(berthVersion, manifest.engine, { includePrerelease: true });
}
