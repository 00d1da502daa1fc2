import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
});
