import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { parseTemplateSpec, resolveTemplate } from '../../../src/registry/resolve.js';
import { isTemplateSpec } from '../../../src/registry/template-spec.js';

const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'C', type: 'object', properties: {} };

/** A template package directory as npm installs it: package.json with a berth field, dist/index.js. */
function writePackage(dir: string, name: string, version: string): void {
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.js'), 'export default class X {}\n');
  const berth = {
    apiVersion: 1,
    engine: '^0.1.0',
    app: 'db',
    config: schema,
    defaults: {},
    services: [{ name: 'db', kind: 'StatefulApp' }],
    kinds: ['StatefulSet'],
    sample: { env: 'default', release: 'sample', namespace: 'default', digest: `sha256:${'0'.repeat(64)}` },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, berth }));
}

describe('template specs', () => {
  it('tells templates from apps', () => {
    expect(['@acme/db', '@acme/db@^1', 'redis@1.2.3', './db-1.0.0.tgz'].map(isTemplateSpec)).toEqual([true, true, true, true]);
    expect(['shop', './apps/shop', '/abs/app'].map(isTemplateSpec)).toEqual([false, false, false]);
  });

  it('parses names, ranges, dist-tags and paths', () => {
    expect(parseTemplateSpec('@acme/db')).toEqual({ kind: 'package', name: '@acme/db', range: undefined });
    expect(parseTemplateSpec('@acme/db@^1')).toEqual({ kind: 'package', name: '@acme/db', range: '^1' });
    expect(parseTemplateSpec('redis@next')).toEqual({ kind: 'package', name: 'redis', range: 'next' });
    expect(parseTemplateSpec('./x.tgz')).toEqual({ kind: 'path', path: join(process.cwd(), 'x.tgz') });
    // The words of every command that takes a package (client.ts parsePackageSpec).
    expect(() => parseTemplateSpec('@Acme/DB')).toThrow("'@Acme/DB' is not a package name with an optional version range");
    expect(() => parseTemplateSpec('@acme/db@>>1')).toThrow("'>>1' in '@acme/db@>>1' is neither a semver range nor a dist-tag");
  });
});

describe('resolveTemplate', () => {
  let dir: string;
  let project: string;
  // A registry nobody listens on: a resolve that goes to the registry fails with "cannot reach".
  const env = { npm_config_registry: 'http://127.0.0.1:2/', npm_config_userconfig: '/nonexistent/.npmrc' };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-resolve-'));
    project = join(dir, 'project');
    mkdirSync(join(project, 'deploy'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', dependencies: { '@acme/db': '^1.0.0' } }));
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/@acme/db': { version: '1.2.0', integrity: 'sha512-locked' } } }),
    );
    writePackage(join(project, 'node_modules', '@acme', 'db'), '@acme/db', '1.2.0');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the version the project locks, with the lockfile integrity, from a subdirectory too', async () => {
    for (const spec of ['@acme/db', '@acme/db@^1', '@acme/db@1.2.0']) {
      const t = await resolveTemplate(spec, { cwd: join(project, 'deploy'), env, cacheDir: join(dir, 'cache') });
      expect(t).toMatchObject({ origin: 'lockfile', name: '@acme/db', version: '1.2.0', integrity: 'sha512-locked', dir: join(project, 'node_modules', '@acme', 'db') });
    }
  });

  it('refuses a range the locked version is not in', async () => {
    await expect(resolveTemplate('@acme/db@^2', { cwd: project, env, cacheDir: join(dir, 'cache') })).rejects.toThrow(
      `${join(project, 'package-lock.json')} locks @acme/db@1.2.0, which is not ^2`,
    );
  });

  it('goes to the registry for a package the lockfile does not have, or when told to ignore it', async () => {
    await expect(resolveTemplate('@acme/cache@^1', { cwd: project, env, cacheDir: join(dir, 'cache') })).rejects.toThrow(
      'the registry http://127.0.0.1:2/ is unreachable (ECONNREFUSED)',
    );
    await expect(resolveTemplate('@acme/db', { cwd: project, env, cacheDir: join(dir, 'cache'), ignoreLockfile: true })).rejects.toThrow('is unreachable');
  });

  it('extracts a .tgz given by path into the cache and records its sha512', async () => {
    const src = join(dir, 'src', 'package');
    writePackage(src, '@acme/web', '0.3.0');
    const tgz = join(dir, 'web-0.3.0.tgz');
    await createTar({ gzip: true, file: tgz, cwd: join(dir, 'src') }, ['package']);
    const t = await resolveTemplate(tgz, { cwd: project, env, cacheDir: join(dir, 'cache') });
    expect(t).toMatchObject({ origin: 'path', name: '@acme/web', version: '0.3.0', integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}` });
    expect(t.dir.startsWith(join(dir, 'cache'))).toBe(true);
  });

  it('says what is wrong with a package that is not a template', async () => {
    writeFileSync(join(project, 'node_modules', '@acme', 'db', 'package.json'), JSON.stringify({ name: '@acme/db', version: '1.2.0' }));
    await expect(resolveTemplate('@acme/db', { cwd: project, env })).rejects.toThrow('@acme/db@1.2.0 is not a Berth template: its package.json has no "berth" field');
    writePackage(join(project, 'node_modules', '@acme', 'db'), '@acme/db', '1.2.0');
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', '@acme', 'db', 'package.json'), 'utf8'));
    writeFileSync(join(project, 'node_modules', '@acme', 'db', 'package.json'), JSON.stringify({ ...pkg, berth: { ...pkg.berth, engine: '^2.0.0' } }));
    await expect(resolveTemplate('@acme/db', { cwd: project, env })).rejects.toThrow('@acme/db@1.2.0 needs Berth ^2.0.0; this is Berth 0.1.0');
  });
});
