/**
 * Templates as ordinary dependencies of a project: `berth template add|update|outdated` check what they can with the
 * registry first (clear errors: unknown package, no such version, not a template) and leave installing to npm, so
 * package.json, package-lock.json and the sha512 integrity check are exactly npm's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { UserError } from '../errors.js';
import { execFile, tailLines } from '../cluster/exec.js';
import { engineAdmits } from '../model/template-manifest.js';
import { berthPackageVersion } from './package.js';
import { fetchPackument, parsePackageSpec, pickVersion, templateManifestOf, verifyTarball, type RegistryContext } from './client.js';

/** The project: the nearest directory at or above `cwd` with a package.json. */
export function projectDir(cwd: string): string {
  let dir = cwd;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) {
      throw new UserError(`no package.json at or above ${cwd}: not inside a project`, { hint: 'run it in a project directory (npm init -y makes one)' });
    }
    dir = dirname(dir);
  }
  return dir;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

interface ProjectPackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Lockfile {
  packages?: Record<string, { version?: string; integrity?: string; resolved?: string }>;
}

/** npm's own failure text, for errors: an integrity mismatch keeps npm's EINTEGRITY words. */
function npmFailure(what: string, res: { code: number; stdout: string; stderr: string }): UserError {
  const out = tailLines(`${res.stderr}\n${res.stdout}`, 12);
  if (/EINTEGRITY|integrity checksum failed|sha512-/i.test(out)) {
    return new UserError(`${what}: the tarball does not match the integrity (sha512) the registry published for it; npm refused it:\n${out}`, {
      hint: 'the package was changed after publishing (or the download corrupted); do not use it: tell the registry owner',
    });
  }
  return new UserError(`${what} failed (npm exited with ${res.code}):\n${out}`);
}

async function npm(args: readonly string[], dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFile('npm', ['--prefix', dir, ...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    env: { ...process.env, npm_config_update_notifier: 'false' },
    timeoutMs: 300_000,
  });
}

export interface InstalledTemplate {
  readonly name: string;
  /** The range recorded in package.json. */
  readonly range: string;
  readonly version: string;
  readonly integrity?: string;
}

function installed(dir: string, name: string): InstalledTemplate | undefined {
  const pkg = readJson<ProjectPackageJson>(join(dir, 'package.json'));
  const range = pkg?.dependencies?.[name] ?? pkg?.devDependencies?.[name];
  const lock = readJson<Lockfile>(join(dir, 'package-lock.json'))?.packages?.[`node_modules/${name}`];
  if (!range || !lock?.version) return undefined;
  return { name, range, version: lock.version, integrity: lock.integrity };
}

/**
 * `add <pkg>[@range]`: the version is checked to exist and to be a Berth template, then npm installs it (saved as
 * `^<version>` unless a range was given, as npm does). Peer dependencies are not installed: the template's
 * `berth` import is the running CLI's own lib, and npm would otherwise fetch a `berth` package from the default registry.
 */
export async function addTemplate(spec: string, ctx: RegistryContext & { cwd: string }): Promise<InstalledTemplate> {
  const dir = projectDir(ctx.cwd);
  const { name, range } = parsePackageSpec(spec);
  const { packument, registry } = await fetchPackument(name, ctx);
  const version = pickVersion(packument, range, registry);
  const manifest = templateManifestOf(packument.versions[version]!);
  const berth = berthPackageVersion();
  if (!engineAdmits(manifest, berth)) {
    throw new UserError(`${name}@${version} needs Berth ${manifest.engine}; this is Berth ${berth}`, {
      hint: `pick a version made for this Berth (berth template info ${name} lists them), or another Berth`,
    });
  }
  await verifyTarball(packument.versions[version]!, ctx);
  // A range is recorded as given; a dist-tag or nothing as npm records a version: `^<version>`.
  const target = range !== undefined && semver.validRange(range) !== null ? range : version;
  const res = await npm(['install', `${name}@${target}`, '--save', '--legacy-peer-deps'], dir);
  if (res.code !== 0) throw npmFailure(`installing ${name}@${version}`, res);
  const got = installed(dir, name);
  if (!got) throw new UserError(`npm installed ${name} but package-lock.json of ${dir} does not record it`);
  return got;
}

/** The template dependencies of a project: dependencies whose installed package.json has a `berth` field. */
export function templateDependencies(dir: string): InstalledTemplate[] {
  const pkg = readJson<ProjectPackageJson>(join(dir, 'package.json')) ?? {};
  const names = Object.keys({ ...pkg.devDependencies, ...pkg.dependencies }).sort();
  return names
    .filter((n) => readJson<{ berth?: unknown }>(join(dir, 'node_modules', n, 'package.json'))?.berth !== undefined)
    .map((n) => installed(dir, n))
    .filter((t): t is InstalledTemplate => t !== undefined);
}

export interface OutdatedRow {
  readonly name: string;
  readonly current: string;
  /** The highest version the package.json range admits. */
  readonly wanted: string;
  readonly latest: string;
  readonly range: string;
}

/** Pure: the outdated line of one dependency, or undefined when current is both wanted and latest. */
export function outdatedRow(dep: InstalledTemplate, versions: readonly string[], latest: string): OutdatedRow | undefined {
  const wanted = semver.maxSatisfying([...versions], dep.range) ?? dep.version;
  if (dep.version === wanted && dep.version === latest) return undefined;
  return { name: dep.name, current: dep.version, wanted, latest, range: dep.range };
}

/** `outdated`: the project's template dependencies with a newer wanted or latest version. */
export async function outdatedTemplates(ctx: RegistryContext & { cwd: string }): Promise<{ dir: string; checked: number; rows: OutdatedRow[] }> {
  const dir = projectDir(ctx.cwd);
  const deps = templateDependencies(dir);
  const rows: OutdatedRow[] = [];
  for (const dep of deps) {
    const { packument } = await fetchPackument(dep.name, ctx);
    const row = outdatedRow(dep, Object.keys(packument.versions), packument['dist-tags'].latest ?? dep.version);
    if (row) rows.push(row);
  }
  return { dir, checked: deps.length, rows };
}

/** `update [pkg]`: the wanted version of each template dependency (or the one named), through `npm update`. */
export async function updateTemplates(ctx: RegistryContext & { cwd: string; name?: string }): Promise<{ dir: string; updated: { name: string; from: string; to: string }[] }> {
  const dir = projectDir(ctx.cwd);
  const deps = templateDependencies(dir);
  const chosen = ctx.name ? deps.filter((d) => d.name === ctx.name) : deps;
  if (ctx.name && chosen.length === 0) {
    throw new UserError(`${ctx.name} is not a template dependency of ${dir}`, {
      hint: deps.length ? `template dependencies: ${deps.map((d) => d.name).join(', ')}` : `add it first: berth template add ${ctx.name}`,
    });
  }
  if (chosen.length === 0) return { dir, updated: [] };
  for (const dep of chosen) await fetchPackument(dep.name, ctx); // clear errors for an unreachable registry or a gone package
  const res = await npm(['update', ...chosen.map((d) => d.name), '--save', '--legacy-peer-deps'], dir);
  if (res.code !== 0) throw npmFailure(`updating ${chosen.map((d) => d.name).join(', ')}`, res);
  const updated = chosen
    .map((d) => ({ name: d.name, from: d.version, to: installed(dir, d.name)?.version ?? d.version }))
    .filter((u) => u.from !== u.to);
  return { dir, updated };
}
