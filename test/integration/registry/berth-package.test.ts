/**
 * The packaging contract from a template author's side: the `berth` package as `npm pack` makes it (declarations built
 * by prepack) installed into a template project of its own, outside this repository. The project type-checks against
 * it, and `berth template publish` run inside it publishes to a real Verdaccio.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVerdaccio, type TestRegistry } from './verdaccio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the berth package for template authors', () => {
  let work: string;
  let proj: string;
  let reg: TestRegistry;
  const cleanEnv = (npmrc: string): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_'))),
    npm_config_userconfig: npmrc,
    npm_config_cache: join(work, 'npm-cache'),
  });
  const tsc = () => spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', proj], { encoding: 'utf8' });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-package-'));
    reg = await startVerdaccio({ scopes: ['@test'] });
    const pack = spawnSync('npm', ['pack', root, '--pack-destination', work, '--json'], { encoding: 'utf8', env: cleanEnv(reg.npmrcPath), timeout: 180_000 });
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    const tgz = join(work, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);

    proj = join(work, 'standalone');
    const init = spawnSync(process.execPath, [join(root, 'bin', 'berth.cjs'), 'template', 'init', proj, '--name', '@test/standalone'], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(init.stderr);
    // node_modules as `npm install <tgz>` would lay it out, without downloading berth's dependencies again.
    const modules = join(proj, 'node_modules');
    mkdirSync(join(modules, 'berth'), { recursive: true });
    const untar = spawnSync('tar', ['-xzf', tgz, '-C', join(modules, 'berth'), '--strip-components=1']);
    if (untar.status !== 0) throw new Error('tar failed');
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name !== 'berth' && !name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(modules, name));
    }
    writeFileSync(
      join(proj, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: [] }, include: ['index.ts', 'config.ts', 'env'] }),
    );
  }, 300_000);

  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships lib as source with declarations, the Verdaccio lockfile, the CLI and the built console', () => {
    const pkg = JSON.parse(readFileSync(join(proj, 'node_modules', 'berth', 'package.json'), 'utf8'));
    expect(pkg.private).toBeUndefined();
    expect(pkg.exports['.']).toEqual({ types: './types/lib/index.d.ts', default: './lib/index.ts' });
    expect(pkg.exports['./k8s']).toEqual({ types: './types/lib/imports/k8s.d.ts', default: './lib/imports/k8s.ts' });
    for (const file of ['types/lib/index.d.ts', 'types/lib/imports/k8s.d.ts', 'lib/index.ts', 'registry/verdaccio/package-lock.json', 'bin/berth.cjs', 'src/cli/main.ts', 'build/web/index.html']) {
      expect(existsSync(join(proj, 'node_modules', 'berth', file))).toBe(true);
    }
  });

  it('a template project outside the repository type-checks against it, and a wrong prop is caught', () => {
    const ok = tsc();
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const index = join(proj, 'index.ts');
    const good = readFileSync(index, 'utf8');
    writeFileSync(index, good.replace('replicas: c.replicas ?? 1,', 'replicas: c.replicas ?? 1, noSuchProp: 1,'));
    try {
      const bad = tsc();
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toContain("'noSuchProp' does not exist in type 'StatelessAppProps'");
    } finally {
      writeFileSync(index, good);
    }
  }, 120_000);

  it('berth template publish run inside that project publishes it', async () => {
    const res = spawnSync(process.execPath, [join(root, 'bin', 'berth.cjs'), 'template', 'publish', '-o', 'json'], {
      cwd: proj,
      encoding: 'utf8',
      env: cleanEnv(reg.npmrcPath),
      timeout: 180_000,
    });
    expect(res.stderr).toContain('publishing @test/standalone@0.1.0');
    expect(res.status).toBe(0);
    const doc = (await (await fetch(`${reg.url}@test%2fstandalone`)).json()) as { versions: Record<string, { berth: { app: string; kinds: string[] } }> };
    expect(doc.versions['0.1.0']!.berth).toMatchObject({ app: 'standalone', kinds: ['Deployment', 'Service'] });
  }, 180_000);
});
