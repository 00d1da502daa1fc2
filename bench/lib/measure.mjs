// Cold-process measurement: every run is a fresh process, timed from spawn to exit, with its peak RSS
// (the largest process of its tree) read from GNU time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

/** Installs GNU time when it is missing and we may (root with apt-get); true when it is there. */
export function ensureGnuTime(log) {
  if (existsSync(GNU_TIME)) return true;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('installing GNU time (apt-get install time) for peak-RSS measurement');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' });
  }
  return existsSync(GNU_TIME);
}

/**
 * Runs a command once. Returns wall time (ms, measured here around the whole process), peak RSS (MiB, or
 * null without GNU time), exit code and captured output.
 */
export function runOnce(cmd, args, { cwd, env, input, timeoutMs = 15 * 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const timeFile = join(dir, 'time');
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-f', '%M', '-o', timeFile, cmd, ...args] : [cmd, ...args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdin.end(input ?? '');
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      let rssMiB = null;
      if (useTime && existsSync(timeFile)) {
        const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
        if (Number.isFinite(kb)) rssMiB = Math.round((kb / 1024) * 10) / 10;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        wallMs: Math.round(wallMs),
        rssMiB,
        code: signal ? 128 : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

export class CommandFailed extends Error {
  constructor(what, result) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    super(`${what} exited with ${result.code}:\n${tail}`);
    this.result = result;
  }
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}

/**
 * Runs `prepare` (untimed) and the command `reps` times; every run must succeed and pass `check`.
 * Returns median / min wall time, the peak RSS over all runs and the raw runs.
 */
export async function measure(what, cmd, args, { reps = 5, ...opts } = {}) {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await measuredRun(what, cmd, args, i, opts));
  return summary(runs, reps, Boolean(opts.phases));
}

/**
 * Several commands measured in alternation, `reps` runs each: A B, B A, A B, ... (who goes first swaps every round),
 * so that a machine whose speed drifts during the run (a shared host) slows each of them alike and their ratio holds.
 * Each spec is `{ what, cmd, args, opts }` as for measure(); returns one result per spec, in their order.
 */
export async function measureAlternating(specs, reps = 5) {
  const runs = specs.map(() => []);
  for (let i = 0; i < reps; i++) {
    const order = specs.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) runs[k].push(await measuredRun(specs[k].what, specs[k].cmd, specs[k].args, i, specs[k].opts ?? {}));
  }
  return specs.map((spec, k) => ({ ...summary(runs[k], reps, Boolean(spec.opts?.phases)), alternating: true }));
}

async function measuredRun(what, cmd, args, i, { prepare, check, phases, ...opts }) {
  if (prepare) await prepare(i);
  const r = await runOnce(cmd, args, opts);
  if (r.code !== 0) throw new CommandFailed(what, r);
  if (check) check(r);
  return { wallMs: r.wallMs, rssMiB: r.rssMiB, ...(phases ? { phases: phases(r) } : {}) };
}

function summary(runs, reps, phases) {
  const walls = runs.map((r) => r.wallMs);
  const rss = runs.map((r) => r.rssMiB).filter((x) => x !== null);
  return {
    medianMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    peakRssMiB: rss.length ? Math.max(...rss) : null,
    ...(phases ? { phasesMedianMs: medianPhases(runs.map((r) => r.phases)) } : {}),
    reps,
    runs,
  };
}

/** Per phase name, the median over the runs that reported it (a run's `phases` is `{ name: ms }`). */
function medianPhases(all) {
  const names = [...new Set(all.flatMap((p) => Object.keys(p ?? {})))];
  return Object.fromEntries(names.map((name) => [name, median(all.map((p) => p?.[name]).filter((x) => typeof x === 'number'))]));
}
