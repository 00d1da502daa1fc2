/**
 * The template loop against a real Verdaccio on 127.0.0.1 (test helper verdaccio.ts): init → publish → search → info →
 * add → a new version → outdated → update, and the refusals: republish, tampered tarball, bad or missing token,
 * unreachable registry, unknown package, a package that is not a template.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packumentCacheDir } from '../../../src/registry/paths.js';
import { freePort, startVerdaccio, type TestRegistry } from './verdaccio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('berth template against a real registry', () => {
  let reg: TestRegistry;
  let work: string;
  let tpl: string;
  let project: string;

  /** The environment of a user whose ~/.npmrc is `npmrc`: without the npm_config_* that `npm run` exports to the tests. */
  function npmEnv(npmrc: string): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
    return { ...env, npm_config_userconfig: npmrc, npm_config_cache: join(work, 'npm-cache') };
  }
  function berth(args: string[], opts: { cwd?: string; npmrc?: string } = {}) {
    return spawnSync(process.execPath, [join(root, 'bin', 'berth.cjs'), ...args], {
      cwd: opts.cwd ?? root,
      encoding: 'utf8',
      timeout: 180_000,
      env: npmEnv(opts.npmrc ?? reg.npmrcPath),
    });
  }
  const json = (res: { stdout: string }) => JSON.parse(res.stdout);
  const setVersion = (v: string) => {
    const file = join(tpl, 'package.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), version: v }, null, 2));
  };
  const packument = async (name: string): Promise<any> => (await fetch(`${reg.url}${name.replace('/', '%2f')}`)).json();

  beforeAll(async () => {
    reg = await startVerdaccio({ scopes: ['@test'] });
    work = mkdtempSync(join(tmpdir(), 'berth-template-'));
    tpl = join(work, 'echo');
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', version: '1.0.0', private: true }));
  }, 180_000);

  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
    if (reg) rmSync(join(packumentCacheDir(), new URL(reg.url).host.replace(':', '_')), { recursive: true, force: true });
  });

  it('init scaffolds a template that synths as it is', () => {
    const init = berth(['template', 'init', tpl, '--name', '@test/echo', '--description', 'An echo server for greeting tests']);
    expect(init.stderr).toContain('created template @test/echo');
    expect(init.status).toBe(0);
    const synth = berth(['synth', tpl, '--env', 'default', '--stdout']);
    expect(synth.status).toBe(0);
    expect(synth.stdout).toContain('kind: Deployment');
    expect(synth.stdout).toContain('-text=hello from echo');
  }, 180_000);

  it("init's unit test passes under jest, with berth and cdk8s from the project", () => {
    const config = {
      rootDir: tpl,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      extensionsToTreatAsEsm: ['.ts'],
      modulePaths: [join(root, 'node_modules')],
      moduleNameMapper: { '^berth$': join(root, 'lib', 'index.ts'), '^(\\.{1,2}/.*)\\.js$': '$1' },
      transform: { '^.+\\.ts$': [join(root, 'node_modules', 'ts-jest', 'dist', 'index.js'), { useESM: true, diagnostics: false, tsconfig: join(root, 'tsconfig.json') }] },
      testEnvironment: 'node',
    };
    writeFileSync(join(work, 'jest.json'), JSON.stringify(config));
    const res = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(work, 'jest.json')], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, BERTH_TEST_SUITE: '' },
    });
    expect(res.stderr).toContain('✓ renders a Deployment with the configured replicas and message');
    expect(res.status).toBe(0);
  }, 180_000);

  it('publish builds and publishes it: dist with .d.ts, the berth field, the digest of the sample render', async () => {
    const res = berth(['template', 'publish', tpl, '-o', 'json']);
    expect(res.stderr).toContain('checking @test/echo@0.1.0: type check and synth of env default');
    expect(res.status).toBe(0);
    const out = json(res);
    expect(out).toMatchObject({ name: '@test/echo', version: '0.1.0', registry: reg.url, services: [{ name: 'web', kind: 'StatelessApp' }], kinds: ['Deployment', 'Service'] });
    expect(out.files).toEqual(['dist/config.d.ts', 'dist/config.js', 'dist/env/default.d.ts', 'dist/env/default.js', 'dist/index.d.ts', 'dist/index.js']);

    const doc = await packument('@test/echo');
    const v = doc.versions['0.1.0'];
    expect(v.dist.integrity).toBe(out.integrity);
    expect(v.peerDependencies).toEqual({ berth: '^0.1.0' });
    expect(v.main).toBe('./dist/index.js');
    const sample = berth(['synth', tpl, '--env', 'default', '-r', 'sample', '-n', 'default', '--stdout']);
    expect(v.berth).toEqual({
      apiVersion: 1,
      engine: '^0.1.0',
      app: 'echo',
      config: json(berth(['schema', tpl, '-o', 'json'])),
      defaults: { image: 'hashicorp/http-echo:1.0.0', replicas: 1, message: 'hello from echo' },
      services: [{ name: 'web', kind: 'StatelessApp' }],
      kinds: ['Deployment', 'Service'],
      sample: { env: 'default', release: 'sample', namespace: 'default', digest: `sha256:${createHash('sha256').update(sample.stdout).digest('hex')}` },
    });
    expect(v.berth.config.properties.apiToken['x-berth-secret']).toBe(true);
  }, 180_000);

  it('refuses to publish the same version again, before building', () => {
    const res = berth(['template', 'publish', tpl]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('error: @test/echo@0.1.0 is already published; bump the version in package.json');
    expect(res.stderr).not.toContain('checking');
  }, 120_000);

  it('search finds it by a word of its description and by a config field name, and lists the catalog without words', () => {
    const byWord = berth(['template', 'search', 'greeting']);
    expect(byWord.status).toBe(0);
    expect(byWord.stdout).toMatch(/^@test\/echo +0\.1\.0 +An echo server for greeting tests +description$/m);
    const byField = json(berth(['template', 'search', 'apitoken', '-o', 'json']));
    expect(byField.matches.map((m: { entry: { name: string }; on: string[] }) => [m.entry.name, m.on])).toEqual([['@test/echo', ['config field apiToken']]]);
    const all = berth(['template', 'search']);
    expect(all.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^NAME +VERSION +DESCRIPTION$/), expect.stringMatching(/^@test\/echo +0\.1\.0 +An echo server/)]);
    const none = berth(['template', 'search', 'postgres']);
    expect(none.status).toBe(0);
    expect(none.stderr).toContain("no template of @test matches 'postgres'");
    // The packument is cached with its ETag, and sent back as If-None-Match on the next search.
    const cached = JSON.parse(readFileSync(join(packumentCacheDir(), new URL(reg.url).host.replace(':', '_'), '@test__echo.json'), 'utf8'));
    expect(cached.etag).toMatch(/^(W\/)?"/);
    expect(cached.packument.versions['0.1.0'].berth.app).toBe('echo');
  }, 120_000);

  it('info shows versions, dist-tags, services, kinds and the config table', () => {
    const res = berth(['template', 'info', '@test/echo@^0.1']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('@test/echo@0.1.0: An echo server for greeting tests');
    expect(res.stdout).toContain('dist-tags: latest=0.1.0');
    expect(res.stdout).toContain('services: web (StatelessApp)');
    expect(res.stdout).toContain('kinds: Deployment, Service');
    expect(res.stdout).toMatch(/^message +string +yes +Text the service answers every request with\.$/m);
    expect(res.stdout).toMatch(/^apiToken +string +no +yes +Token passed/m);
    const missing = berth(['template', 'info', '@test/echo@^2']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("error: no version of @test/echo matches '^2'");
    expect(missing.stderr).toContain('hint: newest versions: 0.1.0; dist-tags: latest=0.1.0');
    const unknown = berth(['template', 'info', '@test/nope']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`error: no package @test/nope in the registry ${reg.url}`);
  }, 120_000);

  it('add records it in package.json and the lockfile with the published integrity; outdated and update follow a new version', async () => {
    const add = berth(['template', 'add', '@test/echo', '-o', 'json'], { cwd: project });
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    const integrity = (await packument('@test/echo')).versions['0.1.0'].dist.integrity;
    expect(json(add)).toEqual({ name: '@test/echo', range: '^0.1.0', version: '0.1.0', integrity });
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies).toEqual({ '@test/echo': '^0.1.0' });
    expect(JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')).packages['node_modules/@test/echo'].integrity).toBe(integrity);
    expect(existsSync(join(project, 'node_modules', '@test', 'echo', 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'berth'))).toBe(false);

    expect(berth(['template', 'outdated'], { cwd: project }).stderr).toContain('1 template dependencies, all up to date');
    setVersion('0.1.1');
    expect(berth(['template', 'publish', tpl]).status).toBe(0);
    const outdated = berth(['template', 'outdated', '-o', 'json'], { cwd: project });
    expect(json(outdated).rows).toEqual([{ name: '@test/echo', current: '0.1.0', wanted: '0.1.1', latest: '0.1.1', range: '^0.1.0' }]);
    const update = berth(['template', 'update'], { cwd: project });
    expect(update.stderr).toContain('updated @test/echo 0.1.0 → 0.1.1');
    expect(JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')).packages['node_modules/@test/echo'].version).toBe('0.1.1');
  }, 300_000);

  it('refuses a tarball changed in the registry storage after publishing, and installs nothing', () => {
    setVersion('0.1.2');
    expect(berth(['template', 'publish', tpl]).status).toBe(0);
    appendFileSync(join(reg.storage, '@test', 'echo', 'echo-0.1.2.tgz'), 'tampered');
    const before = readFileSync(join(project, 'package.json'), 'utf8');
    const res = berth(['template', 'add', '@test/echo@0.1.2'], { cwd: project });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/error: tarball of @test\/echo@0\.1\.2 does not match the registry's sha512 \S+ \(got \S+\): refusing to use it/);
    expect(res.stderr).toContain('hint: the tarball was changed after it was published');
    expect(readFileSync(join(project, 'package.json'), 'utf8')).toBe(before);
  }, 180_000);

  it('publish with a bad token or no token says so, naming the registry and how to log in', () => {
    const host = new URL(reg.url).host;
    const bad = join(work, 'bad.npmrc');
    writeFileSync(bad, `@test:registry=${reg.url}\n//${host}/:_authToken=not-a-real-token\n`);
    setVersion('0.1.3');
    const refused = berth(['template', 'publish', tpl], { npmrc: bad });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error: cannot publish @test/echo: the registry ${reg.url} refused the token in .npmrc`);
    expect(refused.stderr).toContain('bad or expired credentials');
    expect(refused.stderr).not.toContain('not-a-real-token');
    const none = join(work, 'none.npmrc');
    writeFileSync(none, `@test:registry=${reg.url}\n`);
    const anonymous = berth(['template', 'publish', tpl], { npmrc: none });
    expect(anonymous.status).toBe(1);
    expect(anonymous.stderr).toContain(`error: cannot publish @test/echo: not logged in to ${reg.url} (no //${host}/:_authToken in .npmrc)`);
    expect(anonymous.stderr).toContain('hint: for the local registry: berth registry login --scope @test');
  }, 120_000);

  it('an unreachable registry and a package that is not a template give clear errors', async () => {
    const closed = await freePort();
    const down = join(work, 'down.npmrc');
    writeFileSync(down, `@test:registry=http://127.0.0.1:${closed}/\n`);
    const res = berth(['template', 'search', 'echo'], { npmrc: down });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`error: the registry http://127.0.0.1:${closed}/ is unreachable (ECONNREFUSED)`);
    expect(res.stderr).toContain('hint: start the local registry with `berth registry up`');

    const plain = join(work, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'package.json'), JSON.stringify({ name: '@test/plain', version: '1.0.0', description: 'not a template' }));
    const pub = spawnSync('npm', ['publish', plain], { encoding: 'utf8', env: npmEnv(reg.npmrcPath) });
    expect(pub.status).toBe(0);
    const info = berth(['template', 'info', '@test/plain']);
    expect(info.status).toBe(1);
    expect(info.stderr).toContain('error: @test/plain@1.0.0 is not a Berth template: its package.json has no "berth" field');
    const search = json(berth(['template', 'search', '-o', 'json']));
    expect(search.notTemplates).toEqual(['@test/plain']);

    // A template made for another Berth: refused by add before anything is installed.
    const future = join(work, 'future');
    mkdirSync(future);
    const berthField = { ...(await packument('@test/echo')).versions['0.1.0'].berth, engine: '^9.0.0' };
    writeFileSync(join(future, 'package.json'), JSON.stringify({ name: '@test/future', version: '1.0.0', berth: berthField }));
    expect(spawnSync('npm', ['publish', future], { encoding: 'utf8', env: npmEnv(reg.npmrcPath) }).status).toBe(0);
    const add = berth(['template', 'add', '@test/future'], { cwd: project });
    expect(add.status).toBe(1);
    expect(add.stderr).toContain('error: @test/future@1.0.0 needs Berth ^9.0.0; this is Berth 0.1.0');
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies['@test/future']).toBeUndefined();
  }, 120_000);
});
