import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCache } from '../../../src/config/file-cache.js';

interface Entry {
  readonly files: ReadonlyArray<readonly [string, string, string?]>;
}

describe('FileCache', () => {
  function setUp() {
    const root = mkdtempSync(join(tmpdir(), 'berth-file-cache-'));
    const a = join(root, 'a.ts');
    const b = join(root, 'b.ts');
    writeFileSync(a, 'export const a = 1;\n');
    writeFileSync(b, 'export const b = 2;\n');
    const cache = () => new FileCache<string>(root, 'test', 'k1');
    cache().set(a, [a, b], 'value');
    return { root, a, b, cache };
  }

  it('hits while the files are unchanged, also after a touch that changes their stat but not their content', () => {
    const { a, cache } = setUp();
    expect(cache().get(a)).toBe('value');
    utimesSync(a, new Date(), new Date(Date.now() + 60_000));
    expect(cache().get(a)).toBe('value');
  });

  it('misses when a file changes, even to the same size within the same second', () => {
    const { a, b, cache } = setUp();
    const mtime = new Date(1_700_000_000_000);
    utimesSync(b, mtime, mtime);
    cache().set(a, [a, b], 'value');
    writeFileSync(b, 'export const b = 3;\n');
    utimesSync(b, mtime, mtime);
    expect(cache().get(a)).toBeUndefined();
  });

  it('misses when a file is gone or the key differs', () => {
    const { root, a, b, cache } = setUp();
    expect(new FileCache<string>(root, 'test', 'k2').get(a)).toBeUndefined();
    writeFileSync(b, '');
    expect(cache().get(a)).toBeUndefined();
  });

  it('reads entries written before stat signatures were recorded, and records them on the first hit', () => {
    const { root, a, cache } = setUp();
    const dir = join(root, '.cache', 'berth', 'test');
    const entryFile = join(dir, readdirSync(dir)[0]!);
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry & Record<string, unknown>;
    writeFileSync(entryFile, JSON.stringify({ ...entry, files: entry.files.map(([f, h]) => [f, h]) }));
    expect(cache().get(a)).toBe('value');
    const rewritten = JSON.parse(readFileSync(entryFile, 'utf8')) as Entry;
    expect(rewritten.files.every((f) => typeof f[2] === 'string')).toBe(true);
  });
});
