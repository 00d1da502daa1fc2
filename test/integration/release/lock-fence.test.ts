import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from '../../../src/cluster/exec.js';
import { SecretRevisionStore } from '../../../src/release/store.js';
import { KubeClient } from '../../../src/kube/client.js';
import { createTestNamespace, deleteNamespace, getJson, listJson, makeReady, pidNamespaces, testKubeconfig, UNSHARE, waitFor, waitForDeploymentAvailable } from '../harness.js';
import { berth, WAVES } from '../deploy/helpers.js';

/**
 * The release lock against real processes: a deploy in another PID namespace of this host (a container or CI runner
 * sharing the host's name) and a deploy paused past its lease (SIGSTOP, a frozen VM) must not write over the holder.
 */

const namespaces: string[] = [];
let client: KubeClient;

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
});
afterAll(async () => {
  for (const ns of namespaces) await deleteNamespace(ns);
});

async function namespace(prefix: string): Promise<string> {
  const ns = await createTestNamespace(prefix);
  namespaces.push(ns);
  return ns;
}

async function statuses(ns: string): Promise<string[]> {
  return (await new SecretRevisionStore(client, ns).list('w')).map((r) => `${r.revision} ${r.status}`);
}

async function images(ns: string): Promise<Record<string, string>> {
  return Object.fromEntries((await listJson('deployments', ns)).map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]));
}

/** A `berth deploy` of the waves app running in the background, with its output collected. */
function startDeploy(ns: string, args: string[], env: Record<string, string> = {}, command: readonly string[] = []): ChildProcess & { out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const [file, ...prefix] = [...command, process.execPath];
  const child = spawn(file!, [...prefix, 'bin/berth.cjs', 'deploy', WAVES, '-r', 'w', '-n', ns, ...args, '--kubeconfig', testKubeconfig()], {
    env: { ...process.env, CI: '1', NO_COLOR: '1', BERTH_LOCK_TTL_SECONDS: '15', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += String(d)));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return Object.assign(child, { out, exited });
}

describe('a deploy in another PID namespace of this host', () => {
  it('is refused while the holder runs (it cannot see the holder\'s pid, so it does not call it dead), and waits for it when told to', async () => {
    const refused = await pidNamespaces();
    if (refused) {
      console.warn(`not run: ${refused}`);
      return;
    }
    const ns = await namespace('lock-pidns');
    expect(await berth('deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'v1')).toExitWith(0);
    // The holder: its api rollout never becomes ready, so it holds the lock while waiting.
    const holder = startDeploy(ns, ['--env', 'broken', '--timeout', '3m']);
    await waitFor(async () => (await statuses(ns)).includes('2 pending'), { timeoutMs: 90_000, what: 'revision 2 pending' });

    const second = await execFile(UNSHARE[0], [...UNSHARE.slice(1), process.execPath, 'bin/berth.cjs', 'deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'v2', '--lock-timeout', '3s', '--kubeconfig', testKubeconfig()], {
      timeoutMs: 120_000,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    });
    expect(second).toExitWith(1);
    expect(second.stderr).toMatch(
      new RegExp(`waiting for the lock of release w: held by \\S+ pid ${holder.pid} \\(it runs in another PID namespace on this host \\(pid:\\[\\d+\\]\\)\\); its lease expires in \\d+s unless renewed; giving up in 3s`),
    );
    expect(second.stderr).toMatch(
      new RegExp(`error: release w in namespace ${ns} is locked by \\S+ pid ${holder.pid}; its lock expires at \\S+ \\(in \\d+s\\) unless renewed; gave up after waiting 3s \\(--lock-timeout\\)`),
    );
    expect(second.stderr).toContain('hint: Berth cannot tell whether the holder still runs: it runs in another PID namespace on this host');
    // It wrote nothing: the holder's lease, revisions and objects are as the holder left them.
    expect((await getJson('lease', 'berth-release-w', ns)).spec.holderIdentity).toMatch(new RegExp(` pid ${holder.pid}$`));
    expect(await statuses(ns)).toEqual(['1 deployed', '2 pending']);
    expect((await images(ns))['w-api']).toBe('example.com/waves:2.0.0-broken');

    // With a longer --lock-timeout it queues behind the holder and deploys once the holder lets go.
    const waiter = startDeploy(ns, ['--env', 'v2', '--lock-timeout', '2m'], {}, UNSHARE);
    await waitFor(async () => waiter.out.stderr.includes('waiting for the lock of release w'), { timeoutMs: 60_000, what: 'the waiter to wait' });
    holder.kill('SIGINT');
    expect(await holder.exited).toBe(130);
    expect(await waiter.exited).toBe(0);
    expect(waiter.out.stdout).toContain(`release ${ns}/w: revision 3 deployed`);
    expect(await statuses(ns)).toEqual(['1 superseded', '2 failed', '3 deployed']);
    expect((await images(ns))['w-api']).toBe('example.com/waves:1.1.0');
  });
});

describe('a deploy paused past its lease', () => {
  it('writes no object after it resumes, records nothing as deployed, and says it lost the lock; the next deploy recovers', async () => {
    const ns = await namespace('lock-pause');
    expect(await berth('deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'v1')).toExitWith(0);
    // db, api and worker all change; api's new pods never become ready on their own, so the holder waits in wave 2.
    const holder = startDeploy(ns, ['--env', 'broken', '--set', 'image=example.com/waves:1.3.0', '--timeout', '3m'], { BERTH_LOCK_TTL_SECONDS: '3' });
    await waitFor(async () => (await statuses(ns)).includes('2 pending') && (await images(ns))['w-api'] === 'example.com/waves:2.0.0-broken', {
      timeoutMs: 90_000,
      intervalMs: 100,
      what: 'the holder waiting for wave 2',
    });
    holder.kill('SIGSTOP');
    try {
      // Past the 3 s lease, then let the rollout it waits for finish, so that on resuming it would go on to wave 3.
      await new Promise((r) => setTimeout(r, 5000));
      const pods = (await listJson('pods', ns, 'app.kubernetes.io/name=api')).filter((p) => p.spec.containers[0].image.endsWith('-broken'));
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) await makeReady(pod, ns);
      await waitForDeploymentAvailable('w-api', ns, 1, { timeoutMs: 60_000 });
    } finally {
      holder.kill('SIGCONT');
    }
    expect(await holder.exited).toBe(1);
    expect(holder.out.stderr).toMatch(
      /error: lost the lock of release w: not renewed for \d+\.\ds, longer than its 3s lease less a 1s safety margin \(was this process paused\?\); another run may hold it now\. Nothing more was written; revision 2 is not recorded as deployed, and the next run marks it interrupted/,
    );
    expect((await images(ns))['w-worker']).toBe('example.com/waves:1.0.0');
    expect(await statuses(ns)).toEqual(['1 deployed', '2 pending']);

    const next = await berth('deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'v1');
    expect(next).toExitWith(0);
    expect(next.stderr).toContain('revision 2 was left pending by a killed run: marked interrupted');
    expect(await statuses(ns)).toEqual(['1 superseded', '2 interrupted', '3 deployed']);
  });
});
