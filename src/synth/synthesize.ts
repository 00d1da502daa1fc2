import type { App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import { mark } from '../util/timing.js';
import { findApp, type AppSource } from './apps.js';
import { bundleApp, loadBundle } from './bundle.js';
import { canonicalWithJsonBound } from './canonical.js';
import type { ApplicationDescription } from '../../lib/contract.js';
import { CONTEXT_RELEASE_KEY, sortObjects, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { oversizedObjects } from '../model/object-size.js';
import { longStrings, pathsOfValue } from '../config/value-paths.js';

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
  /**
   * Config overrides merged over the env module, validated against the config schema: files, then `--set`, then
   * `config`, values given as an object (the web console's form; kept in memory, so a secret typed there never
   * touches the disk).
   */
  readonly values?: { readonly files: readonly string[]; readonly set: readonly string[]; readonly config?: Readonly<Record<string, unknown>> };
  /** @default PROJECT_ROOT */
  readonly root?: string;
  /**
   * The release key (src/release/key.ts), when rendering for a cluster: pod templates of services with secret config
   * then carry the keyed `berth.dev/secret-hash`, so a rotated secret rolls their pods. Without it (plain `berth synth`)
   * nothing derived from a secret value is rendered. A promise is awaited once the app is loaded: a deploy reads the
   * key from the cluster while the app's bundle loads.
   */
  readonly releaseKey?: Buffer | PromiseLike<Buffer | undefined>;
}

/**
 * What an app's bundle exports: the Application class, its env modules' configs, and cdk8s's App class (the
 * engine uses the very cdk8s the app was built against and never loads one of its own).
 */
export interface AppModule {
  readonly AppClass: new (scope: App, id: string, props: unknown) => Chart & {
    describe(rendered?: readonly unknown[], options?: { graph?: boolean }): ApplicationDescription;
    /** See Application._validatedConstructs (lib/application.ts). */
    _validatedConstructs?: number;
  };
  readonly envs: Record<string, unknown>;
  readonly App: typeof App;
  /** The app's own cdk8s Chart class (charts are found with `instanceof`, as cdk8s does). */
  readonly Chart: typeof Chart;
}

const loaded = new Map<string, AppModule>();

/**
 * Compiles (or takes from the cache) and imports an app with all its env modules. The type check of the app's code
 * and of the env modules `envs` runs beside esbuild, not after it: esbuild works in its own process while the
 * compiler runs here, so a cold synth pays for the longer of the two (a cold check costs ~1.5 s of CPU for
 * apps/shop), and a warm one only re-hashes the files of each.
 */
export async function loadApp(source: AppSource, root = PROJECT_ROOT, envs: readonly string[] = []): Promise<AppModule> {
  const spec = (p: string) => JSON.stringify(p);
  const entrySource = [
    `export { default as AppClass } from ${spec(source.index)};`,
    `export { App, Chart } from 'cdk8s';`,
    ...source.envs.map((env, i) => `import env${i} from ${spec(join(source.dir, 'env', `${env}.ts`))};`),
    `export const envs = { ${source.envs.map((env, i) => `${JSON.stringify(env)}: env${i}`).join(', ')} };`,
  ].join('\n');
  const bundling = bundleApp({ root, key: source.dir, entrySource, resolveDir: source.dir });
  const checking = typecheckApp(source, envs).then(
    () => undefined,
    (err: unknown) => err,
  );
  // esbuild's messages come first: a file that does not parse or an import that does not resolve makes the type
  // check's messages about it noise.
  const bundle = await bundling.finally(() => checking);
  mark('bundle found');
  const typeError = await checking;
  mark('type check done');
  if (typeError) throw typeError;
  const cachedModule = loaded.get(bundle.path);
  if (cachedModule) return cachedModule;
  const mod = loadBundle(bundle.path) as AppModule;
  if (typeof mod.AppClass !== 'function') {
    throw new UserError(`${relative(root, source.index)} has no default export`, {
      hint: 'end it with `export default class MyApp extends Application<MyConfig> { ... }`',
    });
  }
  loaded.set(bundle.path, mod);
  mark('bundle loaded');
  return mod;
}

/**
 * Every construct's validation messages, how many constructs were validated, and the charts among them: one walk of
 * the tree.
 */
function constructErrors(app: App, ChartClass: typeof Chart): { errors: string[]; count: number; charts: Chart[] } {
  const errors: string[] = [];
  const charts: Chart[] = [];
  let count = 0;
  const visit = (c: IConstruct) => {
    count++;
    if (c instanceof ChartClass) charts.push(c);
    for (const message of c.node.validate()) errors.push(`${c.node.path}: ${message}`);
    c.node.children.forEach(visit);
  };
  visit(app);
  return { errors, count, charts };
}

export interface RenderOptions {
  readonly env: string;
  readonly release: string;
  readonly namespace: string;
  readonly config: unknown;
  /** Where each config value was set (values files, --set); values without one came from the env module. */
  readonly origins?: ReadonlyMap<string, string>;
  /** The release's key (deploy, or synth with --kubeconfig): pod templates then carry the keyed secret hash. */
  readonly releaseKey?: Buffer;
  /** false: the services without ports and graph edges (a synth to files reads neither). Default true. */
  readonly graph?: boolean;
}

/** Renders one release of a loaded app with a given config. Pure apart from running the app's code. */
export function render(mod: AppModule, source: AppSource, opts: RenderOptions): ManifestSet {
  const app = new mod.App({ outdir: '.' });
  if (opts.releaseKey) app.node.setContext(CONTEXT_RELEASE_KEY, opts.releaseKey.toString('hex'));
  let instance;
  try {
    instance = new mod.AppClass(app, source.name, {
      config: opts.config,
      release: { name: opts.release, namespace: opts.namespace, env: opts.env },
    });
  } catch (err) {
    throw new UserError(`${source.name} (env ${opts.env}): ${err instanceof Error ? err.message : String(err)}${configPathOfProp(err, source, opts)}`, {
      hint: 'fix the props or config named above',
    });
  }
  mark('render: app constructed');
  const { errors, count, charts } = constructErrors(app, mod.Chart);
  mark('render: constructs validated');
  if (errors.length) {
    throw new UserError(`${source.name} (env ${opts.env}) is not valid:\n  ${errors.join('\n  ')}`);
  }
  // The application's toJson() need not run them all again.
  instance._validatedConstructs = count;
  const objects: KubeObject[] = [];
  try {
    // In `app.charts` order when there are several (it orders them by a dependency graph of every construct, ~10 ms
    // at 500 services); an app of one chart, the usual case, needs no order.
    for (const chart of charts.length <= 1 ? charts : app.charts) objects.push(...(chart.toJson() as KubeObject[]));
  } catch (err) {
    // Specs rendered lazily (a probe's port) fail here, and so do the app's patches and overrides (`addJsonPatch`,
    // `override`) whose path does not fit the object; cdk8s wraps the construct's message in its own words.
    const message = (err instanceof Error ? err.message : String(err)).replace(/^Failed serializing construct at path '[^']*' with name '[^']*': (Error: )?/, '');
    throw new UserError(`${source.name} (env ${opts.env}): ${message}`, {
      hint: 'fix the prop, config value, JSON patch or override named above',
    });
  }
  mark('render: serialised');
  const copies = objects.map((o) => canonicalWithJsonBound(o));
  mark('render: canonical');
  refuseOversized(objects, copies.map((c) => c.jsonBytesBound), source, opts);
  mark('render: sizes checked');
  const description = instance.describe(objects, { graph: opts.graph !== false });
  mark('render: described');
  const sorted = sortObjects(copies.map((c) => c.value));
  mark('render: sorted');
  return {
    app: description.app,
    version: description.version,
    release: opts.release,
    namespace: opts.namespace,
    env: opts.env,
    services: description.services.map((s) => ({ ...s, dependsOn: [...s.dependsOn] })),
    objects: sorted,
    config: opts.config,
  };
}

/** Where a config value was set: its file line or flag, else the env module. */
function whereSet(path: string, source: AppSource, opts: RenderOptions): string {
  const origin = opts.origins?.get(path);
  if (origin) return origin;
  return source.envs.includes(opts.env) ? relative(process.cwd(), join(source.dir, 'env', `${opts.env}.ts`)) : 'the config';
}

/**
 * A construct refused a prop's value: when exactly one config field holds that value, it is the one to fix, so the
 * message names it (`'autoscaling.cpuUtilization' (0) ...` comes from `orders.cpuTarget`, set at prod.yaml:3:5).
 * Of several matches, the one under the service's own config section (`orders.*` for `shop/orders`) is taken when
 * it is the only one there; anything else would be a guess, so nothing is added then.
 */
function configPathOfProp(err: unknown, source: AppSource, opts: RenderOptions): string {
  if (typeof err !== 'object' || err === null || !('propValue' in err)) return '';
  const { propValue, constructPath } = err as { propValue: unknown; constructPath?: string };
  if (propValue === undefined) return '';
  let paths = pathsOfValue(opts.config, propValue);
  if (paths.length > 1 && constructPath) {
    const service = squash(constructPath.split('/').pop()!);
    paths = paths.filter((p) => squash(p.split(/[.[]/)[0]!) === service);
  }
  if (paths.length !== 1) return '';
  return `\n  the value comes from config field ${paths[0]} (${whereSet(paths[0]!, source, opts)})`;
}

/** `db-proxy` and `dbProxy` are the same name: a service id and its config section. */
function squash(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** Config strings this long are worth naming when an object is too big: a few lines of config are not the cause. */
const BIG_VALUE_CHARS = 16 * 1024;

/** Refuses objects the API server or etcd would refuse, naming each and the big config values inside it. */
function refuseOversized(objects: readonly KubeObject[], jsonBytesBounds: readonly number[], source: AppSource, opts: RenderOptions): void {
  const oversized = oversizedObjects(objects, jsonBytesBounds);
  if (oversized.length === 0) return;
  const big = longStrings(opts.config, BIG_VALUE_CHARS);
  const lines = oversized.map((o) => {
    const text = objectText(o.object);
    const causes = big.filter((b) => text.includes(b.value)).map((b) => `config field ${b.path} (${b.value.length} characters, ${whereSet(b.path, source, opts)})`);
    return `  - ${o.ref}: ${o.problem}${causes.length ? `; it holds ${causes.join(', ')}` : ''}`;
  });
  throw new UserError(`${source.name} (env ${opts.env}) renders objects the API server would refuse:\n${lines.join('\n')}`, {
    hint: 'keep large data out of config: put it into the image, a volume, or an object created out of band',
  });
}

/** The object as searchable text, with a Secret's base64 data decoded (generated Secrets carry config values). */
function objectText(o: KubeObject): string {
  if (o.kind !== 'Secret') return JSON.stringify(o);
  const decoded = Object.values((o.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8'));
  return [JSON.stringify(o), ...decoded].join('\n');
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
 * Type-checks the app's code and the env modules `envs` against the app's config type (esbuild only strips types).
 * Cached by content, so an unchanged app costs a few file hashes.
 */
async function typecheckApp(source: AppSource, envs: readonly string[]): Promise<void> {
  const { typecheckApp: check } = await import('../config/typecheck.js');
  // One TypeScript program for the code and all envs: checking three envs costs about what checking one does.
  check(source.dir, { index: source.index, envs: envs.filter((env) => source.envs.includes(env)) });
}

export interface EnvRequest {
  readonly env: string;
  readonly release?: string;
  readonly namespace?: string;
  readonly values?: SynthOptions['values'];
  readonly releaseKey?: Buffer;
  /** See RenderOptions.graph. */
  readonly graph?: boolean;
}

/** Renders one env of a loaded app: env config, merged with values, validated against the schema. */
export async function synthesizeEnv(source: AppSource, mod: AppModule, req: EnvRequest): Promise<ManifestSet> {
  const { config, publicConfig, origins } = await resolveConfig(source, req.env, mod.envs[req.env] ?? {}, req.values);
  const set = render(mod, source, {
    env: req.env,
    release: req.release ?? source.name,
    namespace: req.namespace ?? (req.env === 'default' ? 'default' : req.env),
    config,
    releaseKey: req.releaseKey,
    origins,
    graph: req.graph,
  });
  return { ...set, publicConfig };
}

/** Synthesizes one release: pick env → load (bundle and type-check side by side) → merge values and validate → render. */
export async function synthesize(opts: SynthOptions): Promise<ManifestSet> {
  const root = opts.root ?? PROJECT_ROOT;
  const source = findApp(root, opts.app);
  const env = chooseEnv(source, opts.env, hasValues(opts.values));
  const mod = await loadApp(source, root, [env]);
  return synthesizeEnv(source, mod, { ...opts, env, releaseKey: await opts.releaseKey });
}

export function hasValues(values: SynthOptions['values']): boolean {
  return Boolean(values && (values.files.length > 0 || values.set.length > 0 || values.config !== undefined));
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
): Promise<{ config: unknown; publicConfig: unknown; origins?: ReadonlyMap<string, string> }> {
  const { extractSchema } = await import('../config/schema.js');
  const { hashSecretValues } = await import('../config/secrets.js');
  const schema = extractSchema(source.index);
  mark('schema');
  let merged = base;
  let origins;
  if (hasValues(values)) {
    const { loadValuesWithOrigins, mergeValues } = await import('../config/values.js');
    const overlay = loadValuesWithOrigins({ files: values!.files, set: values!.set });
    // The overlay was read for this call only: its values need no copy.
    merged = mergeValues((base ?? {}) as Record<string, unknown>, overlay.values, { adopt: true });
    if (values!.config) merged = mergeValues(merged as Record<string, unknown>, { ...values!.config });
    origins = overlay.origins;
  }
  // Validating the same config against the same schema again cannot give another answer; skipping it
  // also skips loading ajv, a good part of a small synth's start-up.
  const { FileCache, findProjectRoot } = await import('../config/file-cache.js');
  const projectRoot = findProjectRoot(source.dir);
  // The text of JSON.stringify([schema, merged]), with the config's part kept for the validation's scalar check.
  const mergedJson = JSON.stringify(merged) ?? 'null';
  const validated = new FileCache<true>(projectRoot, 'validated', sha256(`[${JSON.stringify(schema)},${mergedJson}]`));
  const subject = join(source.dir, `${env}.validated`);
  if (!validated.get(subject)) {
    const { validateValues } = await import('../config/validate.js');
    const envFile = source.envs.includes(env) ? [relative(process.cwd(), join(source.dir, 'env', `${env}.ts`))] : [];
    validateValues(schema, merged, {
      source: [...envFile, ...(values?.files ?? []), ...(values?.set.length ? ['--set'] : []), ...(values?.config ? ['the form'] : [])].join(', '),
      origins,
      app: source.name,
      extractedSchema: true,
      cacheRoot: projectRoot,
      json: mergedJson,
    });
    validated.set(subject, [], true);
  }
  mark('validated');
  return { config: merged, publicConfig: hashSecretValues(schema, merged), origins };
}
