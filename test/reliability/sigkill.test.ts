/**
 * Case 1: `berth deploy` SIGKILLed at a random point (synth, lock, plan, apply, wait), then the same kind of deploy
 * again with no manual step. Each trial aims at one phase in turn and kills after a random delay inside it; the phase
 * actually hit is read back from the killed deploy's progress output (and, between its `deploying` line and the first
 * service line, from whether its Lease exists). Trials are upgrades of one release whose history is kept whole, so
 * every trial also re-checks every earlier revision.
 */
import { recordCase } from './results.js';
import {
  berth,
  checkRelease,
  CliRun,
  count,
  deploymentImages,
  ensureCluster,
  leaseHolder,
  median,
  progressPhase,
  randomInt,
  sleep,
  store,
  wavesDeployArgs,
  WAVES_SERVICES,
  type Line,
} from './harness.js';
import { testNamespaces } from '../integration/harness.js';

const TRIALS = count('BERTH_REL_SIGKILL_TRIALS', 50, 10);
const TARGETS = ['synth', 'lock', 'plan', 'apply', 'wait'] as const;
type Target = (typeof TARGETS)[number];
const RELEASE = 'k';

interface Trial {
  trial: number;
  target: Target;
  /** The phase it was in when killed, or `completed` when it finished (or recorded its revision deployed) first. */
  phase: string;
  killedAtMs: number;
  /** The killed run had recorded its pending revision. */
  revisionLeft: boolean;
  followUpSeconds?: number;
  followUpRevision?: number;
  interrupted: number[];
  passed: boolean;
  problems: string[];
}

const namespace = testNamespaces();
const results: Trial[] = [];
let ns: string;
/** Milliseconds from spawn to the `deploying` line, and from it to the first service line, of an unkilled install. */
let calibration: { deploying: number; gap: number };
/** When the `deploying` line came in every run so far (killed ones that got there, follow-ups): start-up varies with load. */
const deployingSeen: number[] = [];

const isDeploying = (l: Line) => l.stream === 'stderr' && l.text.startsWith('deploying ');
const isService = (l: Line) => l.stream === 'stderr' && /^(db|api|worker): /.test(l.text);

beforeAll(async () => {
  await ensureCluster();
  ns = await namespace('rel-kill');
  const install = await berth(wavesDeployArgs(ns, RELEASE, '1.0.0'));
  expect(install.exit.code).toBe(0);
  // Timed on an upgrade, as the trials are, with the app's bundle cached by the install.
  const upgrade = await berth(wavesDeployArgs(ns, RELEASE, '1.0.1'));
  expect(upgrade.stderr).toContain('worker: ready');
  expect(upgrade.exit.code).toBe(0);
  const deploying = upgrade.lines.find(isDeploying)!.at;
  deployingSeen.push(deploying);
  calibration = { deploying, gap: upgrade.lines.find(isService)!.at - deploying };
});

afterAll(() => {
  const phases = new Map<string, number>();
  for (const t of results) phases.set(t.phase, (phases.get(t.phase) ?? 0) + 1);
  const passed = results.filter((t) => t.passed).length;
  recordCase({
    id: 'sigkill',
    title: 'SIGKILL during deploy, then deploy again',
    trials: results.length,
    passed,
    failed: results.length - passed,
    figure: { label: 'median follow-up deploy', value: median(results.flatMap((t) => t.followUpSeconds ?? [])) ?? null, unit: 's' },
    summary:
      `killed in ${[...phases].map(([p, n]) => `${p} ${n}`).join(', ')}; ${results.filter((t) => t.revisionLeft).length} left a pending revision, ` +
      `all of which the follow-up marked interrupted unless a trial failed; follow-up deploys ${spread(results.flatMap((t) => t.followUpSeconds ?? []))}`,
    details: results,
  });
});

function spread(seconds: number[]): string {
  return seconds.length === 0 ? 'none' : `${Math.min(...seconds).toFixed(1)}–${Math.max(...seconds).toFixed(1)} s`;
}

/** Kills the run at a random point inside the aimed-at phase; resolves when it is dead (or finished first). */
async function killInside(run: CliRun, target: Target, worker: boolean): Promise<number> {
  const { gap } = calibration;
  const deploying = median(deployingSeen)!;
  const services = WAVES_SERVICES.filter((s) => worker || s !== 'worker');
  if (target === 'synth') {
    await sleep(randomInt(0, deploying));
  } else if (target === 'lock') {
    // Taking the lock (a read and a create) lasts a few ms right after the `deploying` line, less than the line takes
    // to arrive here: aim at the expected arrival instead, from 40 ms before to 20 ms after.
    await sleep(randomInt(deploying - 40, deploying + 20));
  } else if (target === 'plan') {
    await run.waitForLine(isDeploying);
    await sleep(randomInt(gap * 0.2, gap));
  } else {
    const service = services[randomInt(0, services.length - 1)]!;
    const state = target === 'apply' ? 'applying' : 'waiting';
    await run.waitForLine((l) => l.stream === 'stderr' && l.text.startsWith(`${service}: ${state}`));
    // Writes of a wave take a few ms: kill at once for apply; somewhere in the readiness polling for wait.
    if (target === 'wait') await sleep(randomInt(0, 300));
  }
  const at = run.elapsed();
  run.kill('SIGKILL');
  await run.exited;
  return at;
}

