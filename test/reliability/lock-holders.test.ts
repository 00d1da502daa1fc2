/**
 * Cases 5 and 6: the release lock against holders it cannot see or that stop renewing it, repeated from
 * test/integration/release/lock-fence.test.ts.
 *
 * Holder in another PID namespace (`lock-pidns`): while one deploy holds the lock (the waves app with `--env broken`,
 * whose api rollout never becomes ready), a deploy under `unshare --pid --fork --mount-proc` with `--lock-timeout 3s`
 * cannot see the holder's pid, so must not call it dead: it exits 1 naming the holder's pid and "another PID
 * namespace", and writes nothing (Lease still the holder's, revision statuses, Deployment images and every
 * Deployment's ReplicaSets as before). Figure: seconds until it was refused. When the kernel refuses `unshare`, the
 * case is recorded with 0 trials and "not run: <reason>", never as passed.
 *
 * Paused holder (`lock-paused`): a deploy with a 3 s lease (`BERTH_LOCK_TTL_SECONDS=3`) waiting in wave 2 is
 * SIGSTOPped for 5 s, its wave-2 rollout is made ready meanwhile (so on resuming it would go on to wave 3), then
 * SIGCONTed: it must exit 1 saying it lost the lock, write no object (the worker's ReplicaSets and image unchanged),
 * record nothing as deployed (revision 2 still pending), and the next deploy marks revision 2 interrupted and leaves a
 * release that passes `checkRelease`. Figure: seconds after SIGCONT until it exited.
 */
import { recordCase } from './results.js';
import { berth, checkRelease, CliRun, count, ensureCluster, leaseHolder, listReplicaSets, median, sleep, store, WAVES, within, type Exit } from './harness.js';
import { listJson, makeReady, pidNamespaces, testNamespaces, UNSHARE, waitFor, waitForDeploymentAvailable } from '../integration/harness.js';

const PIDNS_TRIALS = count('BERTH_REL_PIDNS_TRIALS', 5, 1);
const PAUSE_TRIALS = count('BERTH_REL_PAUSE_TRIALS', 5, 1);
const RELEASE = 'w';

interface Trial {
  trial: number;
  /** Seconds: until the PID-namespace deploy was refused, or after SIGCONT until the paused one exited. */
  seconds?: number;
  outcome: string;
  passed: boolean;
  problems: string[];
}

const namespace = testNamespaces();
const pidns: Trial[] = [];
const paused: Trial[] = [];
let unshareRefused: string | undefined;

function deployArgs(ns: string, env: string, ...extra: string[]): string[] {
  return ['deploy', WAVES, '-r', RELEASE, '-n', ns, '--env', env, '--history-max', '0', ...extra];
}

async function statuses(ns: string): Promise<string[]> {
  return (await (await store(ns)).list(RELEASE)).map((r) => `${r.revision} ${r.status}`);
}

async function images(ns: string): Promise<Record<string, string>> {
  return Object.fromEntries((await listJson('deployments', ns)).map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]));
}

/** What the lock fences: revision statuses, Deployment images and the pod templates each Deployment has seen. */
async function written(ns: string): Promise<{ statuses: string[]; images: Record<string, string>; replicaSets: Record<string, string[]> }> {
  return { statuses: await statuses(ns), images: await images(ns), replicaSets: await listReplicaSets(ns, RELEASE) };
}

/** Ends a background deploy still running when a trial fails, so that no trial leaves a holder behind. */
async function stop(run: CliRun | undefined, done: boolean): Promise<void> {
  if (!run || done) return;
  run.kill('SIGCONT');
  run.kill('SIGKILL');
  await run.exited;
}

beforeAll(async () => {
  await ensureCluster();
  unshareRefused = await pidNamespaces();
});

