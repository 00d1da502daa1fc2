import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigSchema, JsonSchema } from '../config/json-schema.js';
import { SECRET_KEYWORD } from '../config/json-schema.js';
import { listSecretPaths } from '../config/secrets.js';
import { findProblems, hideSecretValues, validateValues } from '../config/validate.js';
import { mergeValues, type Values } from '../config/values.js';
import type { DeployContext, ProgressReporter } from '../deploy/context.js';
import { openContext } from '../deploy/setup.js';
import { UserError } from '../errors.js';
import { publicConfigChanges } from '../model/config-diff.js';
import type { ManifestSet } from '../model/manifest-set.js';
import { namespaceProblem, releaseNameProblem } from '../model/names.js';
import { conflictLine, type Plan } from '../model/plan.js';
import { isSecretDigest, isSecretPath } from '../model/secrets.js';
import { isSecret, recoverSecretValues } from '../model/secret-data.js';
import { configBase } from '../registry/template-release.js';
import { resolveTemplate } from '../registry/resolve.js';
import { readReleaseKey, type ReleaseKey } from '../release/key.js';
import { getValuesAction } from '../release/queries.js';
import { schemaOfApp } from '../synth/app-schema.js';
import { findApp, listApps } from '../synth/apps.js';
import { chooseEnv, loadApp, synthesize } from '../synth/synthesize.js';
import { loadTemplate, synthesizeTemplate, templateSchema, type TemplatePackage } from '../synth/template.js';
import { isPlainObject } from '../util/object.js';
import type { DeployRequest, DeploySource, FieldError, PlanView, SchemaView, SourceList } from './api-types.js';
import { isMaskedSecret, maskConfig } from './mask.js';
import { HttpError } from './http-error.js';
import type { UiState } from './state.js';

/**
 * The deploy form's server side: what can be deployed, its config schema and starting values, validation with the
 * CLI's validator and messages, and loading a release to plan or deploy it — the same synth, config and registry
 * functions `berth deploy` calls.
 */

/** Apps under apps/ and the template packages the project depends on (installed in node_modules). */
export function sourceList(root: string): SourceList {
  const apps = listApps(root).map((a) => ({ name: a.name, envs: [...a.envs] }));
  const templates: SourceList['templates'][number][] = [];
  const pkgFile = join(root, 'package.json');
  const pkg = existsSync(pkgFile) ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }) : {};
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).sort()) {
    const installed = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) continue;
    const p = JSON.parse(readFileSync(installed, 'utf8')) as { version: string; description?: string; berth?: unknown };
    if (p.berth) templates.push({ name, version: p.version, ...(p.description ? { description: p.description } : {}) });
  }
  return { apps, templates };
}

export function parseSource(raw: unknown): DeploySource {
  if (isPlainObject(raw) && typeof raw.app === 'string' && raw.app !== '') {
    if (raw.env !== undefined && typeof raw.env !== 'string') throw new UserError(`source.env must be a string, got ${JSON.stringify(raw.env)}`);
    // Only names under apps/: a path would let a request load any directory of the machine as an app.
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(raw.app)) throw new UserError(`source.app '${raw.app}' is not an app name under apps/`, { hint: 'GET /api/sources lists them' });
    return { app: raw.app, ...(raw.env ? { env: raw.env } : {}) };
  }
  if (isPlainObject(raw) && typeof raw.template === 'string' && raw.template !== '') {
    if (!raw.template.startsWith('@') && !/^[a-z0-9][a-z0-9._-]*(@.+)?$/i.test(raw.template)) {
      throw new UserError(`source.template '${raw.template}' is not a package spec`, { hint: 'for example @berth/redis@^1 (GET /api/catalog lists them)' });
    }
    return { template: raw.template };
  }
  throw new UserError('source must be { "app": "<name>", "env"?: "<env>" } or { "template": "<package spec>" }');
}

/** The schema with secret fields marked as a form library reads them (`writeOnly`, `format: password`). */
export function formSchema(schema: JsonSchema): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    const out = Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]));
    return v[SECRET_KEYWORD] === true ? { ...out, writeOnly: true, format: 'password' } : out;
  };
  return walk(schema) as Record<string, unknown>;
}

interface Loaded {
  readonly schema: ConfigSchema;
  /** The config the form's values go onto (the env module's, or the template's defaults). */
  readonly base: Values;
  readonly label: string;
  readonly hint: string;
  readonly template?: TemplatePackage;
}