for (let i = 1; i <= TRIALS; i++) {
  const target = TARGETS[(i - 1) % TARGETS.length]!;
  it(`trial ${i} (kill aimed at ${target}): the next deploy succeeds with no manual step and leaves no pending revision, gap, unreadable revision or orphan`, async () => {
    const s = await store(ns);
    const before = (await s.list(RELEASE)).length;
    const killedWorker = Math.random() < 0.5;
    const followWorker = Math.random() < 0.5;
    const trial: Trial = { trial: i, target, phase: '', killedAtMs: 0, revisionLeft: false, interrupted: [], passed: false, problems: [] };
    results.push(trial);

    const run = new CliRun(wavesDeployArgs(ns, RELEASE, `1.${i}.0`, killedWorker));
    trial.killedAtMs = Math.round(await killInside(run, target, killedWorker));
    const exit = await run.exited;
    const killedRuns = (await s.list(RELEASE)).filter((r) => r.revision > before);
    const left = killedRuns.some((r) => r.status === 'pending');
    // The services it deployed: without the worker, its progress has no worker lines.
    const services = killedWorker ? WAVES_SERVICES : WAVES_SERVICES.filter((s) => s !== 'worker');
    let phase: string = exit.signal === 'SIGKILL' ? progressPhase(run.lines, services) : 'completed';
    // Killed after every service was ready: between recording the revision deployed and printing so, the run's work
    // was done (its revision is then superseded by the follow-up, not interrupted). Recorded deployed in any earlier
    // phase stays a failure below.
    if (phase === 'record' && killedRuns.some((r) => r.status === 'deployed')) phase = 'completed';
    if (phase === 'lock-or-plan') {
      // A dead process writes nothing more, so what it left tells where it was: no Lease of its own yet — taking the
      // lock; its Lease but no revision — planning; its pending revision — about to apply the first wave.
      const holder = await leaseHolder(ns, RELEASE);
      const held = holder !== undefined && new RegExp(`(^|\\D)${run.pid}(\\D|$)`).test(holder);
      phase = !held ? 'lock' : left ? 'apply' : 'plan';
    }
    trial.phase = phase;
    trial.revisionLeft = left;

    const follow = await berth(wavesDeployArgs(ns, RELEASE, `1.${i}.1`, followWorker));
    for (const r of [run, follow]) {
      const line = r.lines.find(isDeploying);
      if (line) deployingSeen.push(line.at);
    }
    trial.followUpSeconds = Number((follow.exit.ms / 1000).toFixed(2));
    const m = /: revision (\d+) deployed/.exec(follow.stdout);
    trial.followUpRevision = m ? Number(m[1]) : undefined;
    const problems = trial.problems;
    if (follow.exit.code !== 0 || !m) problems.push(`follow-up deploy exited ${follow.exit.code}: ${follow.stderr.trim().split('\n').slice(-3).join(' | ')}`);

    const state = await checkRelease(ns, RELEASE);
    problems.push(...state.problems);
    // Between the last good revision and the follow-up's, only the killed run's (interrupted) or, when it finished
    // before the kill, its superseded one.
    for (const r of state.revisions.filter((r) => r.revision > before && r.revision !== trial.followUpRevision)) {
      const allowed = phase === 'completed' ? ['superseded'] : ['interrupted'];
      if (!allowed.includes(r.status)) problems.push(`revision ${r.revision} of the killed run is ${r.status}, expected ${allowed.join(' or ')}`);
      if (r.status === 'interrupted') trial.interrupted.push(r.revision);
    }
    if (state.deployed) {
      const images = Object.values(deploymentImages(state.deployed));
      if (images.some((img) => img !== `example.com/waves:1.${i}.1`)) problems.push(`deployed revision has images ${images.join(', ')}, expected the follow-up's 1.${i}.1`);
      if (images.length !== (followWorker ? 3 : 2)) problems.push(`deployed revision has ${images.length} Deployments, the follow-up rendered ${followWorker ? 3 : 2}`);
    }
    trial.passed = problems.length === 0;
    expect({ phase, problems }).toEqual({ phase, problems: [] });
  });
}
