/**
 * `berth template publish [dir]`: checks first (credentials, the version not yet published), then the build
 * (synth of every env, compile, `berth` field), then `npm publish` of the built package directory.
 *
 * `npm publish` rather than libnpmpublish: npm is wherever Node is, it packs by `files` exactly as `npm pack` does
 * (the tarball users get is the one npm would make), and it speaks every registry's publish quirks; libnpmpublish
 * would add pacote and npm-packlist to Berth's dependencies for the same result. It runs with a user config of just
 * the scope's registry and token, in a temp file (0600), so the token is never on a command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { execFile, tailLines } from '../cluster/exec.js';
import { fetchPackument, refusal, type RegistryContext } from './client.js';
import { registryRequest } from './http.js';
import { buildTemplatePackage, readSourcePackageJson } from './package.js';

export interface PublishResult {
  readonly name: string;
  readonly version: string;
  readonly registry: string;
  readonly integrity?: string;
  readonly envs: readonly string[];
  readonly files: readonly string[];
  readonly services: readonly { name: string; kind: string }[];
  readonly kinds: readonly string[];
  readonly seconds: number;
}

/** Refuses before any build: no token, a refused token, or a version that exists. */
async function preflight(name: string, version: string, ctx: RegistryContext): Promise<{ registry: string; token: string }> {
  const registry = ctx.npm.registryFor(name);
  const token = ctx.npm.tokenFor(registry);
  const scope = name.split('/')[0]!;
  if (!token) {
    throw new UserError(`cannot publish ${name}: not logged in to ${registry} (no //${new URL(registry).host}${new URL(registry).pathname}:_authToken in .npmrc)`, {
      hint: `for the local registry: berth registry login --scope ${scope}; else: npm login --registry ${registry} --scope ${scope}`,
    });
  }
  // A token the registry does not accept may still get a 200 here, as an anonymous user (Verdaccio): no username.
  const who = await registryRequest(`${registry}-/whoami`, { token });
  const username = who.status === 200 ? (JSON.parse(who.text || '{}') as { username?: unknown }).username : undefined;
  if (typeof username !== 'string' || username === '') throw refusal(who.status === 200 ? { ...who, status: 401 } : who, `cannot publish ${name}`, registry, true);
  let existing: string[] = [];
  try {
    existing = Object.keys((await fetchPackument(name, ctx)).packument.versions ?? {});
  } catch (err) {
    // A package nobody published yet is the normal first publish.
    if (!(err instanceof UserError && err.message.startsWith(`no package ${name} `))) throw err;
  }
  if (existing.includes(version)) {
    throw new UserError(`${name}@${version} is already published; bump the version in package.json`, {
      hint: `published versions: ${existing.join(', ')}; a published version never changes, so users of it get what they tested`,
    });
  }
  return { registry, token };
}

export async function publishTemplate(dir: string, ctx: RegistryContext & { onProgress?: (line: string) => void; tag?: string }): Promise<PublishResult> {
  const started = Date.now();
  const progress = ctx.onProgress ?? (() => {});
  const pkg = readSourcePackageJson(dir);
  const { registry, token } = await preflight(pkg.name, pkg.version, ctx);
  const work = mkdtempSync(join(tmpdir(), 'berth-publish-'));
  try {
    const built = await buildTemplatePackage(dir, join(work, 'package'), progress);
    const npmrc = join(work, 'npmrc');
    const nerf = `//${new URL(registry).host}${new URL(registry).pathname}`;
    writeFileSync(npmrc, `${pkg.name.split('/')[0]}:registry=${registry}\n${nerf}:_authToken=${token}\n`, { mode: 0o600 });
    progress(`publishing ${pkg.name}@${pkg.version} to ${registry}`);
    const res = await execFile(
      'npm',
      // The scope's registry on the command line too: a project .npmrc of the working directory ranks above --userconfig.
      ['publish', built.dir, '--userconfig', npmrc, `--${pkg.name.split('/')[0]}:registry=${registry}`, '--ignore-scripts', '--tag', ctx.tag ?? 'latest', '--no-audit', '--no-fund', '--loglevel=error'],
      { env: { ...process.env, npm_config_update_notifier: 'false' }, timeoutMs: 120_000 },
    );
    if (res.code !== 0) {
      const out = tailLines(`${res.stderr}\n${res.stdout}`.replaceAll(token, '(hidden)'), 12);
      if (/E409|EPUBLISHCONFLICT|cannot publish over/i.test(out)) {
        throw new UserError(`${pkg.name}@${pkg.version} is already published; bump the version in package.json`);
      }
      throw new UserError(`npm publish of ${pkg.name}@${pkg.version} to ${registry} failed:\n${out}`);
    }
    const { packument } = await fetchPackument(pkg.name, ctx);
    return {
      name: pkg.name,
      version: pkg.version,
      registry,
      integrity: packument.versions[pkg.version]?.dist?.integrity,
      envs: built.envs,
      files: built.files,
      services: built.manifest.services,
      kinds: built.manifest.kinds,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
