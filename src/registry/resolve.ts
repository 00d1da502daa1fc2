/**
 * A template spec → the package on disk: `@scope/name`, `@scope/name@^1`, `name@1.2.3`, or a path to a `.tgz` or to
 * a built template package. Inside a project whose package-lock.json has the package, the locked version in
 * node_modules is used (its integrity from the lockfile), as `npm ci` would install it. Otherwise the registry from
 * .npmrc: the package document (with the token), the newest version in the range, the tarball checked against the
 * registry's `dist.integrity` before anything is extracted, then extracted into
 * `~/.cache/berth/templates/<name>/<version>/` by an atomic rename and reused while its recorded integrity matches.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import semver from 'semver';
import { x as extractTar } from 'tar';
import { UserError } from '../errors.js';
import { cacheRoot } from '../cluster/paths.js';
import { readTemplatePackage, type TemplatePackage } from '../synth/template.js';
import { loadNpmConfig, type NpmConfig } from './npmrc.js';

/** What a spec names: a package and a range (`latest` when none was given), or a file or directory. */
export type TemplateSpec = { readonly kind: 'package'; readonly name: string; readonly range?: string } | { readonly kind: 'path'; readonly path: string };

const NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/**
 * True when a deploy argument names a template rather than an app: a scoped name, `name@range`, or a `.tgz`.
 * (A bare name is an app under apps/ unless the project depends on a template of that name: the caller decides.)
 */
export function isTemplateSpec(arg: string): boolean {
  return arg.startsWith('@') || /^[a-z0-9][a-z0-9._~-]*@/.test(arg) || arg.endsWith('.tgz');
}

