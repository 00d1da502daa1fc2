// Bundles the CLI (src/cli/main.ts) with esbuild. Commands are loaded lazily through dynamic import(), so
// esbuild splits them into chunks and `berth --help` loads only the entry chunk.
//
// Several `berth` processes may start at once right after an edit (tests, a shell loop): each build goes to
// its own directory and `build/cli/current` is switched to it by an atomic rename, so no process ever imports
// a half-written bundle, and a process that already runs keeps its lazily loaded chunks.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildsDir = join(root, 'build', 'cli');
const pointer = join(buildsDir, 'current');
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
  const entry = join(buildsDir, readFileSync(pointer, 'utf8').trim(), 'main.js');
  return existsSync(entry) ? entry : undefined;
}

/** True when there is no build or it is older than any file under src/ or package.json. */
export function isStale() {
  const entry = currentEntry();
  if (!entry) return true;
  const built = statSync(entry).mtimeMs;
  return Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs) > built;
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
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
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
  return join(outdir, 'main.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(buildsDir, { recursive: true });
  await buildCli();
}
