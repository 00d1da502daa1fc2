import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * bin/berth.cjs runs the current CLI build unless isStale() says the sources are newer. A copy of scripts/run-cli.cjs
 * in a project of its own (its root is the directory above it), so builds can be made, removed and edited freely; asked
 * in a child process, as bin/berth.cjs asks it.
 */
function project() {
  const root = mkdtempSync(join(tmpdir(), 'berth-run-cli-'));
  for (const dir of ['scripts', 'src/model/wait', 'build/cli/b1']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(resolve('scripts', 'run-cli.cjs'), join(root, 'scripts', 'run-cli.cjs'));
  const old = new Date(Date.now() - 3_600_000);
  for (const file of ['package.json', 'scripts/build.mjs', 'src/errors.ts', 'src/model/wait/pod.ts']) {
    writeFileSync(join(root, file), file.endsWith('.json') ? '{}' : '');
    utimesSync(join(root, file), old, old);
  }
  const ask = (fn: 'isStale' | 'currentEntry') =>
    spawnSync(process.execPath, ['-p', `String(require('./scripts/run-cli.cjs').${fn}())`], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const runner = { isStale: () => ask('isStale') === 'true', currentEntry: () => ask('currentEntry') };
  const build = () => {
    writeFileSync(join(root, 'build', 'cli', 'b1', 'main.cjs'), '');
    writeFileSync(join(root, 'build', 'cli', 'current'), 'b1');
  };
  const edit = (file: string) => utimesSync(join(root, file), new Date(), new Date(Date.now() + 60_000));
  return { root, runner, build, edit };
}

describe('run-cli isStale', () => {
  it('is stale in a fresh clone (no build), and not once the build is newer than every source', () => {
    const { runner, build } = project();
    expect(runner.currentEntry()).toBe('undefined');
    expect(runner.isStale()).toBe(true);
    build();
    expect(runner.isStale()).toBe(false);
  });

  it('is stale after an edit of a file deep under src/, of package.json or of scripts/build.mjs', () => {
    for (const file of ['src/model/wait/pod.ts', 'src/errors.ts', 'package.json', 'scripts/build.mjs']) {
      const { runner, build, edit } = project();
      build();
      edit(file);
      expect({ file, stale: runner.isStale() }).toEqual({ file, stale: true });
    }
  });

  it('is stale when `current` names a build that is gone', () => {
    const { root, runner, build } = project();
    build();
    writeFileSync(join(root, 'build', 'cli', 'current'), 'removed');
    expect(runner.isStale()).toBe(true);
  });
});
