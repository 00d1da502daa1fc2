/**
 * The check of issue 11 ("How it will be checked"), each step through the CLI with the commands of the README's
 * "Template repository" and "Deploying a template from a registry" sections: a real Verdaccio (the test helper, a
 * home of its own), `registry status` / `registry login`, the six catalog templates published from lib/catalog,
 * `template search` with no words (one line each) and by a word of redis's description, `@berth/redis@^1` deployed
 * into two namespaces of the shared control plane, a 1.1.0 with another default, `template outdated -A`, `upgrade`,
 * `history` / `list` with the template, `rollback`, a republish and a tampered tarball refused.
 *
 * The CLI runs with a cache of its own (XDG_CACHE_HOME: extracted templates, packuments), because `@berth/redis@1.0.0`
 * is a fixed name that other runs publish to registries of their own with other tarballs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, type ExecResult } from '../../../src/cluster/exec.js';
import { kubectl, testKubeconfig, testNamespaces } from '../harness.js';
import { templateSource } from './template-source.js';
import { startVerdaccio, type TestRegistry } from './verdaccio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CATALOG = ['db-backup', 'log-agent', 'mariadb', 'nginx', 'postgresql', 'redis'];
const namespace = testNamespaces();

let reg: TestRegistry;
let work: string;
let npmrc: string;
let ns1: string;
let ns2: string;

/** `node bin/berth.cjs ...` from the repository root as a user whose ~/.npmrc is `npmrc` (npm run's npm_config_* removed). */
function berth(args: readonly string[], opts: { cache?: string; cluster?: boolean } = {}): Promise<ExecResult> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
  Object.assign(env, {
    CI: '1',
    NO_COLOR: '1',
    npm_config_userconfig: npmrc,
    npm_config_cache: join(work, 'npm-cache'),
    XDG_CACHE_HOME: opts.cache ?? join(work, 'cache'),
    BERTH_REGISTRY_HOME: reg.home,
  });
  const cluster = opts.cluster ? ['--kubeconfig', testKubeconfig()] : [];
  return execFile(process.execPath, [join(root, 'bin', 'berth.cjs'), ...args, ...cluster], { env, timeoutMs: 240_000 });
}
const kube = (args: readonly string[]) => berth(args, { cluster: true });