afterAll(() => {
  const passed = pidns.filter((t) => t.passed).length;
  recordCase({
    id: 'lock-pidns',
    title: 'Lock holder in another PID namespace',
    trials: unshareRefused ? 0 : pidns.length,
    passed: unshareRefused ? 0 : passed,
    failed: unshareRefused ? 0 : pidns.length - passed,
    figure: { label: 'median time until refused', value: median(pidns.flatMap((t) => (t.seconds === undefined ? [] : [t.seconds]))) ?? null, unit: 's' },
    summary: unshareRefused
      ? `not run: ${unshareRefused}`
      : `${pidns.filter((t) => t.outcome === 'refused').length} of ${pidns.length} refused naming the holder and its PID namespace; ${pidns.filter((t) => t.problems.some((p) => p.startsWith('wrote'))).length} wrote something`,
    details: unshareRefused ? [{ notRun: unshareRefused }] : pidns,
  });
  const pausedPassed = paused.filter((t) => t.passed).length;
  recordCase({
    id: 'lock-paused',
    title: 'Lock holder paused (SIGSTOP) past its 3 s lease',
    trials: paused.length,
    passed: pausedPassed,
    failed: paused.length - pausedPassed,
    figure: { label: 'median time from SIGCONT to its exit', value: median(paused.flatMap((t) => (t.seconds === undefined ? [] : [t.seconds]))) ?? null, unit: 's' },
    summary: `outcomes: ${[...new Set(paused.map((t) => t.outcome))].map((o) => `${o} ${paused.filter((t) => t.outcome === o).length}`).join(', ') || 'none'}`,
    details: paused,
  });
});

describe('a deploy in another PID namespace while the lock is held', () => {
  for (let trial = 1; trial <= PIDNS_TRIALS; trial++) {
    it(`trial ${trial}: is refused naming the holder and writes nothing`, async () => {
      if (unshareRefused) {
        // Recorded as not run (trials 0) by afterAll; the reason must say what the kernel refused.
        expect(unshareRefused).toMatch(/^unshare --pid --fork --mount-proc refused/);
        return;
      }
      const record: Trial = { trial, outcome: 'not reached', passed: false, problems: [] };
      pidns.push(record);
      const problems = record.problems;
      const ns = await namespace(`rel-pidns${trial}`);
      const install = await berth(deployArgs(ns, 'v1'));
      expect(install.exit.code).toBe(0);

      // The holder: its api rollout never becomes ready, so it holds the lock while it waits.
      const holder = new CliRun(deployArgs(ns, 'broken', '--timeout', '3m'), { BERTH_LOCK_TTL_SECONDS: '15' });
      let holderDone = false;
      void holder.exited.then(() => (holderDone = true));
      try {
        // "Before" is what the holder has written once it waits: revision 2 recorded as pending is not enough, since the
        // holder applies the api Deployment after that, and the Deployment controller then makes its new ReplicaSet.
        const waiting = async (): Promise<boolean> =>
          (await statuses(ns)).includes('2 pending') &&
          (await images(ns))['w-api'] === 'example.com/waves:2.0.0-broken' &&
          ((await listReplicaSets(ns, RELEASE))['w-api'] ?? []).includes('example.com/waves:2.0.0-broken');
        await waitFor(async () => holderDone || (await waiting()), { timeoutMs: 90_000, intervalMs: 100, what: 'the holder waiting for its api rollout' });
        expect(holderDone).toBe(false);
        const before = await written(ns);

        const second = await berth(deployArgs(ns, 'v2', '--lock-timeout', '3s'), { prefix: UNSHARE, timeoutMs: 120_000 });
        record.seconds = Number((second.exit.ms / 1000).toFixed(2));
        const refused = second.exit.code === 1 && new RegExp(`is locked by \\S+ pid ${holder.pid}\\b`).test(second.stderr) && second.stderr.includes('another PID namespace');
        record.outcome = refused ? 'refused' : `exited ${second.exit.code}: ${second.stderr.trim().split('\n').at(-1)}`;
        if (!refused) problems.push(`not refused naming holder pid ${holder.pid} in another PID namespace: ${record.outcome}`);

        const holderId = await leaseHolder(ns, RELEASE);
        if (!holderId?.endsWith(` pid ${holder.pid}`)) problems.push(`wrote the Lease: its holder is ${holderId}, not pid ${holder.pid}`);
        const after = await written(ns);
        for (const key of ['statuses', 'images', 'replicaSets'] as const) {
          if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) problems.push(`wrote ${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`);
        }
        if (holderDone) problems.push('the holder ended before the check was over');
      } finally {
        if (!holderDone) holder.kill('SIGINT');
        await within(holder.exited, 30_000);
        await stop(holder, holderDone);
      }
      record.passed = problems.length === 0;
      expect(problems).toEqual([]);
    });
  }
});

