import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterStatus, down, up } from '../../../src/cluster/control-plane.js';
import { cacheRoot, clusterDir } from '../../../src/cluster/paths.js';

/** A cluster of its own, so stopping and restarting it never disturbs the shared berth-test cluster. */
const NAME = 'berth-lifecycle';
const SLOW = 240_000;

/** Pids of every process on the machine that runs one of our cached binaries for this cluster. */
function processesOfCluster(): number[] {
  const binaries = join(cacheRoot(), 'cluster');
  const dir = clusterDir(NAME);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = readlinkSync(`/proc/${entry}/exe`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (exe.startsWith(binaries) && cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked, or it is not ours to read.
    }
  }
  return pids;
}

beforeAll(async () => {
  await down({ name: NAME });
}, SLOW);

afterAll(async () => {
  await down({ name: NAME });
}, SLOW);

describe('berth cluster up / down', () => {
  it('starts a cluster from cached binaries, reuses it, restarts a component with a stale pid file, and stops exactly its processes', async () => {
    const first = await up({ name: NAME, nodes: 2 });
    expect(first.reused).toBe(false);
    expect(first.buildSeconds).toBe(0);
    expect(first.state).toBe('running');
    expect(first.nodes).toEqual({ total: 2, ready: 2 });

    const again = await up({ name: NAME, nodes: 2 });
    expect(again.reused).toBe(true);

    // The scheduler dies and its pid is taken by an unrelated process (here: this test process).
    const scheduler = first.components.find((c) => c.component === 'kube-scheduler')!;
    process.kill(scheduler.pid, 'SIGKILL');
    writeFileSync(join(clusterDir(NAME), 'pids', 'kube-scheduler.pid'), String(process.pid));
    expect((await clusterStatus({ name: NAME })).state).toBe('degraded');
    const recovered = await up({ name: NAME, nodes: 2 });
    expect(recovered.reused).toBe(false);
    expect(recovered.state).toBe('running');
    const newScheduler = recovered.components.find((c) => c.component === 'kube-scheduler')!;
    expect(newScheduler.running).toBe(true);
    expect(newScheduler.pid).not.toBe(process.pid);

    const before = processesOfCluster();
    expect(before.sort()).toEqual(recovered.components.map((c) => c.pid).sort());
    const result = await down({ name: NAME });
    expect(result.stopped.map((p) => p.component).sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok-controller',
    ]);
    expect(processesOfCluster()).toEqual([]);
    expect(existsSync(clusterDir(NAME))).toBe(false);
    expect((await clusterStatus({ name: NAME })).state).toBe('absent');
  }, SLOW);

  it('brings a fresh cluster up again from the cached binaries, once when two ups race', async () => {
    const start = Date.now();
    // Two `up` at once (two test runs starting together): the second waits for the lock and reuses the cluster.
    const [first, second] = await Promise.all([up({ name: NAME, nodes: 3 }), up({ name: NAME, nodes: 3 })]);
    const seconds = (Date.now() - start) / 1000;
    process.stderr.write(`cached start-up of a fresh cluster: ${first.seconds.toFixed(1)}s\n`);
    expect([first.reused, second.reused].sort()).toEqual([false, true]);
    expect(first.state).toBe('running');
    expect(first.nodes).toEqual({ total: 3, ready: 3 });
    expect(first.buildSeconds).toBe(0);
    process.stderr.write(`both ups returned after ${seconds.toFixed(1)}s\n`);
  }, SLOW);

  it('warns about a cluster made with another kwok configuration, and recreates it when asked', async () => {
    await up({ name: NAME, nodes: 1 });
    const digestFile = join(clusterDir(NAME), 'berth-config.sha256');
    const digest = readFileSync(digestFile, 'utf8');
    expect(digest).toMatch(/^[0-9a-f]{64}\n$/);
    writeFileSync(digestFile, 'made-by-an-earlier-berth\n');

    const lines: string[] = [];
    const reused = await up({ name: NAME, nodes: 1, onProgress: (l) => lines.push(l) });
    expect(reused.reused).toBe(true);
    expect(lines.find((l) => l.startsWith('warning:'))).toBe(
      `warning: cluster '${NAME}' was created with another kwok configuration (an earlier Berth), so container logs or failure stages may be missing; \`berth cluster down --name ${NAME}\` then \`berth cluster up --name ${NAME}\` recreates it (its objects are lost)`,
    );

    const recreated = await up({ name: NAME, nodes: 1, recreateIfStale: true, onProgress: (l) => lines.push(l) });
    expect(recreated.reused).toBe(false);
    expect(lines).toContain(`cluster '${NAME}' was created with another kwok configuration (an earlier Berth): recreating it`);
    expect(readFileSync(digestFile, 'utf8')).toBe(digest);
    const quiet: string[] = [];
    expect((await up({ name: NAME, nodes: 1, recreateIfStale: true, onProgress: (l) => quiet.push(l) })).reused).toBe(true);
    expect(quiet.filter((l) => l.includes('another kwok configuration'))).toEqual([]);
  }, SLOW);
});
