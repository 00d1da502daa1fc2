/**
 * Reading template packages from npm-protocol registries: package documents (packuments) cached by ETag, the scope
 * listing of the search API, version choice by semver range or dist-tag. Errors name the package, the registry and
 * what to do: unknown package, no matching version, unreachable registry, refused credentials.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { UserError } from '../errors.js';
import { parseTemplateManifest, type TemplateManifest } from '../model/template-manifest.js';
import { registryMessage, registryRequest, unreachable, type RegistryResponse } from './http.js';
import type { NpmConfig } from './npmrc.js';
import { packumentCacheDir } from './paths.js';
import { checkIntegrity } from './resolve.js';

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
  /** Where packuments are cached by ETag. @default ~/.cache/berth/registry-cache */
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

/** The version a range or dist-tag picks: the highest match, or a clear error listing what exists. */
export function pickVersion(packument: Packument, range: string | undefined, registry: string): string {
  const tags = packument['dist-tags'] ?? {};
  const versions = Object.keys(packument.versions ?? {});
  const wanted = range ?? 'latest';
  const tagged = tags[wanted];
  if (tagged && packument.versions[tagged]) return tagged;
  const picked = semver.validRange(wanted) === null ? null : semver.maxSatisfying(versions, wanted);
  if (picked) return picked;
  throw new UserError(`no version of ${packument.name} matches '${wanted}' in ${registry}`, {
    hint: `published versions: ${versions.length ? semver.sort(versions).join(', ') : '(none)'}${Object.keys(tags).length ? `; dist-tags: ${Object.entries(tags).map(([t, v]) => `${t}=${v}`).join(', ')}` : ''}`,
  });
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
 * Downloads a version's tarball and checks it against the packument's `dist.integrity` (sha512) before npm sees it:
 * npm verifies too, but a tarball already in npm's cache (every publish puts one there) is never downloaded again,
 * so a tarball changed in the registry afterwards would go unnoticed on this machine and break on the next.
 */
export async function verifyTarball(v: PackumentVersion, ctx: RegistryContext): Promise<{ integrity: string; bytes: number }> {
  const id = `${v.name}@${v.version}`;
  const expected = v.dist?.integrity;
  const url = v.dist?.tarball;
  if (!expected || !url) {
    throw new UserError(`${id} has no dist.integrity or dist.tarball in its package document`, { hint: 'the registry does not record sha512 integrity: republish it' });
  }
  const registry = ctx.npm.registryFor(v.name);
  const token = ctx.npm.tokenFor(registry);
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw unreachable(url, err);
  }
  if (res.status !== 200) {
    throw new UserError(`downloading ${id} from ${registry} answered HTTP ${res.status}`, { hint: 'check the registry and the token in .npmrc' });
  }
  const tarball = Buffer.from(await res.arrayBuffer());
  // The words of a deploy's check (resolve.ts), so a tampered tarball reads the same wherever it is refused.
  const actual = checkIntegrity(tarball, expected, id);
  return { integrity: actual, bytes: tarball.length };
}