async function loadSource(source: DeploySource, root: string): Promise<Loaded> {
  if ('app' in source) {
    const app = findApp(root, source.app);
    const env = chooseEnv(app, source.env, false);
    const mod = await loadApp(app, root, [env]);
    const base = (mod.envs[env] ?? {}) as Values;
    return { schema: schemaOfApp(app.index, root), base, label: `${app.name} env ${env}`, hint: `run \`berth schema ${app.name}\` to list every field with its type and default` };
  }
  const pkg = await resolveTemplate(source.template, { cwd: root });
  return {
    schema: templateSchema(pkg),
    base: pkg.berth.defaults,
    label: `${pkg.name}@${pkg.version} defaults`,
    hint: `run \`berth template info ${pkg.name}@${pkg.version}\` to list every field with its type and default`,
    template: pkg,
  };
}

export async function schemaView(state: UiState, query: URLSearchParams): Promise<SchemaView> {
  const source = parseSource({ app: query.get('app') ?? undefined, env: query.get('env') || undefined, template: query.get('template') ?? undefined });
  const loaded = await loadSource(source, state.options.root);
  const secretPaths = listSecretPaths(loaded.schema);
  const namespace = query.get('namespace');
  const release = query.get('release');
  let values: unknown = loaded.base;
  if (namespace && release) {
    const { store } = await state.store(query.get('context') || undefined, checkedNamespace(namespace));
    values = (await getValuesAction(store, checkedRelease(release))).values;
  }
  return { schema: formSchema(loaded.schema), values: maskConfig(values, secretPaths) };
}

/**
 * The form's values without the secrets it did not change: a masked placeholder, or a secret field left `null`, keeps
 * the value underneath (the env module's, or for a template release its live Secret's).
 */
export function withoutUnchangedSecrets(values: unknown, secretPaths: readonly string[]): unknown {
  const walk = (v: unknown, path: string): unknown => {
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (isMaskedSecret(child) || (child === null && isSecretPath(p, secretPaths))) continue;
      out[k] = walk(child, p);
    }
    return out;
  };
  return walk(values, '');
}

