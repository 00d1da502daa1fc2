import { spawn } from 'node:child_process';
import { SecretRevisionStore } from '../../../src/release/store.js';
import { KubeClient } from '../../../src/kube/client.js';
import { testNamespaces, getJson, kubectl, listJson, testKubeconfig, waitFor } from '../harness.js';
import { berth, WAVES } from './helpers.js';

const namespace = testNamespaces();

async function store(ns: string): Promise<SecretRevisionStore> {
  return new SecretRevisionStore(await KubeClient.connect({ kubeconfig: testKubeconfig() }), ns);
}

const deployArgs = (ns: string, env: string, ...more: string[]) => ['deploy', WAVES, '-r', 'w', '-n', ns, '--env', env, '--timeout', '60s', ...more];

describe('berth diff and deploy --dry-run', () => {
  it('print the same plan, redact Secret values and exit 2 with --exit-code while there are changes', async () => {
    const ns = await namespace('cli-diff');
    const diff = await berth('diff', WAVES, '-r', 'w', '-n', ns, '--env', 'v1', '--exit-code');
    expect(diff).toExitWith(2);
    expect(diff.stdout).toContain('+ create Secret/w-db-secret (service db)');
    expect(diff.stdout).toContain('PASSWORD: REDACTED (7 bytes)');
    expect(diff.stdout).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(diff.stdout).toContain('Plan: 9 to create, 0 to update, 0 to delete, 0 unchanged.');
    const dry = await berth(...deployArgs(ns, 'v1', '--dry-run'));
    expect(dry).toExitWith(0);
    expect(dry.stdout).toBe(diff.stdout);
    // A dry run writes nothing, not even a revision.
    expect(await listJson('secrets', ns, 'owner=berth')).toEqual([]);

    expect(await berth(...deployArgs(ns, 'v1'))).toExitWith(0);
    const clean = await berth('diff', WAVES, '-r', 'w', '-n', ns, '--env', 'v1', '--exit-code', '-o', 'json');
    expect(clean).toExitWith(0);
    const plan = JSON.parse(clean.stdout);
    expect(plan.hasChanges).toBe(false);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 9 });
    expect(plan.waves).toEqual([['db'], ['api'], ['worker']]);

    const md = await berth('diff', WAVES, '-r', 'w', '-n', ns, '--env', 'v2', '-o', 'markdown');
    expect(md.stdout).toContain('| update | `Deployment/w-api` | api |');
    expect(md.stdout).toContain('-          image: example.com/waves:1.0.0\n+          image: example.com/waves:1.1.0');
  });
});

describe('berth deploy, rollback, diff-revisions, uninstall', () => {
  it('deploys, rolls back to the previous revision as a new revision, compares revisions and uninstalls', async () => {
    const ns = await namespace('cli-cycle');
    const first = await berth(...deployArgs(ns, 'v1', '-o', 'json'));
    expect(first).toExitWith(0);
    expect(JSON.parse(first.stdout).outcome).toMatchObject({ revision: 1, status: 'deployed', description: 'Install' });
    const second = await berth(...deployArgs(ns, 'v2'));
    expect(second.stdout).toBe(`release ${ns}/w: revision 2 deployed (Upgrade)\n` + second.stdout.split('\n')[1] + '\n');
    expect(second.stderr).toContain('api: ready (Deployment/w-api: 1 of 1 replicas available)');

    const revs = await berth('diff-revisions', 'w', '1', '2', '-n', ns);
    expect(revs).toExitWith(0);
    const config = revs.stdout.indexOf('apiImage: (unset) → "example.com/waves:1.1.0"');
    const objects = revs.stdout.indexOf('~ update Deployment/w-api');
    expect(config).toBeGreaterThan(0);
    expect(objects).toBeGreaterThan(config);
    expect(revs.stdout).not.toContain('hunter2');

    const back = await berth('rollback', 'w', '-n', ns);
    expect(back).toExitWith(0);
    expect(back.stdout).toContain(`release ${ns}/w: rolled back to revision 1 as revision 3`);
    const s = await store(ns);
    const [r1, r3] = [await s.get('w', 1), await s.get('w', 3)];
    expect(r3.manifests).toEqual(r1.manifests);
    expect(r3.description).toBe('Rollback to 1');
    expect((await s.list('w')).map((r) => r.status)).toEqual(['superseded', 'superseded', 'deployed']);
    expect((await getJson('deployment', 'w-api', ns)).spec.template.spec.containers[0].image).toBe('example.com/waves:1.0.0');

    const gone = await berth('uninstall', 'w', '-n', ns, '-o', 'json');
    expect(gone).toExitWith(0);
    expect(JSON.parse(gone.stdout).deleted).toHaveLength(9);
    const left = await kubectl(['get', 'all,configmaps,secrets,leases', '-n', ns, '-l', 'app.kubernetes.io/instance=w', '-o', 'name']);
    expect(left).toBe('');
    expect(await listJson('secrets', ns, 'owner=berth,release=w')).toEqual([]);
  });

  it('keeps the history marked uninstalled with --keep-history', async () => {
    const ns = await namespace('cli-keep');
    expect(await berth(...deployArgs(ns, 'v1'))).toExitWith(0);
    const gone = await berth('uninstall', 'w', '-n', ns, '--keep-history');
    expect(gone.stdout).toContain('history kept, marked uninstalled');
    expect((await (await store(ns)).list('w')).map((r) => r.status)).toEqual(['uninstalled']);
    expect(await listJson('deployments', ns)).toEqual([]);
  });

  it('reports a failed deploy with exit 1 and both outcomes with --atomic', async () => {
    const ns = await namespace('cli-atomic');
    expect(await berth(...deployArgs(ns, 'v1'))).toExitWith(0);
    const res = await berth('deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'broken', '--timeout', '10s', '--atomic');
    expect(res).toExitWith(1);
    expect(res.stdout).toMatch(new RegExp(`^release ${ns}/w: revision 2 failed: timed out after 10s waiting for Deployment/w-api`));
    expect(res.stdout).toContain('rolled back to revision 1: revision 3 deployed');
  });
});

describe('berth deploy --only', () => {
  it('changes only the named services and records the whole release', async () => {
    const ns = await namespace('cli-only');
    expect(await berth(...deployArgs(ns, 'v1'))).toExitWith(0);
    const res = await berth(...deployArgs(ns, 'v1', '--set', 'image=example.com/waves:1.2.0', '--only', 'worker', '-o', 'json'));
    expect(res).toExitWith(0);
    const out = JSON.parse(res.stdout);
    expect(out.plan.changes.filter((c: { action: string }) => c.action !== 'unchanged').map((c: { kind: string; name: string }) => `${c.kind}/${c.name}`)).toEqual([
      'Deployment/w-worker',
    ]);
    const images = Object.fromEntries((await listJson('deployments', ns)).map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image]));
    expect(images).toEqual({ 'w-api': 'example.com/waves:1.0.0', 'w-db': 'example.com/waves:1.0.0', 'w-worker': 'example.com/waves:1.2.0' });
    expect((await (await store(ns)).get('w', 2)).manifests).toHaveLength(9);
  });
});

