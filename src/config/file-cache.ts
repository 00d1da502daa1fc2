/**
 * A small on-disk cache keyed by the content of the source files a result was computed from.
 *
 * Which files a schema or a type check depends on is only known after the expensive step (the TypeScript
 * program decides what an import pulls in), so an entry records the files it was computed from with their
 * hashes, and a lookup checks exactly those files. Each file's size, mtime, ctime and inode are recorded beside
 * its hash: a file whose stat is unchanged is not read again (a warm synth looks up four caches over the same ~60
 * files, hashing them cost ~17 ms of its start), one whose stat changed is re-hashed, so touching a file without
 * changing it still hits. Building a program costs seconds.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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
  /**
   * Paths relative to the project root, with the sha256 of their content when the value was computed and the
   * file's stat signature then (absent in entries written before signatures were recorded).
   */
  readonly files: ReadonlyArray<readonly [string, string, string?]>;
  readonly value: T;
}

/** What changes when a file is written, renamed over or copied in: size, mtime and ctime (ns), inode. */
function statSignature(path: string): string | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st && `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/** Hashes by path for this process, valid while the file's stat signature is the one it was hashed at. */
const hashed = new Map<string, { readonly signature: string; readonly hash: string }>();

/**
 * The sha256 of a file's content and its stat signature, or undefined when it cannot be read. `known` is a hash
 * recorded earlier with its signature: when the file's signature is still that one, the file is not read.
 */
export function fileHash(path: string, known?: { readonly signature?: string; readonly hash: string }): { hash: string; signature: string } | undefined {
  let signature;
  try {
    signature = statSignature(path);
  } catch {
    return undefined;
  }
  if (signature === undefined) return undefined;
  if (known?.signature === signature) return { hash: known.hash, signature };
  const memo = hashed.get(path);
  if (memo?.signature === signature) return memo;
  let hash;
  try {
    hash = sha256(readFileSync(path));
  } catch {
    return undefined;
  }
  // Read after the stat: a write in between gives a newer stat next time, so at worst one more hash, never a stale one.
  const result = { hash, signature };
  hashed.set(path, result);
  return result;
}

export class FileCache<T> {
  private readonly dir: string;

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
    let resigned = false;
    const files = entry.files.map(([file, hash, signature]) => {
      const current = fileHash(resolve(this.root, file), { hash, signature });
      if (current?.hash !== hash) return undefined;
      resigned ||= current.signature !== signature;
      return [file, hash, current.signature] as const;
    });
    if (files.includes(undefined)) return undefined;
    // Same content, new stat (a checkout, a touch, an entry from before signatures): record the new stat, so that
    // the next lookup need not read the files again.
    if (resigned) this.write(subject, { ...entry, files: files as Array<readonly [string, string, string]> });
    return entry.value;
  }

  /** Stores `value` for `subject`. A cache that cannot be written only costs speed, so write errors are ignored. */
  set(subject: string, files: Iterable<string>, value: T): void {
    const recorded: Array<readonly [string, string, string]> = [];
    for (const file of new Set(files)) {
      const path = resolve(file);
      const current = fileHash(path);
      if (!current) return;
      recorded.push([relative(this.root, path), current.hash, current.signature]);
    }
    recorded.sort((a, b) => a[0].localeCompare(b[0]));
    this.write(subject, { key: this.key, files: recorded, value });
  }

  private write(subject: string, entry: CacheEntry<T>): void {
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