function checkValues(raw: unknown): Values {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw new UserError(`values must be an object (the config), got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  return raw;
}

/** Every problem of the values with its path, the validator and messages of `berth deploy`; plus its headline. */
async function problemsOf(loaded: Loaded, values: Values): Promise<{ fields: FieldError[]; message?: string; hint?: string }> {
  const secretPaths = listSecretPaths(loaded.schema);
  const config = mergeValues(loaded.base, withoutUnchangedSecrets(values, secretPaths) as Values);
  // The validator hides secret values in its messages; its last guard runs here too, as for its CLI lines.
  const fields = findProblems(loaded.schema, config).map((p) => ({ path: p.at, message: hideSecretValues(p.message, config, secretPaths) }));
  if (fields.length === 0) return { fields };
  try {
    validateValues(loaded.schema, config, { source: `${loaded.label}, the form`, hint: loaded.hint });
  } catch (err) {
    if (err instanceof UserError) return { fields, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    throw err;
  }
  return { fields };
}

export async function validate(state: UiState, body: unknown): Promise<{ fields: FieldError[] }> {
  const b = isPlainObject(body) ? body : {};
  let loaded = await loadSource(parseSource(b.source), state.options.root);
  if (loaded.template && b.release !== undefined && b.namespace !== undefined) {
    // An upgrade of a template release starts from its recorded config, secrets from its live Secrets: as the deploy.
    const release = checkedRelease(b.release);
    const { client, store } = await state.store(typeof b.context === 'string' && b.context ? b.context : undefined, checkedNamespace(b.namespace));
    const { key } = await readReleaseKey(client, store.namespace, release);
    const base = await configBase({ client, store }, loaded.template, { release, key, values: { files: [], set: [] } });
    loaded = { ...loaded, base: base.base, label: base.source };
  }
  return { fields: (await problemsOf(loaded, checkValues(b.values))).fields };
}

function checkedNamespace(ns: unknown): string {
  const name = typeof ns === 'string' ? ns : '';
  const problem = namespaceProblem(name);
  if (problem) throw new UserError(`namespace '${name}' ${problem}`);
  return name;
}

function checkedRelease(r: unknown): string {
  const name = typeof r === 'string' ? r : '';
  const problem = releaseNameProblem(name);
  if (problem) throw new UserError(`release name '${name}' ${problem}`);
  return name;
}

export interface LoadedRelease {
  readonly ctx: DeployContext & { namespace: string };
  readonly set: ManifestSet;
  readonly releaseKey: ReleaseKey;
}

/**
 * A release ready to plan or deploy, as `berth deploy` loads one: the form's values over the env
 * module (or over the template release's config base; in memory, never in a file), the release key read, synth. Bad values are a 400 with every
 * field's problem, before anything touches the cluster.
 */
export async function loadRelease(state: UiState, body: unknown, progress: ProgressReporter, options: { dryRun: boolean; signal?: AbortSignal }): Promise<LoadedRelease> {
  const b = (isPlainObject(body) ? body : {}) as Partial<DeployRequest> & Record<string, unknown>;
  const source = parseSource(b.source);
  const release = checkedRelease(b.release);
  const namespace = checkedNamespace(b.namespace);
  const values = checkValues(b.values);
  const loaded = await loadSource(source, state.options.root);
  const problems = await problemsOf(loaded, values);
  // A template release keeps its recorded config: its problems are checked by synth over that base below.
  if (problems.fields.length > 0 && !loaded.template) {
    throw new HttpError(400, { message: problems.message ?? 'the values do not match the config type', ...(problems.hint ? { hint: problems.hint } : {}), fields: problems.fields });
  }
  const ctx = await openContext({ kubeconfig: state.options.kubeconfig, context: typeof b.context === 'string' && b.context ? b.context : state.options.context, namespace, progress, signal: options.signal });
  const releaseKey = await readReleaseKey(ctx.client, namespace, release);
  // Like the CLI: a preview of a release with no key yet renders no secret hash (a made-up key would differ each time).
  const key = releaseKey.stored || !options.dryRun ? releaseKey.key : undefined;
  const secretPaths = listSecretPaths(loaded.schema);
  const given = withoutUnchangedSecrets(values, secretPaths) as Values;
  let set: ManifestSet;
  if (loaded.template) {
    const t = await loadTemplate(loaded.template);
    // A template release's recorded config, its secrets from the live Secrets, is the base (as `berth deploy` does).
    const base = await configBase(ctx, loaded.template, { release, key: releaseKey.key, values: { files: [], set: [] } });
    set = await synthesizeTemplate(t, { release, namespace, values: { files: [], set: [], config: given }, base: base.base, baseSource: base.source, releaseKey: key });
  } else {
    const app = (source as { app: string; env?: string }).app;
    const kept = await liveSecretValues(ctx, release, app, releaseKey.key);
    set = await synthesize({ app, env: (source as { env?: string }).env, release, namespace, values: { files: [], set: [], config: mergeValues(kept, given) }, root: state.options.root, releaseKey: key });
  }
  return { ctx, set, releaseKey };
}

/**
 * The secret values an app release runs with, from its live Secrets (the revision keeps only their digests; see
 * `recoverSecretValues`): a secret field the form leaves blank keeps the release's value, not the env module's.
 * Only the secret leaves, and only when the release runs the same app.
 */
async function liveSecretValues(ctx: DeployContext, release: string, app: string, key: Buffer): Promise<Values> {
  const latest = await ctx.store.latest(release);
  if (!latest || latest.app !== app || latest.status === 'uninstalled') return {};
  const rev = (await ctx.store.lastDeployed(release)) ?? (await ctx.store.get(release, latest.revision));
  const live = (await Promise.all(rev.manifests.filter(isSecret).map((o) => ctx.client.read(o)))).filter((o) => o !== undefined);
  const recovered = recoverSecretValues(rev.values, live, key).values;
  const onlySecrets = (recorded: unknown, value: unknown): unknown => {
    if (isSecretDigest(recorded)) return value;
    if (!isPlainObject(recorded) || !isPlainObject(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(recorded)) {
      const kept = onlySecrets(child, value[k]);
      if (kept !== undefined && (!isPlainObject(kept) || Object.keys(kept).length > 0)) out[k] = kept;
    }
    return out;
  };
  return (onlySecrets(rev.values, recovered) as Values | undefined) ?? {};
}

/** A plan as the API shows it: config changes first (secret ones without values), then objects. */
export function planView(p: Plan): PlanView {
  return {
    release: p.release,
    namespace: p.namespace,
    config: publicConfigChanges(p.config),
    changes: p.changes.map((c) => ({ object: c.ref, ...(c.service ? { service: c.service } : {}), action: c.action, ...(c.diff ? { diff: c.diff } : {}) })),
    summary: { create: p.summary.create, update: p.summary.update, delete: p.summary.delete, unchanged: p.summary.unchanged },
    refusals: p.conflicts.map(conflictLine),
  };
}