describe('a deploy paused past its lease', () => {
  for (let trial = 1; trial <= PAUSE_TRIALS; trial++) {
    it(`trial ${trial}: after SIGCONT it writes nothing, records nothing as deployed and exits 1 with "lost the lock"`, async () => {
      const record: Trial = { trial, outcome: 'not reached', passed: false, problems: [] };
      paused.push(record);
      const problems = record.problems;
      const ns = await namespace(`rel-pause${trial}`);
      expect((await berth(deployArgs(ns, 'v1'))).exit.code).toBe(0);

      // db, api and worker all change; api's new pods never become ready on their own, so it waits in wave 2.
      const holder = new CliRun(deployArgs(ns, 'broken', '--set', 'image=example.com/waves:1.3.0', '--timeout', '3m'), { BERTH_LOCK_TTL_SECONDS: '3' });
      let exit: Exit | undefined;
      void holder.exited.then((e) => (exit = e));
      try {
        await waitFor(async () => exit ?? ((await statuses(ns)).includes('2 pending') && (await images(ns))[`${RELEASE}-api`] === 'example.com/waves:2.0.0-broken'), {
          timeoutMs: 90_000,
          intervalMs: 100,
          what: 'the holder waiting for wave 2',
        });
        expect(exit).toBeUndefined();
        const workerBefore = (await listReplicaSets(ns, RELEASE))[`${RELEASE}-worker`];
        holder.kill('SIGSTOP');
        let resumedAt: number;
        try {
          // Past the 3 s lease; then the rollout it waits for finishes, so on resuming it would go on to wave 3.
          await sleep(5000);
          const pods = (await listJson('pods', ns, 'app.kubernetes.io/name=api')).filter((p) => p.spec.containers[0].image.endsWith('-broken'));
          expect(pods.length).toBeGreaterThan(0);
          for (const pod of pods) await makeReady(pod, ns);
          await waitForDeploymentAvailable(`${RELEASE}-api`, ns, 1, { timeoutMs: 60_000 });
        } finally {
          resumedAt = holder.elapsed();
          holder.kill('SIGCONT');
        }
        const ended = await within(holder.exited, 120_000);
        if (!ended) {
          record.outcome = 'still running 120 s after SIGCONT';
          problems.push(record.outcome);
        } else {
          record.seconds = Number(((ended.ms - resumedAt) / 1000).toFixed(2));
          const lost = ended.code === 1 && /error: lost the lock of release w\b/.test(holder.stderr);
          record.outcome = lost ? 'lost the lock' : `exited ${ended.code ?? ended.signal}: ${holder.stderr.trim().split('\n').at(-1)}`;
          if (!lost) problems.push(`did not exit 1 with "lost the lock": ${record.outcome}`);
        }
        if (/: revision \d+ deployed/.test(holder.stdout)) problems.push(`reported a revision deployed: ${holder.stdout.trim()}`);
        const st = await statuses(ns);
        if (st.join(', ') !== '1 deployed, 2 pending') problems.push(`recorded ${st.join(', ')}: expected 1 deployed, 2 pending`);
        const worker = (await images(ns))[`${RELEASE}-worker`];
        if (worker !== 'example.com/waves:1.0.0') problems.push(`wrote the worker (wave 3): its image is ${worker}`);
        const workerAfter = (await listReplicaSets(ns, RELEASE))[`${RELEASE}-worker`];
        if (JSON.stringify(workerAfter) !== JSON.stringify(workerBefore)) problems.push(`wrote the worker's pod template: ${JSON.stringify(workerBefore)} → ${JSON.stringify(workerAfter)}`);
      } finally {
        await stop(holder, exit !== undefined);
      }

      // The next deploy recovers: revision 2 marked interrupted, a release every invariant holds for.
      const next = await berth(deployArgs(ns, 'v1'));
      if (next.exit.code !== 0) problems.push(`the next deploy exited ${next.exit.code}: ${next.stderr.trim().split('\n').at(-1)}`);
      if (!next.stderr.includes('revision 2 was left pending by a killed run: marked interrupted')) problems.push('the next deploy did not mark revision 2 interrupted');
      problems.push(...(await checkRelease(ns, RELEASE)).problems);
      record.passed = problems.length === 0;
      expect(problems).toEqual([]);
    });
  }
});
