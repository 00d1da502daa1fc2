#!/usr/bin/env node
// Profiles one `berth synth` of the bench app and prints where the time goes: self time by function,
// self time by package / source file, and inclusive (total) time of the functions that matter.
//
//   node bench/profile.mjs [--n 500] [--env default] [--top 25]
//   node bench/profile.mjs --file some.cpuprofile          # summarise an existing profile
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate.mjs';
import { berthSynthArgs } from './lib/synth.mjs';
import { ROOT } from './lib/tools.mjs';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    env: { type: 'string', default: 'default' },
    top: { type: 'string', default: '25' },
    file: { type: 'string' },
  },
});
const top = Number(opts.top);

function profileSynth() {
  const [paths] = generate({ sizes: [Number(opts.n)] });
  const out = mkdtempSync(join(tmpdir(), 'berth-bench-prof-out-'));
  const profDir = mkdtempSync(join(tmpdir(), 'berth-bench-prof-'));
  const args = berthSynthArgs(paths, out, opts.env);
  // The first run fills the bundle caches: the profile is of the warm case, a user re-running synth.
  const warm = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (warm.status !== 0) throw new Error(`berth synth failed: ${warm.stderr}`);
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`berth synth failed: ${r.stderr}`);
  process.stdout.write(r.stdout);
  rmSync(out, { recursive: true, force: true });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  console.log(`profile: ${join(profDir, file)}`);
  return join(profDir, file);
}

/** `node_modules/<pkg>` or the repository-relative file of a call frame. */
function where(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  return url.replace(`file://${ROOT}/`, '');
}

function summarise(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const dt = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0) / 1000);
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);

  const fileOf = (url) => (url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : where(url));
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${fileOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const bySelf = new Map();
  const byWhere = new Map();
  const inclusive = new Map();
  for (const [id, ms] of self) {
    const n = nodes.get(id);
    bySelf.set(label(n), (bySelf.get(label(n)) ?? 0) + ms);
    byWhere.set(where(n.callFrame.url), (byWhere.get(where(n.callFrame.url)) ?? 0) + ms);
    // Inclusive: count each distinct function once per sample stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(nodes.get(cur));
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  const print = (title, map, k) => {
    console.log(`\n${title}`);
    for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, k)) {
      console.log(`  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${name}`);
    }
  };
  console.log(`sampled ${totalMs.toFixed(0)} ms`);
  print('self time by package / file', byWhere, top);
  print('self time by function', bySelf, top);
  print('inclusive time by function', new Map([...inclusive].filter(([l]) => !l.startsWith('(root)') && !l.startsWith('(program)'))), top * 2);
}

summarise(opts.file ?? profileSynth());
