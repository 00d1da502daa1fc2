import { readFileSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve('.');

/**
 * The CLI runs as one CommonJS bundle (scripts/build.mjs) with some packages left outside and loaded by require().
 * require() of an ES module gives its namespace object, and esbuild's interop then takes that whole namespace as the
 * default export: `import pLimit from 'p-limit'` left outside made every deploy fail with "pLimit is not a function".
 * This builds the bundle the way bin/berth.cjs does and checks that no package outside it is an ES module whose
 * default export the CLI uses.
 */
describe('the CLI bundle', () => {
  let code: string;

  beforeAll(() => {
    const built = spawnSync(process.execPath, ['--input-type=module', '-e', "const { buildCli } = await import('./scripts/build.mjs'); console.log(await buildCli());"], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(built.stderr).toBe('');
    code = readFileSync(built.stdout.trim(), 'utf8');
  }, 120_000);

  it('takes no default export of an ES module it loads from node_modules', () => {
    const require = createRequire(join(root, 'package.json'));
    const outside = [...code.matchAll(/(import_[\w$]+) ?= ?__toESM\(require\("([^"]+)"\)/g)].map((m) => ({ binding: m[1]!, pkg: m[2]! }));
    expect(outside.length).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const { binding, pkg } of outside) {
      if (pkg.startsWith('node:')) continue;
      const name = pkg.startsWith('@') ? pkg.split('/').slice(0, 2).join('/') : pkg.split('/')[0]!;
      const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { type?: string };
      if (manifest.type === 'module' && code.includes(`${binding}.default`)) wrong.push(pkg);
    }
    expect(wrong).toEqual([]);
  });

  it('has p-limit inside: its deploys run with the real limiter', () => {
    expect(code).not.toMatch(/require\("p-limit"\)/);
    expect(code).toContain('node_modules/p-limit/index.js');
  });

  it('is rebuilt when scripts/build.mjs changes, not only src/: what goes into the bundle is decided there', () => {
    const script = join(root, 'scripts', 'build.mjs');
    const stale = () =>
      spawnSync(process.execPath, ['--input-type=module', '-e', "const { isStale } = await import('./scripts/build.mjs'); console.log(isStale());"], { cwd: root, encoding: 'utf8' }).stdout.trim();
    expect(stale()).toBe('false');
    const { atime, mtime } = statSync(script);
    try {
      utimesSync(script, atime, new Date(Date.now() + 60_000));
      expect(stale()).toBe('true');
    } finally {
      utimesSync(script, atime, mtime);
    }
  });
});
