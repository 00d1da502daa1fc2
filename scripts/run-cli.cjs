// The warm path of bin/berth.cjs: find the current CLI build, tell whether the sources are newer, and run the build
// with its V8 code cache. CommonJS, loaded with require(), and kept apart from the build (scripts/build.mjs, which
// loads esbuild only when it builds): an ES module imported on every run went through Node's ES module loader
// (~2–3 ms of a ~120 ms warm synth).
'use strict';
const { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { Module } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const root = join(__dirname, '..');
const buildsDir = join(root, 'build', 'cli');
const pointer = join(buildsDir, 'current');

function newestMtime(dir) {
  let newest = 0;
  // Typed entries: only files are stat'ed, and paths are joined without path.join's normalising (both ~half the walk).
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The entry module of the current build, or undefined when there is none. */
function currentEntry() {
  if (!existsSync(pointer)) return undefined;
  const entry = join(buildsDir, readFileSync(pointer, 'utf8').trim(), 'main.cjs');
  return existsSync(entry) ? entry : undefined;
}

/**
 * True when there is no build or it is older than any file under src/, package.json or scripts/build.mjs (what goes
 * into the bundle is decided there: a change of its INSIDE must rebuild it).
 */
function isStale() {
  const entry = currentEntry();
  if (!entry) return true;
  const built = statSync(entry).mtimeMs;
  return Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs, statSync(join(root, 'scripts', 'build.mjs')).mtimeMs) > built;
}

/**
 * Runs the CLI bundle `entry` as require() would, compiled with the V8 code cache of `command` beside it (each
 * command compiles other functions; `berth synth`'s cache holds synth's). A missing cache, or one V8 refuses (another
 * Node, other flags, corrupt), costs the compile, and is (re)written at exit with every function the run compiled.
 * src/util/code-cache.ts does the same for app bundles; this copy is plain JS because it runs before any bundle.
 */
function runCli(entry, command) {
  // Node maps stack traces through source maps (`--enable-source-maps`) only for code it loaded itself.
  if (process.sourceMapsEnabled) return require(entry);
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
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(entry), mod, entry, dirname(entry));
  mod.loaded = true;
  return mod.exports;
}

module.exports = { root, buildsDir, pointer, currentEntry, isStale, runCli };