export function parseTemplateSpec(spec: string): TemplateSpec {
  if (spec.endsWith('.tgz') || spec.startsWith('.') || isAbsolute(spec) || (!spec.startsWith('@') && spec.includes('/'))) {
    return { kind: 'path', path: resolve(spec) };
  }
  const at = spec.indexOf('@', 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? undefined : spec.slice(at + 1);
  if (!NAME.test(name)) {
    throw new UserError(`'${spec}' is not a template name: expected @scope/name, @scope/name@<range> or name@<range>`, {
      hint: 'e.g. @berth/postgresql@^1 (package names are lower case)',
    });
  }
  if (range !== undefined && range !== '' && semver.validRange(range) === null && !/^[a-z][a-z0-9._-]*$/i.test(range)) {
    throw new UserError(`'${range}' in ${spec} is neither a semver range nor a dist-tag`, { hint: 'e.g. 1.2.3, ^1, ~1.2 or latest' });
  }
  return { kind: 'package', name, range: range === '' ? undefined : range };
}

export interface ResolveOptions {
  /** Where the project (package.json, package-lock.json, .npmrc) is looked for. */
  readonly cwd: string;
  /** @default the project's lockfile wins when it has the package */
  readonly ignoreLockfile?: boolean;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default `${cacheRoot()}/templates` */
  readonly cacheDir?: string;
  readonly npmConfig?: NpmConfig;
}

/** Where a resolved template came from. */
export type TemplateOrigin = 'lockfile' | 'registry' | 'cache' | 'path';

export interface ResolvedTemplate extends TemplatePackage {
  readonly origin: TemplateOrigin;
  /** The registry it was fetched from (origin registry / cache). */
  readonly registry?: string;
}

/** Resolves a spec to a template package on disk (see the module comment for the order). */
export async function resolveTemplate(spec: string | TemplateSpec, options: ResolveOptions): Promise<ResolvedTemplate> {
  const parsed = typeof spec === 'string' ? parseTemplateSpec(spec) : spec;
  if (parsed.kind === 'path') return resolvePath(parsed.path, options);
  if (!options.ignoreLockfile) {
    const locked = lockedTemplate(parsed.name, parsed.range, options.cwd);
    if (locked) return locked;
  }
  return fetchTemplate(parsed.name, parsed.range ?? 'latest', options);
}

/** The package document of `name` from its registry (versions with their package.json, dist-tags). */
export interface Packument {
  readonly name: string;
  readonly 'dist-tags'?: Record<string, string>;
  readonly versions: Record<string, { version: string; dist?: { tarball?: string; integrity?: string; shasum?: string }; berth?: unknown; [k: string]: unknown }>;
}

/** Fetches the package document of `name` (the full one: the `berth` field is not in the abbreviated form). */
export async function fetchPackument(name: string, options: Pick<ResolveOptions, 'cwd' | 'env' | 'npmConfig'>): Promise<{ packument: Packument; registry: string }> {
  const config = options.npmConfig ?? loadNpmConfig(options.cwd, options.env);
  const registry = config.registryFor(name);
  const url = `${registry}${name.replace('/', '%2f')}`;
  const res = await request(url, name, registry, config.tokenFor(registry), 'application/json');
  if (res.status === 404) {
    throw new UserError(`no template ${name} in the registry ${registry}`, {
      hint: `check the name (berth template search <word>)${name.startsWith('@') ? ` and the registry of ${name.split('/')[0]} in .npmrc` : ''}`,
    });
  }
  await refuseStatus(res, `the package document of ${name}`, registry);
  return { packument: (await res.json()) as Packument, registry };
}

/** The newest version of the packument matching `range` (a semver range or a dist-tag). */
export function pickVersion(packument: Packument, range: string, registry: string): string {
  const versions = Object.keys(packument.versions ?? {});
  const tagged = packument['dist-tags']?.[range];
  const picked = tagged ?? semver.maxSatisfying(versions, range);
  if (picked && packument.versions[picked]) return picked;
  const newest = semver.rsort(versions.filter((v) => semver.valid(v))).slice(0, 5);
  throw new UserError(`no version of ${packument.name} matches ${range} in ${registry}`, {
    hint: newest.length ? `newest versions: ${newest.join(', ')}` : `${packument.name} has no published version`,
  });
}

async function fetchTemplate(name: string, range: string, options: ResolveOptions): Promise<ResolvedTemplate> {
  const config = options.npmConfig ?? loadNpmConfig(options.cwd, options.env);
  const { packument, registry } = await fetchPackument(name, { ...options, npmConfig: config });
  const version = pickVersion(packument, range, registry);
  const dist = packument.versions[version]!.dist ?? {};
  const expected = dist.integrity ?? (dist.shasum ? `sha1-${Buffer.from(dist.shasum, 'hex').toString('base64')}` : undefined);
  if (!dist.tarball || !expected) {
    throw new UserError(`${name}@${version} in ${registry} has no tarball or integrity in its package document`, { hint: 'republish it with npm publish' });
  }
  const dir = join(options.cacheDir ?? join(cacheRoot(options.env), 'templates'), name, version);
  const marker = join(dir, INTEGRITY_FILE);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === expected) {
    return { ...readTemplatePackage(dir, expected), origin: 'cache', registry };
  }
  const res = await request(dist.tarball, `${name}@${version}`, registry, config.tokenFor(dist.tarball) ?? sameHostToken(dist.tarball, registry, config), '*/*');
  await refuseStatus(res, `the tarball of ${name}@${version}`, registry);
  const tarball = Buffer.from(await res.arrayBuffer());
  // Checked before a single byte is extracted: a tampered tarball never reaches the disk as files.
  const integrity = checkIntegrity(tarball, expected, `${name}@${version}`);
  await extractInto(tarball, dir, integrity);
  return { ...readTemplatePackage(dir, integrity), origin: 'registry', registry };
}

const INTEGRITY_FILE = '.berth-integrity';

/**
 * The sha512 SRI string of `tarball` when it matches one of `expected`'s hashes (an SRI list, as npm writes it);
 * else the refusal. Weaker algorithms count only when the registry gives nothing stronger.
 */
export function checkIntegrity(tarball: Buffer, expected: string, what: string): string {
  const sha512 = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const hashes = expected.trim().split(/\s+/).map((h) => h.replace(/\?.*$/, ''));
  const strongest = hashes.find((h) => h.startsWith('sha512-')) ?? hashes.find((h) => h.startsWith('sha384-')) ?? hashes[0]!;
  const [algorithm] = strongest.split('-', 1) as [string];
  const actual = algorithm === 'sha512' ? sha512 : `${algorithm}-${createHash(algorithm).update(tarball).digest('base64')}`;
  if (actual !== strongest) {
    throw new UserError(`tarball of ${what} does not match the registry's ${algorithm} ${strongest.slice(algorithm.length + 1)} (got ${actual.slice(algorithm.length + 1)}): refusing to use it`, {
      hint: 'the tarball was changed after it was published (or in transit); ask the registry owner, or publish a new version',
    });
  }
  return sha512;
}

