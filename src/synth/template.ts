/**
 * Templates as packages: a package directory (installed in node_modules or extracted in the cache) whose
 * package.json carries a `berth` field and whose `dist/index.js` default-exports an Application class. Loading one
 * bundles `dist/index.js` like an app, with its bare `berth` import aliased to the running CLI's own lib, so there
 * is one instance of lib and `instanceof` holds. Its config is `berth.defaults` ← values files ← `--set`, validated
 * against `berth.config` with the validator and messages apps get.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { ConfigSchema } from '../config/json-schema.js';
import { sha256 } from '../util/hash.js';
import { toYamlDocuments } from '../util/yaml.js';
import type { ManifestSet, TemplateRef } from '../model/manifest-set.js';
import { parseTemplateManifest, requireEngine, type TemplateManifest } from '../model/template-manifest.js';
import type { AppSource } from './apps.js';
import { bundleApp, loadBundle } from './bundle.js';
import { PROJECT_ROOT, render, type AppModule, type SynthOptions } from './synthesize.js';
import { printableObjects } from './write.js';

/** A template package on disk. */
export interface TemplatePackage extends TemplateRef {
  /** The package directory (package.json, dist/). */
  readonly dir: string;
  readonly berth: TemplateManifest;
  readonly description?: string;
}

/** The version of the running Berth (its package.json), which a template's `berth.engine` range must admit. */
export function engineVersion(root = PROJECT_ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Reads and checks a template package directory; `integrity` is what it was verified against, if anything. */
export function readTemplatePackage(dir: string, integrity: string | undefined, root = PROJECT_ROOT): TemplatePackage {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) throw new UserError(`${dir} is not a template package: it has no package.json`, { hint: 'build it with berth template publish, or name an app directory' });
  let pkg: { name?: unknown; version?: unknown; description?: unknown; berth?: unknown };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') throw new UserError(`${file} has no name or version`);
  const id = `${pkg.name}@${pkg.version}`;
  // The one check of the contract (src/model/template-manifest.ts): search, info, add and deploy refuse alike.
  const berth = parseTemplateManifest(pkg.berth, id);
  requireEngine(berth, id, engineVersion(root));
  if (!existsSync(join(dir, 'dist', 'index.js'))) throw new UserError(`${id} has no dist/index.js in ${dir}`, { hint: 'templates ship compiled ESM in dist/' });
  return {
    name: pkg.name,
    version: pkg.version,
    ...(integrity ? { integrity } : {}),
    dir,
    berth,
    ...(typeof pkg.description === 'string' ? { description: pkg.description } : {}),
  };
}

/** The template's config schema (`berth.config`, an object schema as `berth schema` emits it: the contract checks that much). */
export function templateSchema(pkg: TemplatePackage): ConfigSchema {
  return pkg.berth.config as unknown as ConfigSchema;
}

/** The template's record in a revision. */
export function templateRef(pkg: TemplatePackage): TemplateRef {
  return { name: pkg.name, version: pkg.version, ...(pkg.integrity ? { integrity: pkg.integrity } : {}) };
}

/** A loaded template: its module (as an app's) and the source the renderer reports errors against. */
export interface LoadedTemplate {
  readonly pkg: TemplatePackage;
  readonly mod: AppModule;
  readonly source: AppSource;
}

