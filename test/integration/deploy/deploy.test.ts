import { deploy } from '../../../src/deploy/deploy.js';
import { uninstall } from '../../../src/deploy/uninstall.js';
import { UserError } from '../../../src/errors.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { listReleases } from '../../../src/release/store.js';
import { stringify } from 'yaml';
import { applyYaml, testNamespaces, getJson, kubectl, kubectlResult, listJson } from '../harness.js';
import { synthWaves, testContext } from './helpers.js';

const namespace = testNamespaces();

async function deployEnv(ns: string, release: string, env: string, options: Parameters<typeof deploy>[2] = {}) {
  const ctx = await testContext(ns);
  return deploy(ctx, await synthWaves(env, release, ns), { timeoutMs: 60_000, ...options });
}

/** Pod names of one service of a release. */
async function podsOf(ns: string, release: string, service: string): Promise<string[]> {
  const pods = await listJson('pods', ns, `app.kubernetes.io/instance=${release},app.kubernetes.io/name=${service}`);
  return pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
}

describe('deploy', () => {
  it('deploys the same release name into two namespaces independently', async () => {
    const [a, b] = [await namespace('deploy-two-a'), await namespace('deploy-two-b')];
    const ra = await deployEnv(a, 'shop', 'v1');
    const rb = await deployEnv(b, 'shop', 'v1');
    expect([ra.outcome?.status, rb.outcome?.status]).toEqual(['deployed', 'deployed']);
    expect([ra.outcome?.revision, rb.outcome?.revision]).toEqual([1, 1]);
    expect((await getJson('deployment', 'shop-api', a)).metadata.annotations['berth.dev/release']).toBe(`${a}/shop`);
    expect((await getJson('deployment', 'shop-api', b)).metadata.annotations['berth.dev/release']).toBe(`${b}/shop`);
    const ctx = await testContext(a);
    const releases = (await listReleases(ctx.client, undefined)).filter((r) => r.namespace === a || r.namespace === b);
    expect(releases.map((r) => [r.namespace, r.release, r.status])).toEqual(
      [[a, 'shop', 'deployed'], [b, 'shop', 'deployed']].sort((x, y) => x[0]!.localeCompare(y[0]!)),
    );
  });

  it('keeps three releases of one app in one namespace apart, down to uninstall', async () => {
    const ns = await namespace('deploy-three');
    for (const r of ['one', 'two', 'three']) expect((await deployEnv(ns, r, 'v1')).outcome?.status).toBe('deployed');
    const deployments = (await listJson('deployments', ns)).map((d) => d.metadata.name).sort();
    expect(deployments).toEqual(['one-api', 'one-db', 'one-worker', 'three-api', 'three-db', 'three-worker', 'two-api', 'two-db', 'two-worker']);
    const result = await uninstall(await testContext(ns), ns, 'two');
    expect(result.deleted).toHaveLength(9);
    expect((await listJson('deployments', ns)).map((d) => d.metadata.name).sort()).toEqual([
      'one-api', 'one-db', 'one-worker', 'three-api', 'three-db', 'three-worker',
    ]);
    // A second deploy of the others finds nothing to change: uninstalling `two` touched nothing of theirs.
    expect((await deployEnv(ns, 'one', 'v1')).outcome?.noop).toBe(true);
  });

  it('rolls only the pods of the Deployment whose image tag changed', async () => {
    const ns = await namespace('deploy-roll');
    await deployEnv(ns, 'w', 'v1');
    const before = { db: await podsOf(ns, 'w', 'db'), api: await podsOf(ns, 'w', 'api'), worker: await podsOf(ns, 'w', 'worker') };
    const r = await deployEnv(ns, 'w', 'v2');
    expect(r.outcome).toMatchObject({ revision: 2, status: 'deployed', noop: false });
    expect(r.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.ref}`)).toEqual(['update Deployment/w-api']);
    expect(await podsOf(ns, 'w', 'db')).toEqual(before.db);
    expect(await podsOf(ns, 'w', 'worker')).toEqual(before.worker);
    const api = await podsOf(ns, 'w', 'api');
    expect(api).toHaveLength(1);
    expect(api).not.toEqual(before.api);
    expect((await getJson('deployment', 'w-api', ns)).spec.template.spec.containers[0].image).toBe('example.com/waves:1.1.0');
  });

  it('writes nothing but the revision record when nothing changed, and says so', async () => {
    const ns = await namespace('deploy-noop');
    const first = await deployEnv(ns, 'w', 'v1');
    const versions = async () =>
      Object.fromEntries(
        (await listJson('deployments,services,configmaps,secrets', ns, 'app.kubernetes.io/instance=w')).map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.resourceVersion]),
      );
    const before = await versions();
    const again = await deployEnv(ns, 'w', 'v1');
    expect(again.outcome).toMatchObject({ revision: 2, status: 'deployed', noop: true, description: 'No changes' });
    expect(again.plan.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: first.plan.summary.create });
    expect(await versions()).toEqual(before);
  });

  it('leaves nothing for kubectl diff --server-side to report after a deploy', async () => {
    const ns = await namespace('deploy-kdiff');
    await deployEnv(ns, 'w', 'v1');
    const set = await synthWaves('v1', 'w', ns);
    const res = await kubectlResult(['diff', '--server-side', '--field-manager=berth', '--force-conflicts', '-f', '-'], {
      input: set.objects.map((o) => stringify(o)).join('---\n'),
    });
    expect(res.stdout).toBe('');
    expect(res).toExitWith(0);
  });

  it('prunes objects no longer rendered, keeps those annotated berth.dev/keep, and removes leftovers of interrupted runs', async () => {
    const ns = await namespace('deploy-prune');
    await deployEnv(ns, 'w', 'v1');
    await kubectl(['annotate', 'configmap', 'w-worker-config', '-n', ns, 'berth.dev/keep=true']);
    // What a run killed before recording its revision leaves: our labels and annotation, applied by berth.
    const ctx = await testContext(ns);
    await ctx.client.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'w-orphan',
          namespace: ns,
          labels: { 'app.kubernetes.io/instance': 'w', 'app.kubernetes.io/name': 'api' },
          annotations: { 'berth.dev/release': `${ns}/w` },
        },
        data: { a: '1' },
      },
      { force: true },
    );
    // And one of a kind the release never renders: found by its metadata, read in full for the plan. Its kind is
    // searched because a run was killed since the last deployed revision (its revision is left pending): a clean
    // history (the newest revision deployed) would search only the kinds that revision applied.
    const last = (await ctx.store.lastDeployed('w'))!;
    const at = new Date().toISOString();
    await ctx.store.create({ ...last, revision: last.revision + 1, status: 'pending', description: 'Upgrade', createdAt: at, updatedAt: at });
    await ctx.client.apply(
      {
        apiVersion: 'v1',
        kind: 'PodTemplate',
        metadata: { name: 'w-orphan-template', namespace: ns, labels: { 'app.kubernetes.io/instance': 'w' }, annotations: { 'berth.dev/release': `${ns}/w` } },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'example/orphan:1' }] } },
      },
      { force: true },
    );
    const r = await deployEnv(ns, 'w', 'noworker');
    expect(r.outcome?.status).toBe('deployed');
    expect(r.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.ref}: ${c.reason}`).sort()).toEqual([
      'ConfigMap/w-orphan: left by an interrupted run',
      'Deployment/w-worker: no longer rendered',
      'PodTemplate/w-orphan-template: left by an interrupted run',
    ]);
    expect(r.plan.changes.find((c) => c.ref === 'PodTemplate/w-orphan-template')!.diff).toContain('example/orphan:1');
    expect(await getJson('podtemplate', 'w-orphan-template', ns)).toBeUndefined();
    expect(r.plan.kept).toEqual(['ConfigMap/w-worker-config']);
    expect(await getJson('deployment', 'w-worker', ns)).toBeUndefined();
    expect(await getJson('configmap', 'w-orphan', ns)).toBeUndefined();
    expect(await getJson('configmap', 'w-worker-config', ns)).toBeDefined();
    expect(await podsOf(ns, 'w', 'worker')).toEqual([]);
  });

  it('refuses to change objects of another tool or another release, naming them and their owner, unless adopting', async () => {
    const ns = await namespace('deploy-owner');
    await applyYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-api-config' }, data: { ROLE: 'hand-made' } }, ns);
    await applyYaml(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w-db-config', annotations: { 'berth.dev/release': `${ns}/other` } }, data: { ROLE: 'other' } },
      ns,
    );
    const err = await deployEnv(ns, 'w', 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      `release w in namespace ${ns} would change objects it does not own:\n` +
        `  ConfigMap/w-api-config is owned by another tool (field managers: berth-test (Apply))\n` +
        `  ConfigMap/w-db-config is owned by release other in namespace ${ns}`,
    );
    expect((err as UserError).hint).toContain('--adopt');
    // Nothing was written: no revision, the hand-made object untouched.
    expect(await listJson('secrets', ns, 'owner=berth,release=w')).toEqual([]);
    expect((await getJson('configmap', 'w-api-config', ns)).data.ROLE).toBe('hand-made');

    const adopted = await deployEnv(ns, 'w', 'v1', { adopt: true });
    expect(adopted.outcome?.status).toBe('deployed');
    const cm = await getJson('configmap', 'w-api-config', ns);
    expect(cm.data.ROLE).toBe('api');
    expect(cm.metadata.annotations['berth.dev/release']).toBe(`${ns}/w`);
  });

  it('rolls back to the last deployed revision with --atomic when a rollout never becomes ready', async () => {
    const ns = await namespace('deploy-atomic');
    await deployEnv(ns, 'w', 'v1');
    const r = await deployEnv(ns, 'w', 'broken', { atomic: true, timeoutMs: 15_000 });
    expect(r.outcome).toMatchObject({ revision: 2, status: 'failed' });
    expect(r.outcome?.error).toMatch(/^timed out after 15s waiting for Deployment\/w-api \(.*not ready.*berth\.dev\/test-never-ready/);
    expect(r.rollback).toMatchObject({ revision: 3, status: 'deployed', toRevision: 1 });
    const ctx = await testContext(ns);
    expect((await ctx.store.list('w')).map((x) => [x.revision, x.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
    expect((await ctx.store.get('w', 2)).error).toBe(r.outcome?.error);
    const api = await getJson('deployment', 'w-api', ns);
    expect(api.spec.template.spec.containers[0].image).toBe('example.com/waves:1.0.0');
    expect(api.status.availableReplicas).toBe(1);
  });

  it('stores a release whose manifests exceed 2 MiB and deploys it again without changes', async () => {
    const ns = await namespace('deploy-big');
    const set = await synthWaves('big', 'w', ns);
    expect(Buffer.byteLength(JSON.stringify(set.objects))).toBeGreaterThan(2 * 1024 * 1024);
    const ctx = await testContext(ns);
    const r = await deploy(ctx, set, { timeoutMs: 60_000 });
    expect(r.outcome?.status).toBe('deployed');
    const chunks = await listJson('secrets', ns, 'owner=berth,release=w,chunk');
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    const stored = await ctx.store.get('w', 1);
    // Every object as rendered, except that Secret values are kept only as keyed digests (no secret in history).
    const bare = (objects: readonly KubeObject[]) => objects.map((o) => (o.kind === 'Secret' ? { ...o, data: Object.keys(o.data as object) } : o));
    expect(bare(stored.manifests)).toEqual(bare(set.objects));
    for (const s of stored.manifests.filter((o) => o.kind === 'Secret')) {
      for (const v of Object.values(s.data as Record<string, string>)) expect(v).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    }
    const again = await deploy(ctx, set, { timeoutMs: 60_000 });
    expect(again.outcome).toMatchObject({ revision: 2, noop: true });
  });
});

describe('deploy options', () => {
  it('keeps --history-max revisions, never dropping the last deployed one', async () => {
    const ns = await namespace('deploy-history');
    for (let i = 0; i < 4; i++) await deployEnv(ns, 'w', 'v1', { historyMax: 2 });
    const ctx = await testContext(ns);
    expect((await ctx.store.list('w')).map((r) => [r.revision, r.status])).toEqual([
      [3, 'superseded'],
      [4, 'deployed'],
    ]);
  });

  it('plans a release whose namespace does not exist yet as all-create, and deploys it with createNamespace', async () => {
    const ns = `deploy-newns-${Date.now().toString(36)}`;
    namespace.track(ns);
    const ctx = await testContext(ns);
    const set = await synthWaves('v1', 'w', ns);
    const dry = await deploy(ctx, set, { dryRun: true });
    expect(dry.plan.summary).toEqual({ create: 9, update: 0, delete: 0, unchanged: 0 });
    await expect(deploy(ctx, set, { timeoutMs: 60_000 })).rejects.toThrow(new UserError(`namespace ${ns} does not exist`));
    const r = await deploy(ctx, set, { timeoutMs: 60_000, createNamespace: true });
    expect(r.outcome?.status).toBe('deployed');
  });
});