/** Extracts a verified tarball (npm's `package/` prefix stripped) into `dir` through a rename, so no reader sees half of it. */
async function extractInto(tarball: Buffer, dir: string, integrity: string): Promise<void> {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    await pipeline(Readable.from([tarball]), extractTar({ cwd: tmp, strip: 1 }));
    writeFileSync(join(tmp, INTEGRITY_FILE), integrity);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another run extracted the same version in the meantime; the same integrity means the same files.
      if (!existsSync(join(dir, INTEGRITY_FILE)) || readFileSync(join(dir, INTEGRITY_FILE), 'utf8') !== integrity) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The token of the registry, for a tarball URL on the registry's host (npm sends it there too). */
function sameHostToken(tarballUrl: string, registry: string, config: NpmConfig): string | undefined {
  try {
    return new URL(tarballUrl).host === new URL(registry).host ? config.tokenFor(registry) : undefined;
  } catch {
    return undefined;
  }
}

async function request(url: string, what: string, registry: string, token: string | undefined, accept: string): Promise<Response> {
  try {
    return await fetch(url, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    throw new UserError(`cannot reach the registry ${registry} (fetching ${what}): ${why}`, {
      hint: 'check the registry URL in .npmrc (or npm_config_registry); for the local registry run `berth registry up`',
    });
  }
}

async function refuseStatus(res: Response, what: string, registry: string): Promise<void> {
  if (res.ok) return;
  if (res.status === 401 || res.status === 403) {
    throw new UserError(`the registry ${registry} refused ${what}: ${res.status} ${res.status === 401 ? 'not logged in' : 'not allowed'}`, {
      hint: `log in (npm login --registry ${registry}) or set //${new URL(registry).host}/:_authToken in .npmrc`,
    });
  }
  const body = (await res.text().catch(() => '')).slice(0, 200);
  throw new UserError(`the registry ${registry} answered ${res.status} ${res.statusText} for ${what}${body ? `: ${body}` : ''}`, {
    hint: 'try again; if it persists, check the registry',
  });
}

/**
 * The package as the project's lockfile has it installed, or undefined when the project does not lock it. A locked
 * version outside the requested range is an error: using either silently would surprise someone.
 */
export function lockedTemplate(name: string, range: string | undefined, cwd: string): ResolvedTemplate | undefined {
  const root = projectWithLockfile(cwd);
  if (!root) return undefined;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages?: Record<string, { version?: string; integrity?: string }> };
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version) return undefined;
  const where = join(root, 'package-lock.json');
  if (range !== undefined && !(semver.validRange(range) && semver.satisfies(entry.version, range))) {
    throw new UserError(`${where} locks ${name}@${entry.version}, which is not ${range}`, {
      hint: `deploy ${name}@${entry.version}, or update the project's dependency first (berth template update ${name})`,
    });
  }
  const dir = join(root, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) {
    throw new UserError(`${where} locks ${name}@${entry.version} but ${dir} is not installed`, { hint: 'run npm ci (or npm install) in the project' });
  }
  const pkg = readTemplatePackage(dir, entry.integrity);
  if (pkg.version !== entry.version) {
    throw new UserError(`${dir} holds ${name}@${pkg.version}, but ${where} locks ${entry.version}`, { hint: 'run npm ci in the project' });
  }
  return { ...pkg, origin: 'lockfile' };
}

function projectWithLockfile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return existsSync(join(dir, 'package-lock.json')) ? dir : undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function resolvePath(path: string, options: ResolveOptions): Promise<ResolvedTemplate> {
  if (!existsSync(path)) throw new UserError(`no template at ${path}`, { hint: 'name a .tgz made by npm pack, a template package directory, or @scope/name@range' });
  if (statSync(path).isDirectory()) return { ...readTemplatePackage(path, undefined), origin: 'path' };
  const tarball = readFileSync(path);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const tmp = join(options.cacheDir ?? join(cacheRoot(options.env), 'templates'), '.tgz', createHash('sha256').update(tarball).digest('hex').slice(0, 32));
  if (!existsSync(join(tmp, INTEGRITY_FILE))) await extractInto(tarball, tmp, integrity);
  return { ...readTemplatePackage(tmp, integrity), origin: 'path' };
}
