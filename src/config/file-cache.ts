/**
 * A small on-disk cache keyed by the content of the source files a result was computed from.
 *
 * Which files a schema or a type check depends on is only known after the expensive step (the TypeScript
 * program decides what an import pulls in), so an entry records the files it was computed from with their
 * hashes, and a lookup re-hashes exactly those files. Hashing a few dozen small files costs about a millisecond;
 * building a program costs seconds.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { sha256 } from '../util/hash.js';

/** The project root: the nearest directory at or above `from` holding a tsconfig.json, else the working directory. */
export function findProjectRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'tsconfig.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

interface CacheEntry<T> {
  readonly key: string;
  /** Paths relative to the project root, with the sha256 of their content when the value was computed. */
  readonly files: ReadonlyArray<readonly [string, string]>;
  readonly value: T;
}

export class FileCache<T> {
  private readonly dir: string;
  /**
   * Hashes computed by this instance's lookups: the entries of one check (an app's code and each env module) list
   * the same files, so looking up all of them hashes each file once. An instance lives for one operation.
   */
  private readonly hashes = new Map<string, string>();

  /**
   * @param root project root; entries live under `<root>/.cache/berth/<kind>/` (git-ignored)
   * @param kind a directory name per kind of cached result
   * @param key everything besides file content the result depends on (tool versions, options)
   */
  constructor(
    private readonly root: string,
    kind: string,
    private readonly key: string,
  ) {
    this.dir = process.env.BERTH_CACHE_DIR ? join(process.env.BERTH_CACHE_DIR, kind) : join(root, '.cache', 'berth', kind);
  }

  /** The cached value for `subject` (an entry file) if every file it was computed from is unchanged. */
  get(subject: string): T | undefined {
    let entry: CacheEntry<T>;
    try {
      entry = JSON.parse(readFileSync(this.entryPath(subject), 'utf8')) as CacheEntry<T>;
    } catch {
      return undefined;
    }
    if (entry.key !== this.key) return undefined;
    for (const [file, hash] of entry.files) {
      const path = resolve(this.root, file);
      let current = this.hashes.get(path);
      if (current === undefined) {
        try {
          current = sha256(readFileSync(path));
        } catch {
          return undefined;
        }
        this.hashes.set(path, current);
      }
      if (current !== hash) return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for `subject`. A cache that cannot be written only costs speed, so write errors are ignored. */
  set(subject: string, files: Iterable<string>, value: T): void {
    const hashed: Array<readonly [string, string]> = [];
    for (const file of new Set(files)) {
      try {
        hashed.push([relative(this.root, resolve(file)), sha256(readFileSync(file))]);
      } catch {
        return;
      }
    }
    hashed.sort((a, b) => a[0].localeCompare(b[0]));
    const entry: CacheEntry<T> = { key: this.key, files: hashed, value };
    const path = this.entryPath(subject);
    try {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry));
      renameSync(tmp, path);
    } catch {
      // read-only checkout or full disk: the next run recomputes
    }
  }

  private entryPath(subject: string): string {
    return join(this.dir, `${sha256(resolve(subject)).slice(0, 32)}.json`);
  }
}
