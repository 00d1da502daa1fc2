// Builds the web console (web/) with Vite into build/web/ (index.html + content-hashed assets), which `berth ui`
// serves as static files. Cached: the build is skipped when web/'s sources, this script and the lockfile hash to the
// value recorded beside the output by the last build. `--force` builds anyway.
//
// The output appears by rename: a server reading build/web/ never sees a half-written tree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build', 'web');
const hashFile = join(root, 'build', 'web.hash');

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** One digest over the path and content of every input of the build. */
export function sourceHash() {
  const inputs = [...filesUnder(join(root, 'web')), join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const hash = createHash('sha256');
  for (const file of inputs.map((f) => relative(root, f)).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export async function buildWeb({ force = false } = {}) {
  const hash = sourceHash();
  const recorded = existsSync(hashFile) ? readFileSync(hashFile, 'utf8').trim() : '';
  if (!force && recorded === hash && existsSync(join(outDir, 'index.html'))) return { built: false, hash };
  const { build } = await import('vite');
  const tmp = `${outDir}.tmp-${process.pid}`;
  try {
    await build({ configFile: join(root, 'web', 'vite.config.ts'), build: { outDir: tmp, emptyOutDir: true } });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(tmp, outDir);
  } catch (err) {
    // Another build of the same sources (a second test run) renamed its output first: theirs is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  }
  writeFileSync(hashFile, `${hash}\n`);
  return { built: true, hash };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { built, hash } = await buildWeb({ force: process.argv.includes('--force') });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.error(built ? `built build/web/ in ${took} s (sources ${hash.slice(0, 12)})` : `build/web/ is up to date (sources ${hash.slice(0, 12)})`);
}
