import { cpSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../../src/synth/bundle.js';
import { PROJECT_ROOT } from '../../../src/synth/synthesize.js';

const fixture = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'apps', 'plain');

describe('bundleApp', () => {
  it('reuses the bundle while its inputs are unchanged and rebuilds when one changes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
    cpSync(fixture, join(root, 'apps', 'plain'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const dir = join(root, 'apps', 'plain');
    const opts = { root, key: dir, entrySource: `export { default } from ${JSON.stringify(join(dir, 'index.ts'))};`, resolveDir: dir };

    const first = await bundleApp(opts);
    const second = await bundleApp(opts);
    expect(first.cached).toBe(false);
    expect(second).toEqual({ path: first.path, cached: true });

    writeFileSync(join(dir, 'index.ts'), `// changed\n${readFileSync(join(dir, 'index.ts'), 'utf8')}`);
    const third = await bundleApp(opts);
    expect(third.cached).toBe(false);
  });

  it('puts cdk8s and constructs inside the bundle, each bundled package keeping its own __dirname', async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
    cpSync(fixture, join(root, 'apps', 'plain'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const dir = join(root, 'apps', 'plain');
    const entrySource = `export { default } from ${JSON.stringify(join(dir, 'index.ts'))};\nexport { App } from 'cdk8s';`;
    const bundle = await bundleApp({ root, key: dir, entrySource, resolveDir: dir });
    const code = readFileSync(bundle.path, 'utf8');
    expect(code).not.toMatch(/require\("(cdk8s|constructs)"\)/);
    // cdk8s's yaml.js runs a script beside itself for an Include of a URL.
    expect(code).toContain(`var __dirname = ${JSON.stringify(join(realpathSync(join(root, 'node_modules')), 'cdk8s', 'lib'))}`);
  });
});