/** Bundles and imports a template package's `dist/index.js` and its example envs `dist/env/*.js`. */
export async function loadTemplate(pkg: TemplatePackage, root = PROJECT_ROOT): Promise<LoadedTemplate> {
  const envDir = join(pkg.dir, 'dist', 'env');
  const envs = existsSync(envDir) ? readdirSync(envDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort() : [];
  const spec = (p: string) => JSON.stringify(p);
  const entrySource = [
    `export { default as AppClass } from ${spec(join(pkg.dir, 'dist', 'index.js'))};`,
    `export { App, Chart } from 'cdk8s';`,
    ...envs.map((env, i) => `import env${i} from ${spec(join(envDir, `${env}.js`))};`),
    `export const envs = { ${envs.map((env, i) => `${JSON.stringify(env)}: env${i}`).join(', ')} };`,
  ].join('\n');
  const bundle = await bundleApp({
    root,
    key: pkg.dir,
    entrySource,
    resolveDir: pkg.dir,
    // One lib: the template's `instanceof Application` and the engine's checks see the same classes.
    alias: { berth: join(root, 'lib', 'index.ts'), 'berth/k8s': join(root, 'lib', 'imports', 'k8s.ts') },
  });
  const mod = loadBundle(bundle.path) as AppModule;
  if (typeof mod.AppClass !== 'function') {
    throw new UserError(`${pkg.name}@${pkg.version}: dist/index.js has no default export`, { hint: 'a template default-exports its Application class' });
  }
  return { pkg, mod, source: { name: pkg.berth.app, dir: pkg.dir, index: join(pkg.dir, 'dist', 'index.js'), envs: [] } };
}

export interface TemplateRenderRequest {
  readonly release: string;
  readonly namespace: string;
  /** Values files and `--set`, over `base`. */
  readonly values?: SynthOptions['values'];
  /** The config the values go onto. @default the template's `berth.defaults` */
  readonly base?: Record<string, unknown>;
  /** Where `base` came from, for validation messages. @default `<name>@<version> defaults` */
  readonly baseSource?: string;
  readonly releaseKey?: Buffer;
}

/** Renders a release of a loaded template: base config ← values, validated against `berth.config`. */
export async function synthesizeTemplate(t: LoadedTemplate, req: TemplateRenderRequest): Promise<ManifestSet> {
  const { pkg } = t;
  let config: Record<string, unknown> = structuredClone(req.base ?? pkg.berth.defaults);
  let origins;
  const values = req.values;
  if (values && (values.files.length > 0 || values.set.length > 0 || values.config)) {
    const { loadValuesWithOrigins, mergeValues } = await import('../config/values.js');
    const overlay = loadValuesWithOrigins({ files: values.files, set: values.set });
    config = mergeValues(config, overlay.values);
    if (values.config) config = mergeValues(config, { ...values.config });
    origins = overlay.origins;
  }
  const { validateValues } = await import('../config/validate.js');
  const { hashSecretValues } = await import('../config/secrets.js');
  const schema = templateSchema(pkg);
  validateValues(schema, config, {
    source: [req.baseSource ?? `${pkg.name}@${pkg.version} defaults`, ...(values?.files ?? []), ...(values?.set.length ? ['--set'] : []), ...(values?.config ? ['the form'] : [])].join(', '),
    origins,
    app: `${pkg.name}@${pkg.version}`,
    hint: `run \`berth template info ${pkg.name}@${pkg.version}\` to list every field with its type and default`,
  });
  const set = render(t.mod, t.source, { env: 'default', release: req.release, namespace: req.namespace, config, origins, releaseKey: req.releaseKey });
  return { ...set, template: templateRef(pkg), publicConfig: hashSecretValues(schema, config) };
}

/** The digest of a render as the template contract records it: sha256 of the YAML `berth synth --stdout` prints. */
export function sampleDigest(set: ManifestSet): string {
  return `sha256:${sha256(toYamlDocuments(printableObjects(set)))}`;
}

/**
 * Renders the sample the template was published with (its example env, release and namespace) and compares the
 * digest: a different one means this Berth renders the same inputs differently. A warning, not an error: the
 * template may still be right, but the user should know before deploying it.
 */
export function checkSample(t: LoadedTemplate): string | undefined {
  const sample = t.pkg.berth.sample;
  const id = `${t.pkg.name}@${t.pkg.version}`;
  const config = t.mod.envs[sample.env];
  if (config === undefined) return `${id}: cannot check its sample render: it has no dist/env/${sample.env}.js`;
  let digest: string;
  try {
    digest = sampleDigest(render(t.mod, t.source, { env: sample.env, release: sample.release, namespace: sample.namespace, config }));
  } catch (err) {
    return `${id}: its sample render (env ${sample.env}) fails with this Berth: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (digest === sample.digest) return undefined;
  return `${id}: rendering its sample (env ${sample.env}, release ${sample.release}, namespace ${sample.namespace}) gives ${digest.slice(0, 19)}…, not the published ${sample.digest.slice(0, 19)}…: this Berth renders the template differently from the one that published it`;
}
