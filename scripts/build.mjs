// Bundles the CLI (src/cli/main.ts) into build/cli with esbuild. Commands are loaded lazily through
// dynamic import(), so esbuild splits them into chunks and `berth --help` loads only the entry chunk.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const entry = join(root, 'build', 'cli', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

/** True when build/cli is missing or older than any file under src/ or package.json. */
export function isStale() {
  if (!existsSync(entry)) return true;
  const built = statSync(entry).mtimeMs;
  return Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs) > built;
}

export async function buildCli() {
  await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outdir: join(root, 'build', 'cli'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildCli();
}
