// Bundles the CLI (src/cli/main.ts) with esbuild into one CommonJS file, run with a V8 code cache per command
// (runCli, in scripts/run-cli.cjs with the rest of the warm path; bin/berth.cjs imports this module only to build): Node 20 caches no compiled code of its own, and loading ~20 ES module chunks of the CLI cost a warm
// synth ~40 ms of its ~250. Commands are still loaded lazily through dynamic import(): esbuild keeps each module's
// body in a function that runs on first import, and V8 compiles only what runs.
//
// Several `berth` processes may start at once right after an edit (tests, a shell loop): each build goes to
// its own directory and `build/cli/current` is switched to it by an atomic rename, so no process ever loads
// a half-written bundle.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import runner from './run-cli.cjs';

export const { root, currentEntry, isStale, runCli } = runner;
const { buildsDir, pointer } = runner;

/** Dependencies bundled into the CLI (see buildCli). */
const INSIDE = new Set(['commander', 'picocolors', 'js-yaml', 'yaml', 'fastest-levenshtein', 'semver', 'diff', 'ini', 'p-limit']);
/** Older builds are removed after this long; a process started on one may still load chunks from it. */
const KEEP_MS = 60 * 60 * 1000;

/** Builds into a fresh directory, points `current` at it, and returns its entry module. */
export async function buildCli() {
  // Loaded here, not at the top: a test or script that only asks isStale() need not load esbuild (~12 ms).
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
    // Every run reads the whole bundle and hands it to V8: without whitespace and comments it is 0.85 MB instead of
    // 1.2 MB, and ASCII (a comment's non-ASCII character made V8 keep all of it as a two-byte string). Stacks
    // (BERTH_DEBUG) keep their function names; `--enable-source-maps` maps them to src/ through main.cjs.map.
    minifyWhitespace: true,
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(buildsDir, { recursive: true });
  await buildCli();
}
