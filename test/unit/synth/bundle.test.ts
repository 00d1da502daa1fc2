import { cpSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
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
    expect(code).toContain(`var __dirname=${JSON.stringify(join(realpathSync(join(root, 'node_modules')), 'cdk8s', 'lib'))}`);
  });

  it('is plain ASCII without comments, its source map in a file beside it naming the app by its real path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
    cpSync(fixture, join(root, 'apps', 'plain'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    const dir = join(root, 'apps', 'plain');
    const entrySource = `export { default } from ${JSON.stringify(join(dir, 'index.ts'))};\nexport { App } from 'cdk8s';`;
    const bundle = await bundleApp({ root, key: dir, entrySource, resolveDir: dir });
    const code = readFileSync(bundle.path, 'utf8');
    // V8 keeps a source with any non-ASCII character as a two-byte string: twice the bytes to read and scan.
    expect(code).toMatch(/^[\x00-\x7f]*$/);
    expect(code).not.toContain('sourceMappingURL=data:');
    const url = /\/\/# sourceMappingURL=(\S+)\n$/.exec(code)?.[1];
    expect(url).toBe(`${basename(bundle.path)}.map`);
    const map = JSON.parse(readFileSync(join(dirname(bundle.path), url!), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.map((s) => resolve(dirname(bundle.path), s))).toContain(join(dir, 'index.ts'));
    expect(map.sourcesContent).toBeUndefined();
  });
});