describe('release lock', () => {
  it('recovers from a deploy killed with SIGKILL mid-apply with no manual step', async () => {
    const ns = await namespace('cli-kill');
    const child = spawn(process.execPath, ['bin/berth.cjs', ...deployArgs(ns, 'v1'), '--kubeconfig', testKubeconfig()], {
      env: { ...process.env, CI: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Mid-apply: the pending revision is recorded and the first wave's objects are going in.
    await waitFor(async () => (await listJson('configmaps', ns, 'app.kubernetes.io/instance=w')).length > 0, { timeoutMs: 60_000, intervalMs: 50, what: 'the first applied object' });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await (await store(ns)).list('w')).map((r) => r.status)).toEqual(['pending']);

    const next = await berth(...deployArgs(ns, 'v1'));
    expect(next).toExitWith(0);
    expect(next.stderr).toMatch(/took over the lock of .* \(process gone\)/);
    expect(next.stderr).toContain('revision 1 was left pending by a killed run: marked interrupted');
    // The kill lands once the first object is in; a fast apply may have written every object by then, and the
    // recovering run then rightly finds nothing to write (seen in CI once deploys got faster).
    expect(next.stdout).toMatch(new RegExp(`release ${ns}/w: (revision 2 deployed|no changes; revision 2 recorded, no object written)`));
    expect((await (await store(ns)).list('w')).map((r) => r.status)).toEqual(['interrupted', 'deployed']);
  });

  it('stops on Ctrl-C at a safe point, records the revision as cancelled and releases the lock', async () => {
    const ns = await namespace('cli-cancel');
    expect(await berth(...deployArgs(ns, 'v1'))).toExitWith(0);
    const child = spawn(process.execPath, ['bin/berth.cjs', 'deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'broken', '--timeout', '5m', '--kubeconfig', testKubeconfig()], {
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Waiting for the rollout that never becomes ready.
    await waitFor(async () => (await (await store(ns)).list('w')).some((r) => r.revision === 2 && r.status === 'pending'), { timeoutMs: 60_000, what: 'revision 2 pending' });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toContain(`release ${ns}/w: revision 2 failed: cancelled (SIGINT)`);
    const s = await store(ns);
    expect((await s.list('w')).map((r) => [r.revision, r.status])).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    expect(await getJson('lease', 'berth-release-w', ns)).toBeUndefined();
    const next = await berth(...deployArgs(ns, 'v1'));
    expect(next).toExitWith(0);
    expect(next.stderr).not.toContain('took over the lock');
  });

  it('with --lock-timeout 0, lets one of two deploys started together proceed and fails the other at once naming the holder', async () => {
    const ns = await namespace('cli-race');
    const [a, b] = await Promise.all([berth(...deployArgs(ns, 'v1'), '--lock-timeout', '0'), berth(...deployArgs(ns, 'v1'), '--lock-timeout', '0')]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.stderr).toMatch(new RegExp(`error: release w in namespace ${ns} is locked by \\S+@\\S+ pid \\d+; its lock expires at `));
    expect((await (await store(ns)).list('w')).map((r) => r.status)).toEqual(['deployed']);
  });

  it('by default, queues a deploy behind the run holding the lock, showing the holder, and deploys once it is done', async () => {
    const ns = await namespace('cli-queue');
    // The holder waits 10 s for a rollout that never becomes ready, then records revision 1 failed and lets go.
    const holder = berth('deploy', WAVES, '-r', 'w', '-n', ns, '--env', 'broken', '--timeout', '10s');
    await waitFor(async () => (await (await store(ns)).list('w')).some((r) => r.status === 'pending'), { timeoutMs: 60_000, what: 'revision 1 pending' });
    const waiter = await berth(...deployArgs(ns, 'v1'));
    expect(await holder).toExitWith(1);
    expect(waiter).toExitWith(0);
    expect(waiter.stderr).toMatch(/waiting for the lock of release w: held by \S+ pid \d+ \(process \d+ is running on this host\); its lease expires in \d+s unless renewed; giving up in \d+s/);
    expect(waiter.stdout).toContain(`release ${ns}/w: revision 2 deployed`);
    expect((await (await store(ns)).list('w')).map((r) => r.status)).toEqual(['failed', 'deployed']);
  });
});
