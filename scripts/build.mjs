// Bundles the CLI (src/cli/main.ts) with esbuild into one CommonJS file, run with a V8 code cache per command
// (runCli): Node 20 caches no compiled code of its own, and loading ~20 ES module chunks of the CLI cost a warm
// synth ~40 ms of its ~250. Commands are still loaded lazily through dynamic import(): esbuild keeps each module's
// body in a function that runs on first import, and V8 compiles only what runs.
//
// Several `berth` processes may start at once right after an edit (tests, a shell loop): each build goes to
// its own directory and `build/cli/current` is switched to it by an atomic rename, so no process ever loads
// a half-written bundle.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildsDir = join(root, 'build', 'cli');
const pointer = join(buildsDir, 'current');
/** Dependencies bundled into the CLI (see buildCli). */
const INSIDE = new Set(['commander', 'picocolors', 'js-yaml', 'yaml', 'fastest-levenshtein', 'semver', 'diff', 'ini', 'p-limit']);
/** Older builds are removed after this long; a process started on one may still load chunks from it. */
const KEEP_MS = 60 * 60 * 1000;

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

/** The entry module of the current build, or undefined when there is none. */
export function currentEntry() {
  if (!existsSync(pointer)) return undefined;
  const entry = join(buildsDir, readFileSync(pointer, 'utf8').trim(), 'main.cjs');
  return existsSync(entry) ? entry : undefined;
}

/**
 * True when there is no build or it is older than any file under src/, package.json or this file (what goes into the
 * bundle is decided here: a change of INSIDE must rebuild it).
 */
export function isStale() {
  const entry = currentEntry();
  if (!entry) return true;
  const built = statSync(entry).mtimeMs;
  return Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs) > built;
}

/** Builds into a fresh directory, points `current` at it, and returns its entry module. */
export async function buildCli() {
  // Loaded here, not at the top: bin/berth.mjs imports this module on every run, and a run with a current build
  // need not load esbuild (~12 ms).
  const { build } = await import('esbuild');
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = join(buildsDir, id);
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: join(outdir, 'main.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Small pure-JS packages on the common paths (commands, colours, YAML out and in) go into the bundle and its code
    // cache; the rest (esbuild's binary, the compiler, the Kubernetes client, ESM-only ones) are loaded from
    // node_modules when a command needs them. An ES-module-only package imported by its default export (p-limit)
    // must be inside: require() of an ES module gives its namespace, which esbuild's CommonJS interop takes as the
    // default itself (`pLimit is not a function`); test/unit/cli/bundle.test.ts checks the built bundle for that.
    external: Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).filter((dep) => !INSIDE.has(dep)),
    sourcemap: 'linked',
    // The sources find files relative to themselves (PROJECT_ROOT, createRequire): the bundle's own URL.
    define: { 'import.meta.url': '__berth_import_meta_url' },
    // import() of a package left outside becomes require() (Node >= 20.19 requires ES modules too): Node 20 loses a
    // script's dynamic-import callback when the script comes from a code cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
    supported: { 'dynamic-import': false },
    banner: { js: `var __berth_import_meta_url = require('node:url').pathToFileURL(__filename).href;` },
    logLevel: 'error',
  });
  const tmp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(tmp, id);
  renameSync(tmp, pointer);
  const now = Date.now();
  for (const name of readdirSync(buildsDir)) {
    const path = join(buildsDir, name);
    if (name === id || name === 'current' || name.endsWith('.tmp')) continue;
    if (now - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
  return join(outdir, 'main.cjs');
}

/**
 * Runs the CLI bundle `entry` as require() would, compiled with the V8 code cache of `command` beside it (each
 * command compiles other functions; `berth synth`'s cache holds synth's). A missing cache, or one V8 refuses (another
 * Node, other flags, corrupt), costs the compile, and is (re)written at exit with every function the run compiled.
 * src/util/code-cache.ts does the same for app bundles; this copy is plain JS because it runs before any bundle.
 */
export function runCli(entry, command) {
  // Node maps stack traces through source maps (`--enable-source-maps`) only for code it loaded itself.
  if (process.sourceMapsEnabled) return createRequire(import.meta.url)(entry);
  const name = /^[a-z][a-z-]{0,30}$/.test(command ?? '') ? command : 'other';
  const st = statSync(entry);
  const cachePath = `${entry}.${name}.${st.size}-${Math.round(st.mtimeMs)}.${process.version}-${process.arch}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(entry, 'utf8')), {
    filename: entry,
    cachedData,
  });
  if (process.env.BERTH_TIMING) process.stderr.write(`timing cli code cache ${cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used'} (${performance.now().toFixed(1)} ms)\n`);
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const tmp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
      } catch {
        // a read-only install or a full disk: the next run compiles again
      }
    });
  }
  const mod = new Module(entry);
  mod.filename = entry;
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(entry), mod, entry, dirname(entry));
  mod.loaded = true;
  return mod.exports;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(buildsDir, { recursive: true });
  await buildCli();
}
