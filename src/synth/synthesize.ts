import type { App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import { findApp, type AppSource } from './apps.js';
import { bundleApp } from './bundle.js';
import { canonical } from './canonical.js';
import type { ApplicationDescription } from '../../lib/contract.js';
import { CONTEXT_RELEASE_KEY, sortObjects, type KubeObject, type ManifestSet } from '../model/manifest-set.js';

/** The nearest directory at or above `from` with a package.json. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The repository root: where apps/, lib/ and node_modules are (this module runs from src/ or from a build). */
export const PROJECT_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

export interface SynthOptions {
  /** App name under apps/ or a path to an app directory. */
  readonly app: string;
  /** Environment: `apps/<app>/env/<env>.ts` gives the config. Required when the app has more than one. */
  readonly env?: string;
  /** @default the app name */
  readonly release?: string;
  /** @default the env name, or `default` */
  readonly namespace?: string;
  /** Config overrides merged over the env module, validated against the config schema. */
  readonly values?: { readonly files: readonly string[]; readonly set: readonly string[] };
  /** @default PROJECT_ROOT */
  readonly root?: string;
  /**
   * The release key (src/release/key.ts), when rendering for a cluster: pod templates of services with secret config
   * then carry the keyed `berth.dev/secret-hash`, so a rotated secret rolls their pods. Without it (plain `berth synth`)
   * nothing derived from a secret value is rendered.
   */
  readonly releaseKey?: Buffer;
}

/**
 * What an app's bundle exports: the Application class, its env modules' configs, and cdk8s's App class (the
 * engine uses the very cdk8s the app was built against and never loads one of its own).
 */
export interface AppModule {
  readonly AppClass: new (scope: App, id: string, props: unknown) => Chart & { describe(rendered?: readonly unknown[]): ApplicationDescription };
  readonly envs: Record<string, unknown>;
  readonly App: typeof App;
}

const loaded = new Map<string, AppModule>();

/** Compiles (or takes from the cache) and imports an app with all its env modules. */
export async function loadApp(source: AppSource, root = PROJECT_ROOT): Promise<AppModule> {
  const spec = (p: string) => JSON.stringify(p);
  const entrySource = [
    `export { default as AppClass } from ${spec(source.index)};`,
    `export { App } from 'cdk8s';`,
    ...source.envs.map((env, i) => `import env${i} from ${spec(join(source.dir, 'env', `${env}.ts`))};`),
    `export const envs = { ${source.envs.map((env, i) => `${JSON.stringify(env)}: env${i}`).join(', ')} };`,
  ].join('\n');
  const bundle = await bundleApp({ root, key: source.dir, entrySource, resolveDir: source.dir });
  const cachedModule = loaded.get(bundle.path);
  if (cachedModule) return cachedModule;
  const mod = createRequire(import.meta.url)(bundle.path) as AppModule;
  if (typeof mod.AppClass !== 'function') {
    throw new UserError(`${relative(root, source.index)} has no default export`, {
      hint: 'end it with `export default class MyApp extends Application<MyConfig> { ... }`',
    });
  }
  loaded.set(bundle.path, mod);
  return mod;
}

function constructErrors(app: App): string[] {
  const errors: string[] = [];
  const visit = (c: IConstruct) => {
    for (const message of c.node.validate()) errors.push(`${c.node.path}: ${message}`);
    c.node.children.forEach(visit);
  };
  visit(app);
  return errors;
}

/** Renders one release of a loaded app with a given config. Pure apart from running the app's code. */
export function render(
  mod: AppModule,
  source: AppSource,
  opts: { env: string; release: string; namespace: string; config: unknown; releaseKey?: Buffer },
): ManifestSet {
  const app = new mod.App({ outdir: '.' });
  if (opts.releaseKey) app.node.setContext(CONTEXT_RELEASE_KEY, opts.releaseKey.toString('hex'));
  let instance;
  try {
    instance = new mod.AppClass(app, source.name, {
      config: opts.config,
      release: { name: opts.release, namespace: opts.namespace, env: opts.env },
    });
  } catch (err) {
    throw new UserError(`${source.name} (env ${opts.env}): ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'fix the props or config named above',
    });
  }
  const errors = constructErrors(app);
  if (errors.length) {
    throw new UserError(`${source.name} (env ${opts.env}) is not valid:\n  ${errors.join('\n  ')}`);
  }
  const objects: KubeObject[] = [];
  for (const chart of app.charts) objects.push(...(chart.toJson() as KubeObject[]));
  const description = instance.describe(objects);
  return {
    app: description.app,
    version: description.version,
    release: opts.release,
    namespace: opts.namespace,
    env: opts.env,
    services: description.services.map((s) => ({ ...s, dependsOn: [...s.dependsOn] })),
    objects: sortObjects(objects.map((o) => canonical(o))),
    config: opts.config,
  };
}

/** Picks the env to use, or explains which ones exist. */
export function chooseEnv(source: AppSource, env: string | undefined, hasValues: boolean): string {
  if (env !== undefined) {
    if (!source.envs.includes(env)) {
      throw new UserError(`app ${source.name} has no environment '${env}' (no ${join(source.dir, 'env', `${env}.ts`)})`, {
        hint: source.envs.length ? `environments: ${source.envs.join(', ')}` : 'the app has no env/ directory: pass values with -f values.yaml',
      });
    }
    return env;
  }
  if (source.envs.length === 1) return source.envs[0]!;
  if (source.envs.length === 0 || hasValues) return 'default';
  throw new UserError(`app ${source.name} has several environments: choose one with --env`, {
    hint: `environments: ${source.envs.join(', ')}`,
  });
}

/**
 * Type-checks the env module against the app's config type (esbuild only strips types). Cached by content,
 * so an unchanged app costs a few file hashes.
 */
export async function checkEnvModules(source: AppSource, envs: readonly string[]): Promise<void> {
  const existing = envs.filter((env) => source.envs.includes(env));
  if (existing.length === 0) return;
  const { typecheckEnvModules } = await import('../config/typecheck.js');
  // One TypeScript program for all envs: checking three costs about what checking one does.
  typecheckEnvModules(source.dir, existing);
}

export interface EnvRequest {
  readonly env: string;
  readonly release?: string;
  readonly namespace?: string;
  readonly values?: SynthOptions['values'];
  readonly releaseKey?: Buffer;
}

/** Renders one env of a loaded app: env config, merged with values, validated against the schema. */
export async function synthesizeEnv(source: AppSource, mod: AppModule, req: EnvRequest): Promise<ManifestSet> {
  const { config, publicConfig } = await resolveConfig(source, req.env, mod.envs[req.env] ?? {}, req.values);
  const set = render(mod, source, {
    env: req.env,
    release: req.release ?? source.name,
    namespace: req.namespace ?? (req.env === 'default' ? 'default' : req.env),
    config,
    releaseKey: req.releaseKey,
  });
  return { ...set, publicConfig };
}

/** Synthesizes one release: pick env → type-check → load → merge values and validate → render. */
export async function synthesize(opts: SynthOptions): Promise<ManifestSet> {
  const root = opts.root ?? PROJECT_ROOT;
  const source = findApp(root, opts.app);
  const env = chooseEnv(source, opts.env, hasValues(opts.values));
  await checkEnvModules(source, [env]);
  const mod = await loadApp(source, root);
  return synthesizeEnv(source, mod, { ...opts, env });
}

export function hasValues(values: SynthOptions['values']): boolean {
  return Boolean(values && (values.files.length > 0 || values.set.length > 0));
}

/**
 * The config of a release: the env module's object, values files and --set merged over it in order, checked
 * against the JSON Schema of the config type. The env module passed the type check already; the schema adds
 * what types cannot say (`@minimum`, `@pattern`) and checks values files, which no compiler sees.
 */
async function resolveConfig(
  source: AppSource,
  env: string,
  base: unknown,
  values: SynthOptions['values'],
): Promise<{ config: unknown; publicConfig: unknown }> {
  const { extractSchema } = await import('../config/schema.js');
  const { hashSecretValues } = await import('../config/secrets.js');
  const schema = extractSchema(source.index);
  let merged = base;
  let origins;
  if (hasValues(values)) {
    const { loadValuesWithOrigins, mergeValues } = await import('../config/values.js');
    const overlay = loadValuesWithOrigins({ files: values!.files, set: values!.set });
    merged = mergeValues((base ?? {}) as Record<string, unknown>, overlay.values);
    origins = overlay.origins;
  }
  // Validating the same config against the same schema again cannot give another answer; skipping it
  // also skips loading ajv, a good part of a small synth's start-up.
  const { FileCache, findProjectRoot } = await import('../config/file-cache.js');
  const validated = new FileCache<true>(findProjectRoot(source.dir), 'validated', sha256(JSON.stringify([schema, merged])));
  const subject = join(source.dir, `${env}.validated`);
  if (!validated.get(subject)) {
    const { validateValues } = await import('../config/validate.js');
    const envFile = source.envs.includes(env) ? [relative(process.cwd(), join(source.dir, 'env', `${env}.ts`))] : [];
    validateValues(schema, merged, {
      source: [...envFile, ...(values?.files ?? []), ...(values?.set.length ? ['--set'] : [])].join(', '),
      origins,
      app: source.name,
    });
    validated.set(subject, [], true);
  }
  return { config: merged, publicConfig: hashSecretValues(schema, merged) };
}
