import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCachePath, runWithCodeCache, writeCodeCaches, type CachedRun } from '../../../src/util/code-cache.js';

/**
 * V8 keeps scripts it compiled in memory, by source and file name, and then never looks at a cache passed in:
 * each run here is of a fresh copy of the module under its own name (same content and mtime, so the same cache
 * applies), with the cache of an earlier run copied beside it, as a new process would find it.
 */
let copies = 0;
function writeModule(dir: string, extra = ''): string {
  const path = join(dir, `bundle-${copies++}.cjs`);
  writeFileSync(
    path,
    [
      `const { join } = require('node:path');`,
      `function answer(n) { return n * 2${extra}; }`,
      `module.exports = { answer: answer(21), file: __filename, dir: __dirname, joined: join('a', 'b'), same: exports === module.exports };`,
    ].join('\n'),
  );
  utimesSync(path, new Date(1_700_000_000_000), new Date(1_700_000_000_000 + (extra ? 5000 : 0)));
  return path;
}

/** Runs a fresh copy of the module (changed by `extra`) with `cache` beside it. */
function rerun(dir: string, cache: Buffer | undefined, extra = ''): CachedRun {
  const path = writeModule(dir, extra);
  if (cache) writeFileSync(codeCachePath(path), cache);
  return runWithCodeCache(path);
}

interface Result {
  readonly answer: number;
  readonly file: string;
  readonly dir: string;
  readonly joined: string;
  readonly same: boolean;
}

describe('runWithCodeCache', () => {
  it('runs a file as require() would, writes its cache at the end and uses it the next time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
    const path = writeModule(dir);
    const first = runWithCodeCache(path);
    expect(first.cache).toBe('missing');
    expect(first.exports).toEqual({ answer: 42, file: path, dir, joined: join('a', 'b'), same: true });
    expect(existsSync(first.cachePath)).toBe(false);
    writeCodeCaches();
    const cache = readFileSync(first.cachePath);
    expect(cache.length).toBeGreaterThan(0);

    const second = rerun(dir, cache);
    expect(second.cache).toBe('used');
    expect((second.exports as Result).answer).toBe(42);
  });

  it('does not crash on a corrupt or truncated cache: it compiles, and writes a good cache at the end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
    const first = runWithCodeCache(writeModule(dir));
    writeCodeCaches();
    const good = readFileSync(first.cachePath);

    const corrupt = rerun(dir, Buffer.from('not a V8 code cache at all'));
    expect(corrupt.cache).toBe('rejected');
    expect((corrupt.exports as Result).answer).toBe(42);

    const truncated = rerun(dir, good.subarray(0, Math.floor(good.length / 2)));
    expect(truncated.cache).toBe('rejected');
    expect((truncated.exports as Result).answer).toBe(42);

    writeCodeCaches();
    expect(rerun(dir, readFileSync(truncated.cachePath)).cache).toBe('used');
  });

  it('never runs the cached code of another version of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
    const path = writeModule(dir);
    const old = runWithCodeCache(path);
    writeCodeCaches();

    // The file rewritten in place: another size and mtime, so another cache file.
    writeFileSync(path, readFileSync(path, 'utf8').replace('n * 2', 'n * 2 + 1'));
    expect(codeCachePath(path)).not.toBe(old.cachePath);
    const changed = runWithCodeCache(path);
    expect(changed.cache).toBe('missing');

    // Even the old cache under the new name is refused by V8, not run.
    const stale = rerun(dir, readFileSync(old.cachePath), ' + 1');
    expect(stale.cache).toBe('rejected');
    expect((stale.exports as Result).answer).toBe(43);
  });
});
