/**
 * Deploying templates straight from a real Verdaccio onto the local control plane: two releases of 1.0.0, a 1.1.0
 * that changes one service, `template outdated -A`, `upgrade` (only that service's objects written, the secret
 * recovered from the live Secret), `rollback` to 1.0.0, a removed config field, a tampered tarball, bad credentials.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, type ExecResult } from '../../../src/cluster/exec.js';
import { cacheRoot } from '../../../src/cluster/paths.js';
import { getJson, kubectl, testKubeconfig, testNamespaces } from '../harness.js';
import { templateSource, type SourceOptions } from './template-source.js';
import { startVerdaccio, type TestRegistry } from './verdaccio.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tmpl');
const namespace = testNamespaces();

let registry: TestRegistry;
let work: string;
let name: string;
let ns1: string;
let ns2: string;

function berthWith(npmrc: string, ...args: string[]): Promise<ExecResult> {
  // `template publish` talks to the registry only: no cluster flags.
  const cluster = args[0] === 'template' && args[1] === 'publish' ? [] : ['--kubeconfig', testKubeconfig()];
  return execFile(process.execPath, ['bin/berth.cjs', ...args, ...cluster], {
    timeoutMs: 240_000,
    // Both spellings: npm run sets the lower-case one, and the last one wins.
    env: { ...process.env, CI: '1', NO_COLOR: '1', BERTH_LOCK_TTL_SECONDS: '15', npm_config_userconfig: npmrc, NPM_CONFIG_USERCONFIG: npmrc },
  });
}
const berth = (...args: string[]) => berthWith(registry.npmrcPath, ...args);

function ok(res: ExecResult): ExecResult {
  if (res.code !== 0) throw new Error(`berth exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
  return res;
}

/** Publishes the fixture as `name@version` the way an author does: `berth template publish <dir>`. */
async function publish(version: string, replace?: SourceOptions['replace']): Promise<void> {
  const dir = templateSource(FIXTURE, work, { name, version, replace });
  const res = ok(await berth('template', 'publish', dir));
  expect(res.stderr).toContain(`published ${name}@${version}`);
}

const V11 = { 'index.ts': [["'hello from 1.0'", "'hello from 1.1'"]] } as const;

beforeAll(async () => {
  // `registry=` for every package and reads that need the token too: a bad token is refused on every request.
  registry = await startVerdaccio({ scopes: [], defaultRegistry: true, privateReads: true });
  work = mkdtempSync(join(tmpdir(), 'berth-template-deploy-'));
  // A scope of its own: the template cache (~/.cache/berth/templates/<name>/<version>) is shared by every run.
  name = `@t${randomBytes(4).toString('hex')}/tmpl`;
  await publish('1.0.0');
  ns1 = await namespace('tmpl-a');
  ns2 = await namespace('tmpl-b');
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (name) rmSync(join(cacheRoot(), 'templates', name.split('/')[0]!), { recursive: true, force: true });
});