function ok(res: ExecResult): ExecResult {
  if (res.code !== 0) throw new Error(`berth exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

/** The redis server's command line as the cluster has it (its flags carry the maxmemory default). */
async function redisCommand(ns: string): Promise<string> {
  const sts = JSON.parse(await kubectl(['get', 'statefulset', 'cache-redis', '-n', ns, '-o', 'json']));
  return sts.spec.template.spec.containers[0].command.join(' ');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'berth-readme-flow-'));
  npmrc = join(work, 'user.npmrc');
  // No .npmrc lines from the helper: `berth registry login` writes them, as the README says.
  reg = await startVerdaccio({ scopes: [] });
  ns1 = await namespace('flow-a');
  ns2 = await namespace('flow-b');
}, 180_000);

afterAll(async () => {
  await reg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the README template flow, end to end', () => {
  it('registry status and registry login write the @berth registry and the token', async () => {
    const status = ok(await berth(['registry', 'status']));
    expect(status.stdout + status.stderr).toContain(reg.url);
    ok(await berth(['registry', 'login', '--npmrc', npmrc]));
    const lines = readFileSync(npmrc, 'utf8');
    expect(lines).toContain(`@berth:registry=${reg.url}`);
    expect(lines).toContain(`//${new URL(reg.url).host}/:_authToken=`);
  }, 60_000);

  it('publishes the six catalog templates; search with no words lists each on one line', async () => {
    for (const t of CATALOG) {
      const res = ok(await berth(['template', 'publish', `lib/catalog/${t}`]));
      expect(res.stderr).toContain(`published @berth/${t}@1.0.0 to ${reg.url}`);
    }
    const all = ok(await berth(['template', 'search']));
    const rows = all.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+VERSION\s+DESCRIPTION$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/, 2).join(' '))).toEqual(CATALOG.map((t) => `@berth/${t} 1.0.0`));
  }, 600_000);

  it('finds redis by a word of its description', async () => {
    const res = ok(await berth(['template', 'search', 'append-only']));
    expect(res.stdout).toMatch(/@berth\/redis\s+1\.0\.0\s+Redis 7\.4 with a password/);
    expect(res.stdout).toMatch(/description\s*$/m);
    expect(res.stdout).not.toContain('@berth/postgresql');
    const info = ok(await berth(['template', 'info', '@berth/redis@^1']));
    expect(info.stdout).toContain('maxMemory');
  }, 60_000);

  it('deploys @berth/redis@^1 from the registry into two namespaces', async () => {
    for (const [ns, pw] of [
      [ns1, 'pw-one'],
      [ns2, 'pw-two'],
    ] as const) {
      const res = ok(await kube(['deploy', '@berth/redis@^1', '-r', 'cache', '-n', ns, '--set', `password=${pw}`]));
      expect(res.stderr).toContain(`template @berth/redis@1.0.0 (from ${reg.url})`);
      expect(res.stdout).toContain(`release ${ns}/cache: revision 1 deployed`);
      expect(await redisCommand(ns)).toContain('--maxmemory 256mb');
    }
    // The TEMPLATE column, as history shows it.
    const list = ok(await kube(['list', '-n', ns1]));
    expect(list.stdout).toMatch(/NAME\s+REVISION\s+STATUS\s+APP\s+VERSION\s+TEMPLATE\s+ENV/);
    expect(list.stdout).toMatch(/cache\s+1\s+deployed\s+redis\s+0\.1\.0\s+@berth\/redis@1\.0\.0\s+default/);
  }, 300_000);

  it('publishes 1.1.0 with another default; outdated -A lists both releases', async () => {
    const v11 = templateSource(join(root, 'lib', 'catalog', 'redis'), work, { version: '1.1.0', replace: { 'index.ts': [["c.maxMemory ?? '256mb'", "c.maxMemory ?? '128mb'"]] } });
    ok(await berth(['template', 'publish', v11]));
    const text = ok(await kube(['template', 'outdated', '-A'])).stdout;
    for (const ns of [ns1, ns2]) expect(text).toMatch(new RegExp(`${ns}\\s+cache\\s+@berth/redis\\s+1\\.0\\.0\\s+1\\.1\\.0\\s+1\\.1\\.0`));
  }, 300_000);

  it('upgrades one release: the new default applied, its secret kept, history shows both versions', async () => {
    const dry = ok(await kube(['upgrade', 'cache', '-n', ns1, '--to', '1.1.0', '--dry-run']));
    expect(dry.stdout).toContain('~ update StatefulSet/cache-redis');
    const res = ok(await kube(['upgrade', 'cache', '-n', ns1, '--to', '1.1.0']));
    expect(res.stdout).toContain(`release ${ns1}/cache: revision 2 deployed`);
    expect(await redisCommand(ns1)).toContain('--maxmemory 128mb');
    const secrets = JSON.parse(await kubectl(['get', 'secret', '-n', ns1, '-o', 'json'])).items as Array<{ data?: Record<string, string> }>;
    const secret = secrets.find((s) => s.data?.REDIS_PASSWORD);
    expect(Buffer.from(secret!.data!.REDIS_PASSWORD!, 'base64').toString()).toBe('pw-one');

    const history = ok(await kube(['history', 'cache', '-n', ns1])).stdout;
    expect(history).toMatch(/1\s+\S+ \S+\s+superseded\s+redis\s+0\.1\.0\s+@berth\/redis@1\.0\.0/);
    expect(history).toMatch(/2\s+\S+ \S+\s+deployed\s+redis\s+0\.1\.0\s+@berth\/redis@1\.1\.0\s+Upgrade @berth\/redis 1\.0\.0 → 1\.1\.0/);
    // The other release stays on 1.0.0.
    expect(await redisCommand(ns2)).toContain('--maxmemory 256mb');
  }, 300_000);

  it('rolls it back: the 1.0.0 manifests and version again', async () => {
    ok(await kube(['rollback', 'cache', '-n', ns1]));
    expect(await redisCommand(ns1)).toContain('--maxmemory 256mb');
    const status = ok(await kube(['status', 'cache', '-n', ns1])).stdout;
    expect(status).toContain('template:    @berth/redis@1.0.0');
    const history = JSON.parse(ok(await kube(['history', 'cache', '-n', ns1, '-o', 'json'])).stdout);
    expect(history.at(-1)).toMatchObject({ revision: 3, description: 'Rollback to 1', template: { name: '@berth/redis', version: '1.0.0' } });
  }, 300_000);

  it('refuses a republish of 1.1.0 and a tampered tarball, with clear messages', async () => {
    const again = await berth(['template', 'publish', join(work, '1.1.0')]);
    expect(again).toExitWith(1);
    expect(again.stderr).toContain('error: @berth/redis@1.1.0 is already published; bump the version in package.json');
    expect(again.stderr).not.toContain('    at ');

    const stored = join(reg.storage, '@berth', 'redis', 'redis-1.1.0.tgz');
    const bytes = readFileSync(stored);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(stored, bytes);
    // A machine that has not fetched 1.1.0 yet (a cache of its own) downloads the changed tarball and refuses it.
    const res = await berth(['deploy', '@berth/redis@1.1.0', '-r', 'tampered', '-n', ns2, '--set', 'password=x'], { cache: join(work, 'other-cache'), cluster: true });
    expect(res).toExitWith(1);
    expect(res.stderr).toMatch(/error: tarball of @berth\/redis@1\.1\.0 does not match the registry's sha512 \S+ \(got \S+\): refusing to use it/);
    expect(res.stderr).not.toContain('    at ');
    expect(await kube(['history', 'tampered', '-n', ns2])).toExitWith(1);
  }, 120_000);
});
