/**
 * Reading template packages from npm-protocol registries — the one implementation every command uses (search, info,
 * add, outdated, publish's preflight, deploy's resolve): package documents (packuments) cached by ETag, the scope
 * listing of the search API, version choice by semver range or dist-tag, tarballs checked against `dist.integrity`
 * before anything else sees them. Errors name the package, the registry and what to do: unknown package, no matching
 * version, unreachable registry (http.ts), missing or refused credentials (`refusal`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { UserError } from '../errors.js';
import { parseTemplateManifest, type TemplateManifest } from '../model/template-manifest.js';
import { registryMessage, registryRequest, type RegistryResponse } from './http.js';
import type { NpmConfig } from './npmrc.js';
import { packumentCacheDir } from './paths.js';

export interface PackumentVersion {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly berth?: unknown;
  readonly dist?: { readonly tarball?: string; readonly integrity?: string; readonly shasum?: string };
  readonly [key: string]: unknown;
}

export interface Packument {
  readonly name: string;
  readonly description?: string;
  readonly 'dist-tags': Record<string, string>;
  readonly versions: Record<string, PackumentVersion>;
  readonly time?: Record<string, string>;
}

export interface RegistryContext {
  readonly npm: NpmConfig;
  /** Where packuments are cached by ETag. @default packumentCacheDir(): ~/.cache/berth/registry-cache */
  readonly cacheDir?: string;
}

/** `@acme/redis` → `http://host/@acme%2fredis` (the form npm itself requests). */
export function packumentUrl(registry: string, name: string): string {
  return `${registry}${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
}

/** A refused request as the user can act on it. */
export function refusal(res: RegistryResponse, what: string, registry: string, hasToken: boolean): UserError {
  if (res.status === 401 || res.status === 403) {
    return hasToken
      ? new UserError(`${what}: the registry ${registry} refused the token in .npmrc (${registryMessage(res)}): bad or expired credentials`, {
          hint: `log in again: \`berth registry login\` for the local registry, else \`npm login --registry ${registry}\``,
        })
      : new UserError(`${what}: not logged in to ${registry} (${registryMessage(res)})`, {
          hint: `add a token for it to .npmrc: \`berth registry login\` for the local registry, else \`npm login --registry ${registry}\``,
        });
  }
  return new UserError(`${what}: the registry ${registry} answered ${registryMessage(res)}`);
}

interface CachedPackument {
  readonly etag: string;
  readonly packument: Packument;
}

function cacheFile(ctx: RegistryContext, registry: string, name: string): string {
  const host = new URL(registry).host.replace(/[^a-zA-Z0-9.-]/g, '_');
  return join(ctx.cacheDir ?? packumentCacheDir(), host, `${name.replace('/', '__')}.json`);
}

/** The full package document of `name` (the `berth` field is not in the abbreviated form), revalidated by ETag. */
export async function fetchPackument(name: string, ctx: RegistryContext): Promise<{ packument: Packument; registry: string; cached: boolean }> {
  const registry = ctx.npm.registryFor(name);
  const token = ctx.npm.tokenFor(registry);
  const file = cacheFile(ctx, registry, name);
  let cached: CachedPackument | undefined;
  try {
    cached = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CachedPackument) : undefined;
  } catch {
    cached = undefined;
  }
  const res = await registryRequest(packumentUrl(registry, name), { token, headers: cached ? { 'if-none-match': cached.etag } : {} });
  if (res.status === 304 && cached) return { packument: cached.packument, registry, cached: true };
  if (res.status === 404) {
    throw new UserError(`no package ${name} in the registry ${registry}`, {
      hint: `check the name (\`berth template search\` lists the templates of your scopes)${name.startsWith('@') ? ` and the registry of ${name.split('/')[0]} in .npmrc` : ''}`,
    });
  }
  if (res.status !== 200) throw refusal(res, `reading ${name}`, registry, token !== undefined);
  const packument = res.json<Packument>();
  const etag = res.headers.get('etag');
  if (etag) {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ etag, packument } satisfies CachedPackument));
    renameSync(tmp, file);
  }
  return { packument, registry, cached: false };
}

/** `@acme/redis@^1.2` → name and range (a range, a version or a dist-tag; none means `latest`). */
export function parsePackageSpec(spec: string): { name: string; range?: string } {
  const at = spec.indexOf('@', 1);
  const name = at < 0 ? spec : spec.slice(0, at);
  const range = at < 0 ? undefined : spec.slice(at + 1);
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || range === '') {
    throw new UserError(`'${spec}' is not a package name with an optional version range`, { hint: 'for example @berth/redis, @berth/redis@^1 or @berth/redis@1.2.0' });
  }
  if (range !== undefined && semver.validRange(range) === null && !/^[a-z][a-z0-9._-]*$/i.test(range)) {
    throw new UserError(`'${range}' in '${spec}' is neither a semver range nor a dist-tag`, { hint: 'for example ^1, ~1.2, 1.2.3 or latest' });
  }
  return { name, range };
}

