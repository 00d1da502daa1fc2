/**
 * CommonJS files run with a V8 code cache beside them. Node 20 has no compile cache for CommonJS
 * (`module.enableCompileCache` is Node 22), so every run compiled the whole app bundle — cdk8s, constructs and the
 * app — again; with the cache V8 deserializes the code instead.
 *
 * The cache file is named after the file's size and mtime and the Node version and architecture, so a file
 * rewritten in place or another Node never meets an old cache; V8 itself refuses a cache made by another V8 or
 * with other flags, or one that is corrupt (its checksum), and such a run just compiles. A cache is written when
 * the process exits, not after loading: then it holds every function the run compiled, not only the top level.
 *
 * The files must not use import(): Node 20 drops a script's dynamic-import callback when the script comes from a
 * code cache, so the bundlers compile import() to require() (esbuild `supported: { 'dynamic-import': false }`).
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** How a run used the code cache: read it, had none, or had one V8 refused (stale or corrupt). */
export type CodeCacheUse = 'used' | 'missing' | 'rejected';

export interface CachedRun {
  readonly exports: unknown;
  readonly cache: CodeCacheUse;
  /** The cache file this file's code is cached in. */
  readonly cachePath: string;
}

/** The cache file of `path` as it is now. */
export function codeCachePath(path: string): string {
  const st = statSync(path);
  return `${path}.${st.size}-${Math.round(st.mtimeMs)}.${process.version}-${process.arch}.v8cache`;
}

/** Caches to write at exit, by cache path. */
const pending = new Map<string, Script>();

/** Writes the caches of the files run without a usable one. Called at exit; tests call it directly. */
export function writeCodeCaches(): void {
  for (const [path, script] of pending) {
    try {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, path);
    } catch {
      // a read-only checkout or a full disk: the next run compiles again
    }
  }
  pending.clear();
}

/**
 * Runs the CommonJS file `path` as require() would (Node's wrapper, on the first line so lines stay; `require`
 * resolving from the file's directory; `module`, `__filename`, `__dirname`), compiled with its code cache. Not
 * entered into require's cache: each call runs the file again.
 */
export function runWithCodeCache(path: string): CachedRun {
  const code = readFileSync(path, 'utf8');
  const cachePath = codeCachePath(path);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(code), {
    filename: path,
    cachedData,
  });
  const cache: CodeCacheUse = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  if (cache !== 'used') {
    if (pending.size === 0) process.once('exit', writeCodeCaches);
    pending.set(cachePath, script);
  }
  const mod = new Module(path);
  mod.filename = path;
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(path), mod, path, dirname(path));
  mod.loaded = true;
  return { exports: mod.exports, cache, cachePath };
}
