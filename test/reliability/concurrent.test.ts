/**
 * Case 2: two or five deploys of the same release started at once, each with its own image tag. Today the lock
 * refuses the losers at once; with a waiting lock (`--lock-timeout`) they run one after another. Either way no two
 * deploys may ever write the release at the same time, which is checked from what the cluster keeps:
 * - every deploy either reports its revision deployed or is refused naming the lock holder, and ≥ 1 gets through;
 * - revisions are 1..N with no gap, none pending, each readable, one per deploy that got through, each holding the
 *   tag of the deploy that reported it;
 * - live state equals the newest deployed revision (no orphan, every field as recorded);
 * - every pod template the API server ever saw for a Deployment (its ReplicaSets, ordered by the controller's
 *   revision) is a revision's, in revision order: a refused deploy wrote nothing, and no deploy wrote in between
 *   two others.
 * Each race is a fresh release (installed first, not raced), so ReplicaSet history never hits its limit of 10.
 */
import { recordCase } from './results.js';
import { berth, checkRelease, count, deploymentImages, ensureCluster, listReplicaSets, median, store, wavesDeployArgs } from './harness.js';
import { testNamespaces } from '../integration/harness.js';

const RACES_OF_2 = count('BERTH_REL_RACES_OF_2', 8, 2);
const RACES_OF_5 = count('BERTH_REL_RACES_OF_5', 5, 1);
const RELEASE = 'c';

interface Race {
  race: number;
  size: number;
  succeeded: number;
  refused: number;
  /** Deploys that said they were waiting for the lock (a lock that waits up to --lock-timeout). */
  waited: number;
  /** Exit code and first error line of deploys that neither succeeded nor were refused by the lock. */
  other: string[];
  seconds: number;
  passed: boolean;
  problems: string[];
}

const namespace = testNamespaces();
const results: Race[] = [];

beforeAll(async () => {
  await ensureCluster();
});

afterAll(() => {
  const passed = results.filter((r) => r.passed).length;
  const bySize = (n: number) => results.filter((r) => r.size === n);
  const winners = (rs: Race[]) => [...new Set(rs.map((r) => r.succeeded))].sort().join('/') || '–';
  recordCase({
    id: 'concurrent',
    title: 'Concurrent deploys of one release (2 and 5 at once)',
    trials: results.length,
    passed,
    failed: results.length - passed,
    figure: { label: 'median race (every deploy of it ended)', value: median(results.map((r) => r.seconds)) ?? null, unit: 's' },
    summary:
      `${bySize(2).length} races of 2 (deploys through per race: ${winners(bySize(2))}), ${bySize(5).length} races of 5 (${winners(bySize(5))}); ` +
      `${results.reduce((n, r) => n + r.waited, 0)} deploys waited for the lock, ${results.reduce((n, r) => n + r.refused, 0)} were refused by it, ${results.reduce((n, r) => n + r.other.length, 0)} ended otherwise`,
    details: results,
  });
});

const races = [...Array.from({ length: RACES_OF_2 }, () => 2), ...Array.from({ length: RACES_OF_5 }, () => 5)];
races.forEach((size, index) => {
  const race = index + 1;
  it(`race ${race} (${size} at once): no two deploys write the release at once`, async () => {
    const ns = await namespace(`rel-race${race}`);
    const install = await berth(wavesDeployArgs(ns, RELEASE, 'base'));
    expect(install.exit.code).toBe(0);

    const tags = Array.from({ length: size }, (_, j) => `race${race}-d${j + 1}`);
    const started = performance.now();
    const runs = await Promise.all(tags.map((tag) => berth(wavesDeployArgs(ns, RELEASE, tag))));
    const record: Race = { race, size, succeeded: 0, refused: 0, waited: runs.filter((r) => /waiting for the lock/.test(r.stderr)).length, other: [], seconds: Number(((performance.now() - started) / 1000).toFixed(2)), passed: false, problems: [] };
    results.push(record);
    const problems = record.problems;

    /** Revision number → the tag of the deploy that reported it deployed. */
    const reported = new Map<number, string>();
    runs.forEach((run, j) => {
      const m = /: revision (\d+) deployed/.exec(run.stdout);
      if (run.exit.code === 0 && m) {
        record.succeeded++;
        if (reported.has(Number(m[1]))) problems.push(`two deploys report revision ${m[1]} deployed`);
        reported.set(Number(m[1]), tags[j]!);
      } else if (run.exit.code !== 0 && /is locked by /.test(run.stderr)) {
        record.refused++;
      } else {
        record.other.push(`${tags[j]} exited ${run.exit.code}: ${run.stderr.trim().split('\n').at(-1)}`);
      }
    });
    if (record.other.length > 0) problems.push(`neither deployed nor refused by the lock: ${record.other.join('; ')}`);
    if (record.succeeded === 0) problems.push('no deploy got through');

    const state = await checkRelease(ns, RELEASE);
    problems.push(...state.problems);
    if (state.revisions.length !== 1 + record.succeeded) {
      problems.push(`${state.revisions.length} revisions for 1 install and ${record.succeeded} deploys that got through`);
    }
    const s = await store(ns);
    const tagOf = new Map<number, string>([[1, 'base']]);
    for (const r of state.revisions.slice(1)) {
      const images = [...new Set(Object.values(deploymentImages(await s.get(RELEASE, r.revision))))];
      const tag = images.length === 1 ? images[0]!.split(':').at(-1)! : `mixed(${images.join(',')})`;
      tagOf.set(r.revision, tag);
      if (reported.get(r.revision) !== tag) problems.push(`revision ${r.revision} holds tag ${tag}, but ${reported.get(r.revision) ?? 'no deploy'} reported it`);
    }

    // The order in which pod templates reached the API server, per Deployment, against the order of revisions.
    const order = [...tagOf.keys()].sort((a, b) => a - b).map((n) => tagOf.get(n)!);
    for (const [deployment, seen] of Object.entries(await listReplicaSets(ns, RELEASE))) {
      const tagsSeen = seen.map((img) => img.split(':').at(-1)!);
      if (tagsSeen.join(' → ') !== order.join(' → ')) {
        problems.push(`${deployment} saw pod templates ${tagsSeen.join(' → ')}; revisions are ${order.join(' → ')}`);
      }
    }
    record.passed = problems.length === 0;
    expect(problems).toEqual([]);
  });
});