/** The version a range or dist-tag picks (none: `latest`): the highest match, or a clear error naming what exists. */
export function pickVersion(packument: Packument, range: string | undefined, registry: string): string {
  const tags = packument['dist-tags'] ?? {};
  const versions = Object.keys(packument.versions ?? {}).filter((v) => semver.valid(v));
  const wanted = range ?? 'latest';
  const tagged = tags[wanted];
  if (tagged && packument.versions[tagged]) return tagged;
  const picked = semver.validRange(wanted) === null ? null : semver.maxSatisfying(versions, wanted);
  if (picked) return picked;
  const newest = semver.rsort([...versions]).slice(0, 5);
  const tagList = Object.entries(tags).map(([t, v]) => `${t}=${v}`);
  throw new UserError(`no version of ${packument.name} matches '${wanted}' in ${registry}`, {
    hint: newest.length
      ? `newest versions: ${newest.join(', ')}${versions.length > 5 ? ` (of ${versions.length})` : ''}${tagList.length ? `; dist-tags: ${tagList.join(', ')}` : ''}`
      : `${packument.name} has no published version`,
  });
}

/** The version of `name` a range or dist-tag picks, with its package document and the registry it came from. */
export async function fetchVersion(name: string, range: string | undefined, ctx: RegistryContext): Promise<{ packument: Packument; registry: string; version: string; meta: PackumentVersion }> {
  const { packument, registry } = await fetchPackument(name, ctx);
  const version = pickVersion(packument, range, registry);
  return { packument, registry, version, meta: packument.versions[version]! };
}

/** The integrity a version's tarball must have: `dist.integrity`, else the sha1 `shasum` of registries that record no more. */
export function expectedIntegrity(v: PackumentVersion): string | undefined {
  const dist = v.dist ?? {};
  return dist.integrity ?? (dist.shasum ? `sha1-${Buffer.from(dist.shasum, 'hex').toString('base64')}` : undefined);
}

/** The `berth` field of one version, checked. */
export function templateManifestOf(v: PackumentVersion): TemplateManifest {
  return parseTemplateManifest(v.berth, `${v.name}@${v.version}`);
}

/** Names of the packages of `scope` in its registry (the search API matches names and scopes everywhere). */
export async function listScope(scope: string, ctx: RegistryContext): Promise<{ registry: string; names: string[] }> {
  const registry = ctx.npm.registryFor(`${scope}/x`);
  const token = ctx.npm.tokenFor(registry);
  const names: string[] = [];
  const size = 250;
  for (let from = 0; ; from += size) {
    const res = await registryRequest(`${registry}-/v1/search?text=${encodeURIComponent(scope)}&size=${size}&from=${from}`, { token });
    if (res.status !== 200) throw refusal(res, `searching ${scope}`, registry, token !== undefined);
    const body = res.json<{ objects?: Array<{ package?: { name?: string } }>; total?: number }>();
    const page = (body.objects ?? []).map((o) => o.package?.name).filter((n): n is string => typeof n === 'string');
    names.push(...page.filter((n) => n.startsWith(`${scope}/`)));
    if (page.length < size) break;
  }
  return { registry, names: [...new Set(names)].sort() };
}

/**
 * Downloads a version's tarball and checks it against the packument's `dist.integrity` (sha512; `shasum` only when a
 * registry records nothing else) before anyone sees a byte: a deploy extracts it only after this, and `add` checks
 * it before npm, because a tarball already in npm's cache (every publish puts one there) is never downloaded again,
 * so a tarball changed in the registry afterwards would go unnoticed by npm on this machine and break on the next.
 */
export async function fetchTarball(v: PackumentVersion, ctx: RegistryContext): Promise<{ tarball: Buffer; integrity: string }> {
  const id = `${v.name}@${v.version}`;
  const registry = ctx.npm.registryFor(v.name);
  const dist = v.dist ?? {};
  const expected = expectedIntegrity(v);
  if (!expected || !dist.tarball) {
    throw new UserError(`${id} in ${registry} has no dist.tarball or dist.integrity in its package document`, { hint: 'the registry does not record its integrity: republish it with npm publish' });
  }
  const res = await registryRequest(dist.tarball, { token: tarballToken(dist.tarball, registry, ctx.npm), headers: { accept: '*/*' }, timeoutMs: 60_000 });
  if (res.status !== 200) throw refusal(res, `downloading ${id}`, registry, ctx.npm.tokenFor(registry) !== undefined);
  const tarball = res.body;
  return { tarball, integrity: checkIntegrity(tarball, expected, id) };
}

/** The token for a tarball URL: its own `_authToken` line, else the registry's when it is on the registry's host (as npm does). */
function tarballToken(url: string, registry: string, npm: NpmConfig): string | undefined {
  const own = npm.tokenFor(url);
  if (own) return own;
  try {
    return new URL(url).host === new URL(registry).host ? npm.tokenFor(registry) : undefined;
  } catch {
    return undefined;
  }
}

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
