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
import { expectedIntegrity, fetchTarball, fetchVersion, parsePackageSpec, type RegistryContext } from './client.js';
import { loadNpmConfig, type NpmConfig } from './npmrc.js';
import { packumentCacheDir } from './paths.js';

/** What a spec names: a package and a range (`latest` when none was given), or a file or directory. */
export type TemplateSpec = { readonly kind: 'package'; readonly name: string; readonly range?: string } | { readonly kind: 'path'; readonly path: string };

export function parseTemplateSpec(spec: string): TemplateSpec {
  if (spec.endsWith('.tgz') || spec.startsWith('.') || isAbsolute(spec) || (!spec.startsWith('@') && spec.includes('/'))) {
    return { kind: 'path', path: resolve(spec) };
  }
  return { kind: 'package', ...parsePackageSpec(spec) };
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
  return fetchTemplate(parsed.name, parsed.range, options);
}

/** The registry context of a resolve: its npm config, packuments cached by ETag as every other command caches them. */
export function registryContext(options: Pick<ResolveOptions, 'cwd' | 'env' | 'npmConfig'>): RegistryContext {
  return { npm: options.npmConfig ?? loadNpmConfig(options.cwd, options.env), cacheDir: packumentCacheDir(options.env) };
}

async function fetchTemplate(name: string, range: string | undefined, options: ResolveOptions): Promise<ResolvedTemplate> {
  const ctx = registryContext(options);
  const { registry, version, meta } = await fetchVersion(name, range, ctx);
  const expected = expectedIntegrity(meta);
  const dir = join(options.cacheDir ?? join(cacheRoot(options.env), 'templates'), name, version);
  const marker = join(dir, INTEGRITY_FILE);
  if (expected && existsSync(marker) && readFileSync(marker, 'utf8') === expected) {
    return { ...readTemplatePackage(dir, expected), origin: 'cache', registry };
  }
  // Checked before a single byte is extracted: a tampered tarball never reaches the disk as files.
  const { tarball, integrity } = await fetchTarball(meta, ctx);
  await extractInto(tarball, dir, integrity);
  return { ...readTemplatePackage(dir, integrity), origin: 'registry', registry };
}

const INTEGRITY_FILE = '.berth-integrity';

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