describe('berth deploy from a registry, upgrade, rollback', () => {
  it('deploys @scope/name@^1 into two namespaces and records the template in history and status', async () => {
    const first = ok(await berth('deploy', `${name}@^1`, '-r', 'app', '-n', ns1, '--set', 'password=pw-one', '-o', 'json'));
    expect(JSON.parse(first.stdout).outcome.status).toBe('deployed');
    const second = ok(await berth('deploy', `${name}@^1`, '-r', 'app', '-n', ns2, '--set', 'password=pw-two', '--set', 'replicas=2'));
    expect(second.stderr).toContain(`template ${name}@1.0.0 (from ${registry.url}); config: ${name}@1.0.0 defaults + the values given`);
    expect(second.stdout).toContain(`release ${ns2}/app: revision 1 deployed`);

    const history = JSON.parse(ok(await berth('history', 'app', '-n', ns1, '-o', 'json')).stdout);
    expect(history[0].template).toEqual({ name, version: '1.0.0', integrity: expect.stringMatching(/^sha512-/) });
    const status = ok(await berth('status', 'app', '-n', ns1));
    expect(status.stdout).toContain(`template:    ${name}@1.0.0 (sha512-`);
    expect((await getJson('configmap', 'app-web-config', ns1)).data.GREETING).toBe('hello from 1.0');
  });

  it('lists both releases as outdated once 1.1.0 is published', async () => {
    await publish('1.1.0', V11);
    const report = JSON.parse(ok(await berth('template', 'outdated', '-A', '-o', 'json')).stdout);
    const mine = report.outdated.filter((o: { template: { name: string } }) => o.template.name === name);
    expect(mine.map((o: { namespace: string }) => o.namespace).sort()).toEqual([ns1, ns2].sort());
    for (const o of mine) expect(o).toMatchObject({ release: 'app', template: { version: '1.0.0' }, wanted: '1.1.0', latest: '1.1.0' });
    const text = ok(await berth('template', 'outdated', '-n', ns1));
    expect(text.stdout).toMatch(new RegExp(`${ns1}\\s+app\\s+${name.replace('/', '\\/')}\\s+1\\.0\\.0\\s+1\\.1\\.0\\s+1\\.1\\.0`));
  });

  it('upgrades one release to 1.1.0 keeping its config and secret, writing only what changed', async () => {
    const text = ok(await berth('upgrade', 'app', '-n', ns1, '--to', '1.1.0', '--dry-run'));
    expect(text.stdout).toContain('~ update ConfigMap/app-web-config');
    const res = ok(await berth('upgrade', 'app', '-n', ns1, '--to', '1.1.0', '-o', 'json'));
    const out = JSON.parse(res.stdout);
    expect(out.outcome.status).toBe('deployed');
    const changes = out.plan.changes as Array<{ kind: string; name: string; action: string }>;
    // web's ConfigMap is the one content change (and its config hash rolls web's pods); db is not written, and its pods
    // do not restart: the template's package version is in the revision, not in the objects' labels.
    const written = changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.kind}/${c.name}`).sort();
    expect(written).toEqual(['ConfigMap/app-web-config', 'Deployment/app-web']);
    // The password was not given: it came back from the live Secret, unchanged.
    expect(Buffer.from((await getJson('secret', 'app-db-secret', ns1)).data.PASSWORD, 'base64').toString()).toBe('pw-one');
    expect((await getJson('configmap', 'app-web-config', ns1)).data.GREETING).toBe('hello from 1.1');

    const history = JSON.parse(ok(await berth('history', 'app', '-n', ns1, '-o', 'json')).stdout);
    expect(history.map((r: { template: { version: string } }) => r.template.version)).toEqual(['1.0.0', '1.1.0']);
    expect(history[1].description).toBe(`Upgrade ${name} 1.0.0 → 1.1.0`);
    const table = ok(await berth('history', 'app', '-n', ns1)).stdout;
    expect(table).toContain(`${name}@1.0.0`);
    expect(table).toContain(`${name}@1.1.0`);
    // The other release was not touched.
    expect((await getJson('configmap', 'app-web-config', ns2)).data.GREETING).toBe('hello from 1.0');
  });

  it('rolls back to the 1.0.0 manifests and records version 1.0.0 again', async () => {
    ok(await berth('rollback', 'app', '-n', ns1));
    const history = JSON.parse(ok(await berth('history', 'app', '-n', ns1, '-o', 'json')).stdout);
    expect(history.at(-1)).toMatchObject({ revision: 3, description: 'Rollback to 1', template: { name, version: '1.0.0' } });
    expect((await getJson('configmap', 'app-web-config', ns1)).data.GREETING).toBe('hello from 1.0');
    const status = ok(await berth('status', 'app', '-n', ns1));
    expect(status.stdout).toContain(`template:    ${name}@1.0.0`);
  });

  it('refuses a tampered tarball before extracting it', async () => {
    await publish('1.2.0', V11);
    const stored = join(registry.storage, name, `tmpl-1.2.0.tgz`);
    const bytes = readFileSync(stored);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(stored, bytes);
    const res = await berth('deploy', `${name}@1.2.0`, '-r', 'tampered', '-n', ns2, '--set', 'password=x');
    expect(res).toExitWith(1);
    expect(res.stderr).toMatch(new RegExp(`error: tarball of ${name.replace('/', '\\/')}@1\\.2\\.0 does not match the registry's sha512 \\S+ \\(got \\S+\\): refusing to use it`));
    expect(res.stderr).not.toContain('    at ');
    expect(await berth('history', 'tampered', '-n', ns2)).toExitWith(1);
    expect(existsSync(join(cacheRoot(), 'templates', name, '1.2.0'))).toBe(false);
  });

  it('refuses an upgrade to a version without a recorded field, naming it and the fix', async () => {
    await publish('2.0.0', {
      'index.ts': [['replicas: c.replicas ?? 1', 'replicas: 1']],
      'config.ts': [['  /**\n   * Pods of the web service.\n   * @default 1\n   */\n  readonly replicas?: number;\n', '']],
    });
    const res = await berth('upgrade', 'app', '-n', ns2, '--to', '2.0.0');
    expect(res).toExitWith(1);
    expect(res.stderr).toContain(`error: ${name}@2.0.0 has no config field replicas, which release app (revision 1, ${name}@1.0.0) sets`);
    expect(res.stderr).toContain('--set replicas=null');
    const fixed = ok(await berth('upgrade', 'app', '-n', ns2, '--to', '2.0.0', '--set', 'replicas=null', '-o', 'json'));
    expect(JSON.parse(fixed.stdout).outcome.status).toBe('deployed');
  });

  it('asks for a secret value that no live Secret holds any more', async () => {
    await kubectl(['delete', 'secret', 'app-db-secret', '-n', ns2]);
    const res = await berth('upgrade', 'app', '-n', ns2, '--to', '2.0.0');
    expect(res).toExitWith(1);
    expect(res.stderr).toContain(
      `error: secret config field password of release app (revision 2, ${name}@2.0.0) cannot be recovered: revisions keep only digests of secret values, and no live Secret of the release holds it`,
    );
    expect(res.stderr).toContain('hint: give it again: --set password=... (or in a values file with -f)');
    ok(await berth('upgrade', 'app', '-n', ns2, '--to', '2.0.0', '--set', 'password=pw-new'));
    expect(Buffer.from((await getJson('secret', 'app-db-secret', ns2)).data.PASSWORD, 'base64').toString()).toBe('pw-new');
  });

  it('names the registry and the way out for bad credentials, an unknown package and a range nothing matches', async () => {
    const bad = join(work, 'bad.npmrc');
    writeFileSync(bad, `registry=${registry.url}\n//${new URL(registry.url).host}/:_authToken=not-a-token\n`);
    const denied = await berthWith(bad, 'deploy', `${name}@^1`, '-r', 'x', '-n', ns2, '--dry-run');
    expect(denied).toExitWith(1);
    expect(denied.stderr).toContain(`error: reading ${name}: the registry ${registry.url} refused the token in .npmrc (`);
    expect(denied.stderr).toContain('bad or expired credentials');
    expect(denied.stderr).toContain('hint: log in again: `berth registry login` for the local registry');
    expect(denied.stderr).not.toContain('not-a-token');

    const unknown = await berth('deploy', `${name}-nope@^1`, '-r', 'x', '-n', ns2, '--dry-run');
    expect(unknown.stderr).toContain(`error: no package ${name}-nope in the registry ${registry.url}`);
    const range = await berth('deploy', `${name}@^9`, '-r', 'x', '-n', ns2, '--dry-run');
    expect(range.stderr).toContain(`error: no version of ${name} matches '^9' in ${registry.url}`);
    expect(range.stderr).toContain('hint: newest versions: 2.0.0, 1.2.0, 1.1.0, 1.0.0');
  });
});
