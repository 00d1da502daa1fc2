import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { criLogLine } from '../../../src/cluster/kwok-config.js';
import { containerLogFiles } from '../../../src/cluster/paths.js';
import { execFile } from '../../../src/cluster/exec.js';
import { berth } from '../deploy/helpers.js';
import { kubectl, listJson, serviceAccountKubeconfig, testKubeconfig, testNamespaces, waitFor, type Json } from '../harness.js';

const TRIO = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'apps', 'trio');
const namespace = testNamespaces();
const logFile = containerLogFiles(process.env.BERTH_TEST_CLUSTER ?? 'berth-test').current;

/** A line every followed container will print: kwok serves one log file for every container of the cluster. */
function say(text: string): void {
  appendFileSync(logFile, criLogLine(text));
}

interface Follower {
  readonly child: ChildProcess;
  readonly lines: Json[];
  readonly notes: string[];
  readonly exited: Promise<number | null>;
}

/** `berth logs <release> -f -o json` as a child process, collecting its JSON lines and its stderr notes. */
function followLogs(release: string, ns: string, ...more: string[]): Follower {
  const child = spawn(process.execPath, ['bin/berth.cjs', 'logs', release, '-n', ns, '-f', '-o', 'json', '--kubeconfig', testKubeconfig(), ...more], {
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const lines: Json[] = [];
  const notes: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
  createInterface({ input: child.stderr! }).on('line', (l) => notes.push(l));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, notes, exited };
}

async function podsOf(ns: string, service: string): Promise<string[]> {
  const pods = await listJson('pods', ns, `app.kubernetes.io/name=${service}`);
  return pods.filter((p: Json) => !p.metadata.deletionTimestamp).map((p: Json) => p.metadata.name).sort();
}

const deploy = (ns: string, ...more: string[]) => berth('deploy', TRIO, '-r', 'trio', '-n', ns, '--timeout', '60s', ...more);

beforeAll(() => {
  if (!existsSync(logFile)) {
    throw new Error(`${logFile} does not exist: the test cluster was started before kwok served container logs; restart it (berth cluster down --name <cluster>)`);
  }
});

describe('berth logs', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await namespace('logs');
    const res = await deploy(ns);
    expect(res.stderr + res.stdout).toContain('revision 1 deployed');
  });

  it('streams 3 services × 4 replicas together, init containers included, each line prefixed with its service, pod and container', async () => {
    const f = followLogs('trio', ns, '--tail', '0');
    try {
      const expected = new Set<string>();
      for (const service of ['web', 'api', 'worker']) {
        const pods = await podsOf(ns, service);
        expect(pods).toHaveLength(4);
        for (const pod of pods) {
          expected.add(`${service}/${pod}/${service}`);
          if (service === 'api') expected.add(`${service}/${pod}/wait-for-worker`);
        }
      }
      const marker = `marker-${Date.now()}`;
      // The streams open asynchronously; say it until every one of them has heard it.
      const seen = await waitFor(
        async () => {
          say(marker);
          const got = new Set(f.lines.filter((l) => l.message === marker).map((l) => `${l.service}/${l.pod}/${l.container}`));
          return [...expected].every((k) => got.has(k)) ? got : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect([...seen].sort()).toEqual([...expected].sort());
      expect(f.lines.every((l) => typeof l.time === 'string' && l.time.length > 0)).toBe(true);
    } finally {
      f.child.kill('SIGTERM');
      expect(await f.exited).toBe(0);
    }
  });

  it('prints text lines as service/pod/container | message, merged across pods', async () => {
    const res = await berth('logs', 'trio', '-n', ns, '--tail', '1', '--service', 'web,worker');
    expect(res).toExitWith(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(line).toMatch(/^(web|worker)\/trio-\1-[a-z0-9]+-[a-z0-9]{5}\/\1 \| \S/);
  });

  it('adds a pod that starts later to a followed stream, and ends the streams of a pod that goes away', async () => {
    const f = followLogs('trio', ns, '--service', 'web', '--tail', '0');
    try {
      const before = await podsOf(ns, 'web');
      await waitFor(async () => {
        say('warm-up');
        return before.every((p) => f.lines.some((l) => l.pod === p && l.message === 'warm-up'));
      }, { timeoutMs: 30_000, intervalMs: 500 });

      const scaledAt = Date.now();
      await kubectl(['-n', ns, 'scale', 'deployment', 'trio-web', '--replicas', '5']);
      // kwok's log for a new container starts with the whole file, so its first line shows without another write.
      const newPod = await waitFor(() => Promise.resolve(f.lines.find((l) => !before.includes(l.pod))?.pod as string | undefined), { timeoutMs: 30_000, intervalMs: 100 });
      const latencyMs = Date.now() - scaledAt;
      process.stderr.write(`[operate] a pod added by scaling up joined the followed stream ${latencyMs} ms after kubectl scale\n`);
      expect(f.notes).toContainEqual(expect.stringContaining(`web/${newPod}: new pod`));

      const gone = before[0]!;
      await kubectl(['-n', ns, 'delete', 'pod', gone, '--wait=true']);
      await waitFor(() => Promise.resolve(f.notes.some((n) => n.includes(`${gone}: pod deleted, its streams ended`))), { timeoutMs: 30_000 });
      const marker = `after-delete-${Date.now()}`;
      await waitFor(async () => {
        say(marker);
        return f.lines.some((l) => l.pod === newPod && l.message === marker);
      }, { timeoutMs: 30_000, intervalMs: 500 });
      expect(f.lines.some((l) => l.pod === gone && l.message === marker)).toBe(false);
    } finally {
      f.child.kill('SIGTERM');
      expect(await f.exited).toBe(0);
    }
  });

  it('follows the events of the release: a scale-down shows up as it happens', async () => {
    const child = spawn(process.execPath, ['bin/berth.cjs', 'events', 'trio', '-n', ns, '-f', '-o', 'json', '--kubeconfig', testKubeconfig()], { env: { ...process.env, NO_COLOR: '1' } });
    const events: Json[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => events.push(JSON.parse(l)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // The existing events come first: the Deployments were scaled up by the deploy.
      await waitFor(() => Promise.resolve(events.some((e) => e.reason === 'ScalingReplicaSet')), { timeoutMs: 30_000 });
      await kubectl(['-n', ns, 'scale', 'deployment', 'trio-worker', '--replicas', '3']);
      const down = await waitFor(() => Promise.resolve(events.find((e) => e.object === 'Deployment/trio-worker' && /Scaled down/.test(e.message))), { timeoutMs: 30_000 });
      expect(down).toMatchObject({ service: 'worker', type: 'Normal', reason: 'ScalingReplicaSet' });
      await kubectl(['-n', ns, 'scale', 'deployment', 'trio-worker', '--replicas', '4']);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('names the services a release has when --service names none of them', async () => {
    const res = await berth('logs', 'trio', '-n', ns, '--service', 'wbe');
    expect(res).toExitWith(1);
    expect(res.stderr).toContain("error: release trio has no service 'wbe'");
    expect(res.stderr).toContain('hint: its services: api, web, worker');
  });

  it('refuses to follow more streams than --max-log-requests, saying how to narrow them', async () => {
    const res = await berth('logs', 'trio', '-n', ns, '-f', '--max-log-requests', '5');
    expect(res).toExitWith(1);
    expect(res.stderr).toMatch(/error: release trio has 1[67] containers to follow, more than --max-log-requests 5/);
  });

  it('says clearly that the cluster refuses log access when the user may read pods but not pods/log', async () => {
    await kubectl(['-n', ns, 'create', 'serviceaccount', 'no-logs']);
    await kubectl(['-n', ns, 'create', 'role', 'no-logs', '--verb=get,list,watch', '--resource=pods,secrets,replicasets.apps,jobs.batch']);
    await kubectl(['-n', ns, 'create', 'rolebinding', 'no-logs', '--role=no-logs', `--serviceaccount=${ns}:no-logs`]);
    const kubeconfig = await serviceAccountKubeconfig(ns, 'no-logs');
    const res = await execFile(process.execPath, ['bin/berth.cjs', 'logs', 'trio', '--kubeconfig', kubeconfig], { timeoutMs: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(res).toExitWith(1);
    expect(res.stderr).toMatch(new RegExp(`^error: the cluster refuses to show pod logs in namespace ${ns}: not allowed to read logs of Pod/trio-\\S+ container \\S+ in namespace ${ns} \\(403 Forbidden\\): pods "trio-\\S+" is forbidden: User "system:serviceaccount:${ns}:no-logs" cannot get resource "pods/log"`));
    expect(res.stderr).toContain(`hint: the user of context no-logs needs "get" on "pods/log" in namespace ${ns} (check: kubectl auth can-i get pods --subresource=log -n ${ns})`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('shows the graph of the deployed release with each service ready and its pods counted', async () => {
    const res = await berth('graph', '-r', 'trio', '-n', ns, '-o', 'json');
    expect(res).toExitWith(0);
    const g = JSON.parse(res.stdout);
    expect(g.release).toBe('trio');
    const byName = Object.fromEntries(g.nodes.map((n: Json) => [n.name, n]));
    expect(byName.api.readiness).toMatchObject({ state: 'ready' });
    expect(byName.worker.readiness).toEqual({ state: 'ready', message: expect.any(String), pods: { ready: 4, total: 4 } });
    expect(g.edges).toEqual([
      { from: 'api', to: 'worker', kinds: ['dependsOn'], via: [] },
      { from: 'web', to: 'api', kinds: ['config'], via: ['config API_URL'] },
    ]);
    expect(g.waves).toEqual([['web', 'worker'], ['api']]);
  });
});

describe('why a release is not ready', () => {
  it('a crash-looping service: a failing deploy says why and records it; status and graph show it', async () => {
    const ns = await namespace('crash');
    // Crash-looping past the restart threshold (default 3) fails the deploy at once, long before the timeout.
    const res = await deploy(ns, '--set', 'crashApi=true', '--set', 'replicas=2', '--timeout', '5m');
    expect(res).toExitWith(1);
    expect(res.stdout).toMatch(/revision 1 failed: Deployment\/trio-api failed: pod trio-api-\S+: CrashLoopBackOff: container api: .*\(threshold 3 restarts\)/);
    expect(res.stdout).toMatch(/\n {2}api: 0\/2 pods ready\n {4}pod trio-api-\S+: CrashLoopBackOff: container api: back-off restarting failed container api/);

    const history = JSON.parse((await berth('history', 'trio', '-n', ns, '-o', 'json')).stdout);
    expect(history[0].status).toBe('failed');
    expect(history[0].error).toMatch(/api: 0\/2 pods ready\n {4}pod trio-api-\S+: CrashLoopBackOff/);

    const status = await berth('status', 'trio', '-n', ns);
    expect(status.stdout).toMatch(/api {3,}waiting +0\/2 /);
    expect(status.stdout).toMatch(/not ready, and the newest warnings:\napi:\n {2}pod trio-api-\S+: CrashLoopBackOff: container api: back-off/);
    const json = JSON.parse((await berth('status', 'trio', '-n', ns, '-o', 'json')).stdout);
    const api = json.services.find((s: Json) => s.name === 'api');
    expect(api.notReady).toHaveLength(2);
    expect(api.notReady[0].problems[0]).toMatchObject({ reason: 'CrashLoopBackOff', container: 'api' });

    const g = JSON.parse((await berth('graph', '-r', 'trio', '-n', ns, '-o', 'json')).stdout);
    expect(g.nodes.find((n: Json) => n.name === 'api').readiness).toMatchObject({ state: 'waiting', pods: { ready: 0, total: 2 } });

    const previous = await berth('logs', 'trio', '-n', ns, '--previous', '--service', 'api');
    expect(previous).toExitWith(0);
    expect(previous.stdout).toMatch(/^api\/trio-api-\S+\/api \| kwok: simulated log of the previous run/m);
  });

  it("an unschedulable service: status shows the scheduler's message and events the FailedScheduling warning", async () => {
    const ns = await namespace('unsched');
    const res = await deploy(ns, '--set', 'unschedulableWorker=true', '--set', 'replicas=1', '--timeout', '5s');
    expect(res).toExitWith(1);
    const status = JSON.parse((await berth('status', 'trio', '-n', ns, '-o', 'json')).stdout);
    const worker = status.services.find((s: Json) => s.name === 'worker');
    expect(worker.notReady[0].problems[0]).toMatchObject({ reason: 'Unschedulable', message: expect.stringContaining("didn't match Pod's node affinity/selector") });
    expect(worker.warnings[0]).toMatchObject({ reason: 'FailedScheduling', kind: 'Pod', type: 'Warning', service: 'worker' });

    const events = JSON.parse((await berth('events', 'trio', '-n', ns, '--warnings', '-o', 'json')).stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e: Json) => e.type === 'Warning')).toBe(true);
    expect(events.map((e: Json) => e.reason)).toContain('FailedScheduling');
    const all = JSON.parse((await berth('events', 'trio', '-n', ns, '-o', 'json')).stdout);
    expect(all.map((e: Json) => `${e.service} ${e.reason}`)).toContain('worker ScalingReplicaSet');
  });
});
