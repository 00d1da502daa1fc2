import { deploy } from '../../../src/deploy/deploy.js';
import { ClusterError, UserError } from '../../../src/errors.js';
import { unreachable } from '../../../src/model/kube-errors.js';
import { MemoryKubeApi, SimulatedCrash } from '../../../src/model/memory/kube-api.js';
import { ANNOTATION_KEEP, ANNOTATION_RELEASE, LABEL_INSTANCE, LABEL_PART_OF, type KubeObject } from '../../../src/model/manifest-set.js';
import { releaseId } from '../../../src/model/plan.js';
import { leaseName } from '../../../src/release/lock.js';
import { revisionSecretName, SecretRevisionStore } from '../../../src/release/store.js';
import type { ManifestSet } from '../../../src/model/manifest-set.js';
import {
  configMap,
  DEAD_HOLDER,
  deployment,
  FakeClock,
  LIVE_HOLDER,
  memoryCluster,
  memoryContext,
  NS,
  PROCESSES,
  RELEASE,
  release,
  web,
  writes,
} from './helpers.js';

let api: MemoryKubeApi;
let store: SecretRevisionStore;

beforeEach(() => {
  ({ api, store } = memoryCluster((image) => (image.endsWith(':broken') ? 'deadline-exceeded' : image.endsWith(':stuck') ? 'unavailable' : 'available')));
});

function live(kind: string, name: string): KubeObject | undefined {
  return api.objects(kind).find((o) => o.metadata.name === name);
}

/** Our ConfigMap's name, created with kubectl: no release annotation. */
function foreignConfigMap(): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-web-config', namespace: NS }, data: { TAG: 'theirs' } };
}

function imageOf(obj: KubeObject | undefined): string | undefined {
  return (obj?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;
}

describe('deploy over the in-memory API', () => {
  it('installs a release and records revision 1 as deployed', async () => {
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.outcome).toMatchObject({ revision: 1, status: 'deployed', description: 'Install', noop: false });
    expect(imageOf(live('Deployment', 'demo-web'))).toBe('example/web:v1');
    expect((await store.get(RELEASE, 1)).manifests.map((o) => o.metadata.name)).toEqual(['demo-web-config', 'demo-web']);
    expect(live('Lease', leaseName(RELEASE))).toBeUndefined();
  });

  it('records a failed rollout in the revision with the reason, leaving the previous revision deployed', async () => {
    await deploy(memoryContext(api), web('v1'));
    const result = await deploy(memoryContext(api), web('broken'));
    const reason = 'Deployment/demo-web failed: rollout failed: ProgressDeadlineExceeded: ReplicaSet "demo-web-2" has timed out progressing.';
    expect(result.outcome).toMatchObject({ revision: 2, status: 'failed', error: reason });
    const failed = await store.get(RELEASE, 2);
    expect(failed).toMatchObject({ status: 'failed', error: reason, description: 'Upgrade' });
    expect((await store.list(RELEASE)).map((r) => r.status)).toEqual(['deployed', 'failed']);
  });

  it('records a rollout that never becomes available as timed out, naming the object and what it waits for', async () => {
    const result = await deploy(memoryContext(api), web('stuck'), { timeoutMs: 1000 });
    expect(result.outcome?.status).toBe('failed');
    expect((await store.get(RELEASE, 1)).error).toBe('timed out after 1s waiting for Deployment/demo-web (0 of 1 updated replicas available)');
  });

  it('says which revision it leaves pending when the API server stays unreachable, and the next deploy marks it interrupted', async () => {
    await deploy(memoryContext(api), web('v1'));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    let down = false;
    const up = api.onRequest((req) => {
      if (req.verb === 'apply' && req.kind === 'Deployment' && !req.dryRun) down = true;
      return down ? { error: unreachable(refused, { server: 'https://127.0.0.1:6443', context: 'ci' }) } : undefined;
    });
    // The run dies with its CLI process: a holder that is gone, as the next run on this host finds it.
    const err = await deploy(memoryContext(api, DEAD_HOLDER), web('v2')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toBe(
      'cannot reach the Kubernetes API at https://127.0.0.1:6443 (context ci): connect ECONNREFUSED 127.0.0.1:6443\n' +
        'revision 2 of release dev/demo is left pending (recording the failure failed the same way); the next deploy of the release marks it interrupted',
    );
    expect((err as ClusterError).hint).toBe('is the cluster running (`berth cluster status`)? check --kubeconfig and --context');
    up();
    expect((await store.list(RELEASE)).map((r) => r.status)).toEqual(['deployed', 'pending']);
    const next = await deploy(memoryContext(api), web('v3'));
    expect(next.interrupted).toEqual([2]);
    expect((await store.list(RELEASE)).map((r) => r.status)).toEqual(['superseded', 'interrupted', 'deployed']);
  });

  it('says the revision may be left pending when the API server goes away while the revision is being recorded', async () => {
    await deploy(memoryContext(api), web('v1'));
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const down = api.onRequest((req) =>
      req.verb === 'create' && req.kind === 'Secret' && req.name === revisionSecretName(RELEASE, 2)
        ? { error: unreachable(refused, { server: 'https://127.0.0.1:6443', context: 'ci' }) }
        : undefined,
    );
    await expect(deploy(memoryContext(api, DEAD_HOLDER), web('v2'))).rejects.toThrow(
      'cannot reach the Kubernetes API at https://127.0.0.1:6443 (context ci): connect ECONNREFUSED 127.0.0.1:6443\n' +
        'revision 2 of release dev/demo may be left pending; if so, the next deploy of the release marks it interrupted',
    );
    down();
    expect((await deploy(memoryContext(api), web('v3'))).outcome).toMatchObject({ revision: 2, status: 'deployed' });
  });

  it('records an API error while applying as a failed revision', async () => {
    api.failNext({ verb: 'apply', kind: 'Deployment', dryRun: false }, { status: 403, message: 'deployments.apps "demo-web" is forbidden: User "ci" cannot patch' });
    const result = await deploy(memoryContext(api), web('v1'));
    const error = 'not allowed to apply Deployment/demo-web in namespace dev (403 Forbidden): deployments.apps "demo-web" is forbidden: User "ci" cannot patch';
    expect(result.outcome).toMatchObject({ status: 'failed', error });
    expect((await store.get(RELEASE, 1)).status).toBe('failed');
  });

  it('with atomic, rolls a failed upgrade back as a new revision with the previous manifests and restores the objects', async () => {
    await deploy(memoryContext(api), web('v1'));
    const result = await deploy(memoryContext(api), web('broken'), { atomic: true });
    expect(result.outcome).toMatchObject({ revision: 2, status: 'failed' });
    expect(result.rollback).toMatchObject({ revision: 3, status: 'deployed', toRevision: 1, description: 'Rollback to 1 (revision 2 failed)' });
    expect(imageOf(live('Deployment', 'demo-web'))).toBe('example/web:v1');
    expect(live('ConfigMap', 'demo-web-config')?.data).toEqual({ TAG: 'v1' });
    expect((await store.list(RELEASE)).map((r) => `${r.revision} ${r.status}`)).toEqual(['1 superseded', '2 failed', '3 deployed']);
    expect((await store.get(RELEASE, 3)).manifests).toEqual((await store.get(RELEASE, 1)).manifests);
  });

  it('prunes objects the new revision no longer renders, but not a look-alike another tool wrote', async () => {
    await deploy(memoryContext(api), web('v1', [configMap('demo-web-extra', { a: '1' })]));
    // Same labels and annotation as ours, but written by kubectl: a label match alone must not get it deleted.
    api.put(configMap('demo-web-copy', { b: '2' }));
    const result = await deploy(memoryContext(api), web('v2'));
    expect(result.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.ref} (${c.reason})`)).toEqual(['ConfigMap/demo-web-extra (no longer rendered)']);
    expect(live('ConfigMap', 'demo-web-extra')).toBeUndefined();
    expect(live('ConfigMap', 'demo-web-copy')).toBeDefined();
  });

  it('takes over the lock of a run that died and marks its pending revision interrupted', async () => {
    await deploy(memoryContext(api), web('v1'));
    api.failNext({ verb: 'apply', kind: 'Deployment', dryRun: false }, { crash: true });
    await expect(deploy(memoryContext(api, DEAD_HOLDER), web('v2'))).rejects.toThrow(SimulatedCrash);
    api.restart();
    expect(live('Lease', leaseName(RELEASE))?.spec).toMatchObject({ holderIdentity: DEAD_HOLDER.identity });

    const result = await deploy(memoryContext(api), web('v2'));
    expect(result.takenOverFrom).toBe(DEAD_HOLDER.identity);
    expect(result.interrupted).toEqual([2]);
    expect(result.outcome).toMatchObject({ revision: 3, status: 'deployed' });
    expect(await store.get(RELEASE, 2)).toMatchObject({ status: 'interrupted', error: `interrupted: the run of ${DEAD_HOLDER.identity} stopped before finishing` });
  });

  it('fails at once while another live run holds the lock, writing nothing', async () => {
    const other = { identity: 'alice@laptop pid 11', host: 'laptop', pid: 11 };
    const lock = await memoryContext(api, other).acquireLock(NS, RELEASE);
    const before = api.requests.length;
    const held = live('Lease', `berth-release-${RELEASE}`);
    await expect(deploy(memoryContext(api), web('v1'))).rejects.toThrow(/^release demo in namespace dev is locked by alice@laptop pid 11; its lock expires at /);
    // The one write tried is the lease's create, which the API refuses (it exists): nothing changed.
    expect(writes(api, before)).toEqual([`create Lease/berth-release-${RELEASE}`]);
    expect(live('Lease', `berth-release-${RELEASE}`)).toEqual(held);
    await lock.release();
  });

  it('refuses a deploy from another PID namespace of this host while the holder runs, though it cannot see the holder\'s pid', async () => {
    const lock = await memoryContext(api, LIVE_HOLDER).acquireLock(NS, RELEASE);
    // A container or CI runner sharing the host: its own pids only, none of them the holder's.
    const container = { ...PROCESSES, pidNamespace: 'pid:[4026532178]', startTime: () => undefined };
    const before = api.requests.length;
    const err = await deploy(memoryContext(api, { ...LIVE_HOLDER, identity: 'ci@build pid 1', pid: 1, pidNamespace: container.pidNamespace }, { processes: container }), web('v1')).catch(
      (e: unknown) => e,
    );
    expect((err as UserError).message).toMatch(/^release demo in namespace dev is locked by ci@build pid 100; its lock expires at /);
    expect((err as UserError).hint).toMatch(/^Berth cannot tell whether the holder still runs: it runs in another PID namespace on this host/);
    // The lease's create is refused (it exists); nothing else is tried.
    expect(writes(api, before)).toEqual([`create Lease/berth-release-${RELEASE}`]);
    await lock.release();
  });

  it('waits for a lock it cannot judge, showing the holder and the seconds left, and deploys once the lease expires', async () => {
    const clock = new FakeClock();
    const stranger = { identity: 'ci@build pid 100', host: 'build', pid: 100, bootId: 'boot-2', pidNamespace: 'pid:[1]', startTime: '1' };
    const held = await memoryContext(api, stranger, { clock }).acquireLock(NS, RELEASE);
    // Killed: it renews no more.
    (held as unknown as { timer: NodeJS.Timeout }).timer.unref();
    clearInterval((held as unknown as { timer: NodeJS.Timeout }).timer);
    const notes: string[] = [];
    const progress = { service() {}, note: (line: string) => notes.push(line), stop() {} };
    const result = await deploy(memoryContext(api, LIVE_HOLDER, { clock, waitMs: 60_000, progress }), web('v1'));
    expect(notes[0]).toBe(
      'waiting for the lock of release demo: held by ci@build pid 100 (it runs on another machine (another boot id)); its lease expires in 30s unless renewed; giving up in 60s',
    );
    expect(notes).toContain('took over the lock of ci@build pid 100 (lease expired)');
    expect(result.outcome).toMatchObject({ revision: 1, status: 'deployed' });
  });

  it('a run paused past its lease between two waves writes nothing more, records nothing as deployed, and says it lost the lock', async () => {
    const clock = new FakeClock();
    const twoWaves = (tag: string): ManifestSet => ({
      ...release([deployment('demo-db', `example/db:${tag}`, 'db'), deployment('demo-web', `example/web:${tag}`)], { tag }),
      services: [
        { name: 'db', kind: 'stateless', dependsOn: [], configHash: 'h' },
        { name: 'web', kind: 'stateless', dependsOn: ['db'], configHash: 'h' },
      ],
    });
    // SIGSTOP right after the first wave went in; SIGCONT 31 s later, past the 30 s lease.
    let from = 0;
    const stop = api.onRequest((req) => {
      if (req.verb === 'apply' && !req.dryRun && req.name === 'demo-db') {
        clock.advance(31_000);
        from = api.requests.length;
      }
      return undefined;
    });
    const err = await deploy(memoryContext(api, LIVE_HOLDER, { clock }), twoWaves('v1')).catch((e: unknown) => e);
    stop();
    expect((err as Error).message).toMatch(
      /^lost the lock of release demo: not renewed for 31\.\ds, longer than its 30s lease less a 6s safety margin \(was this process paused\?\); another run may hold it now\. Nothing more was written; revision 1 is not recorded as deployed, and the next run marks it interrupted$/,
    );
    expect(writes(api, from)).toEqual([]);
    expect(live('Deployment', 'demo-web')).toBeUndefined();
    expect((await store.list(RELEASE)).map((r) => r.status)).toEqual(['pending']);

    const next = await deploy(memoryContext(api, LIVE_HOLDER, { clock }), twoWaves('v1'));
    expect(next.interrupted).toEqual([1]);
    expect(next.outcome).toMatchObject({ revision: 2, status: 'deployed' });
  });

  it('survives a crash between writing the revision chunks and its head: the next deploy records it readable', async () => {
    await deploy(memoryContext(api), web('v1'));
    api.failNext({ verb: 'create', kind: 'Secret', name: revisionSecretName(RELEASE, 2) }, { crash: true });
    await expect(deploy(memoryContext(api, DEAD_HOLDER), web('v2'))).rejects.toThrow(SimulatedCrash);
    api.restart();
    const orphans = api.objects('Secret').filter((s) => s.metadata.name.startsWith(`${revisionSecretName(RELEASE, 2)}.c`));
    expect(orphans.length).toBeGreaterThan(0);
    expect((await store.list(RELEASE)).map((r) => r.revision)).toEqual([1]);

    const result = await deploy(memoryContext(api), web('v2'));
    expect(result.outcome).toMatchObject({ revision: 2, status: 'deployed' });
    for (const r of await store.list(RELEASE)) await expect(store.get(RELEASE, r.revision)).resolves.toMatchObject({ revision: r.revision });
    expect((await store.get(RELEASE, 2)).values).toEqual({ tag: 'v2' });
  });

  it('refuses to change an object another tool owns, before writing anything', async () => {
    api.put(foreignConfigMap());
    const before = api.requests.length;
    const err = await deploy(memoryContext(api), web('v1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'release demo in namespace dev would change objects it does not own:\n  ConfigMap/demo-web-config is owned by another tool (field managers: kubectl-client-side-apply (Update))',
    );
    expect(writes(api, before).filter((w) => !w.includes('Lease/'))).toEqual([]);
    expect(live('ConfigMap', 'demo-web-config')?.data).toEqual({ TAG: 'theirs' });
  });

  it('finds which of many new objects of a kind exist with one list of names, and still reads and refuses a foreign one', async () => {
    const many = Array.from({ length: 12 }, (_, i) => configMap(`demo-web-config-${String(i).padStart(2, '0')}`, { N: String(i) }));
    const before = api.requests.length;
    const first = await deploy(memoryContext(api), release(many));
    expect(first.outcome?.status).toBe('deployed');
    const reads = api.requests.slice(before).filter((r) => r.kind === 'ConfigMap' && (r.verb === 'read' || r.verb === 'list') && !r.dryRun);
    // After the release's label list (of every kind), the names of the namespace's ConfigMaps: no read per object.
    expect(reads.map((r) => `${r.verb} ${r.name ?? ''}`)).toEqual(['list ']);
    // Twelve more, one of them someone else's: that one is read in full and refused, as one by one.
    const more = Array.from({ length: 12 }, (_, i) => configMap(`demo-web-config-${String(i + 12).padStart(2, '0')}`, { N: String(i) }));
    api.put({ ...foreignConfigMap(), metadata: { ...foreignConfigMap().metadata, name: 'demo-web-config-20' } });
    const next = api.requests.length;
    const err = await deploy(memoryContext(api), release([...many, ...more])).catch((e: unknown) => e);
    expect((err as UserError).message).toContain('ConfigMap/demo-web-config-20 is owned by another tool');
    expect(api.requests.slice(next).filter((r) => r.kind === 'ConfigMap' && r.verb === 'read').map((r) => r.name)).toEqual(['demo-web-config-20']);
  });

  it('adopts an object another tool owns with adopt, taking it over by server-side apply', async () => {
    api.put(foreignConfigMap());
    const result = await deploy(memoryContext(api), web('v1'), { adopt: true });
    expect(result.outcome?.status).toBe('deployed');
    const cm = live('ConfigMap', 'demo-web-config')!;
    expect(cm.data).toEqual({ TAG: 'v1' });
    expect((cm.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager} ${m.operation}`)).toEqual([
      'kubectl-client-side-apply Update',
      'berth Apply',
    ]);
  });

  it('writes nothing but the revision record on a redeploy without changes', async () => {
    await deploy(memoryContext(api), web('v1'));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.outcome).toMatchObject({ revision: 2, status: 'deployed', description: 'No changes', noop: true });
    const record = writes(api, before).filter((w) => w.includes(`Secret/${revisionSecretName(RELEASE, 2)}`));
    expect(record).toContain(`create Secret/${revisionSecretName(RELEASE, 2)}`);
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual([]);
  });

  it('records a redeploy without changes whose objects the plan read ready as deployed in one write, superseding the last', async () => {
    await deploy(memoryContext(api), web('v1'));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.outcome).toMatchObject({ revision: 2, status: 'deployed', noop: true });
    const secret = (n: number) => `Secret/${revisionSecretName(RELEASE, n)}`;
    const lease = `Lease/${leaseName(RELEASE)}`;
    // No pending revision: neither a patch of the new record nor the lease naming it; the previous one superseded.
    // (The payload's chunks, this test's chunk size being small, are written before the head.)
    expect(writes(api, before).filter((w) => !/\.c\d+$/.test(w))).toEqual([`create ${lease}`, `create ${secret(2)}`, `patch ${secret(1)}`, `delete ${lease}`]);
    expect((await store.list(RELEASE)).map((r) => `${r.revision} ${r.status}`)).toEqual(['1 superseded', '2 deployed']);
    // A change still goes pending first, then deployed.
    const changed = api.requests.length;
    await deploy(memoryContext(api), web('v2'));
    expect(writes(api, changed).filter((w) => w.endsWith(secret(3)))).toEqual([`create ${secret(3)}`, `patch ${secret(3)}`]);
    expect(writes(api, changed).filter((w) => w.startsWith('update Lease') || w.startsWith('patch Lease'))).toHaveLength(1);
  });

  it('prunes history and supersedes at once on a redeploy without changes, never patching a revision it prunes', async () => {
    for (let i = 0; i < 3; i++) expect((await deploy(memoryContext(api), web('v1'), { historyMax: 1 })).outcome?.status).toBe('deployed');
    // Revision 2, deployed before the third run, is pruned by it: superseding it too would patch a deleted Secret.
    expect((await store.list(RELEASE)).map((r) => `${r.revision} ${r.status}`)).toEqual(['3 deployed']);
  });

  it('dry-runs nothing and writes nothing but the revision on a redeploy without changes', async () => {
    await deploy(memoryContext(api), web('v1'));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.plan.summary).toMatchObject({ unchanged: 2, update: 0, create: 0 });
    expect(api.requests.slice(before).filter((r) => r.dryRun)).toEqual([]);
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual([]);
  });

  it('judges a redeploy without changes ready from the objects the plan read: no watch, no pod read', async () => {
    await deploy(memoryContext(api), web('v1'));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.outcome).toMatchObject({ status: 'deployed', noop: true });
    const after = api.requests.slice(before);
    expect(after.filter((r) => r.verb === 'watch')).toEqual([]);
    expect(after.filter((r) => r.kind === 'Pod' || r.kind === 'ReplicaSet')).toEqual([]);
    // A change is watched as before.
    const changed = api.requests.length;
    await deploy(memoryContext(api), web('v2'));
    expect(api.requests.slice(changed).filter((r) => r.verb === 'watch').map((r) => r.kind)).toContain('Deployment');
  });

  it('still waits on a redeploy without changes whose objects are not ready, and fails it on time', async () => {
    await deploy(memoryContext(api), web('stuck'), { timeoutMs: 1000 });
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('stuck'), { timeoutMs: 1000 });
    expect(result.plan.hasChanges).toBe(false);
    expect(result.outcome).toMatchObject({ status: 'failed', error: 'timed out after 1s waiting for Deployment/demo-web (0 of 1 updated replicas available)' });
    expect(api.requests.slice(before).filter((r) => r.verb === 'watch').map((r) => r.kind)).toContain('Deployment');
  });

  it('after a failed run, finds a leftover of a kind the release does not render by its metadata, reads only that one in full, and prunes it', async () => {
    await deploy(memoryContext(api), web('v1'));
    // The newest revision is not the deployed one: what the release may have applied since is searched in every kind.
    expect((await deploy(memoryContext(api), web('stuck'), { timeoutMs: 1000 })).outcome?.status).toBe('failed');
    const labels = { [LABEL_INSTANCE]: RELEASE };
    const annotations = { [ANNOTATION_RELEASE]: releaseId(NS, RELEASE) };
    // Applied by this release in a run no revision recorded, and a pod its Deployment made (labels, but an owner).
    await api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo-old', namespace: NS, labels, annotations }, spec: { ports: [{ port: 80 }] } });
    api.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'demo-web-1', namespace: NS, labels, annotations, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'demo-web-1', uid: 'u1' }] } }, 'kube-controller-manager');
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.ref} (${c.reason})`)).toEqual(['Service/demo-old (left by an interrupted run)']);
    expect(result.plan.changes.find((c) => c.action === 'delete')!.diff).toContain('port: 80');
    expect(api.requests.slice(before).filter((r) => r.verb === 'read' && (r.kind === 'Service' || r.kind === 'Pod')).map((r) => `${r.kind}/${r.name}`)).toEqual(['Service/demo-old']);
    expect(live('Service', 'demo-old')).toBeUndefined();
    expect(live('Pod', 'demo-web-1')).toBeDefined();
  });

  it('searches only the kinds of its last deployed revision when that is the newest: no other kind can hold what it applied', async () => {
    await deploy(memoryContext(api), web('v1'));
    // Only a write made as Berth outside any run (which records its revision before applying) could leave this.
    const labels = { [LABEL_INSTANCE]: RELEASE };
    const annotations = { [ANNOTATION_RELEASE]: releaseId(NS, RELEASE) };
    await api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'demo-old', namespace: NS, labels, annotations }, spec: { ports: [{ port: 80 }] } });
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.plan.changes.filter((c) => c.action === 'delete')).toEqual([]);
    expect(api.requests.slice(before).filter((r) => r.verb === 'read' && r.kind === 'Service')).toEqual([]);
    expect(live('Service', 'demo-old')).toBeDefined();
  });

  it('detects drift (kubectl edit of a field Berth set) without the applied hash changing, and applies the object back', async () => {
    await deploy(memoryContext(api), web('v1'));
    const edited = live('Deployment', 'demo-web')!;
    // `kubectl edit`: the hash annotation stays, the field Berth set changes (and its ownership moves to kubectl-edit).
    api.put({ ...edited, spec: { ...(edited.spec as object), replicas: 3 } }, 'kubectl-edit');
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.plan.changes.filter((c) => c.action === 'update').map((c) => c.ref)).toEqual(['Deployment/demo-web']);
    expect(result.plan.changes.find((c) => c.action === 'update')!.diff).toContain('-  replicas: 3');
    expect(api.requests.slice(before).filter((r) => r.dryRun).map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/demo-web']);
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual(['apply Deployment/demo-web']);
    expect((live('Deployment', 'demo-web')!.spec as { replicas: number }).replicas).toBe(1);
  });

  it('detects a label removed by hand', async () => {
    await deploy(memoryContext(api), web('v1'));
    const cm = live('ConfigMap', 'demo-web-config')!;
    const { [LABEL_PART_OF]: _gone, ...labels } = cm.metadata.labels!;
    api.put({ ...cm, metadata: { ...cm.metadata, labels } }, 'kubectl-edit');
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.plan.changes.filter((c) => c.action === 'update').map((c) => c.ref)).toEqual(['ConfigMap/demo-web-config']);
    expect(live('ConfigMap', 'demo-web-config')!.metadata.labels?.[LABEL_PART_OF]).toBe('demo');
  });

  it('writes and dry-runs only the changed service when one service of several changes', async () => {
    const services = (apiTag: string) => ({
      ...release([configMap('demo-web-config', { TAG: 'v1' }), deployment('demo-web', 'example/web:v1'), deployment('demo-api', `example/api:${apiTag}`, 'api')]),
      services: [
        { name: 'web', kind: 'stateless' as const, dependsOn: [], configHash: 'h' },
        { name: 'api', kind: 'stateless' as const, dependsOn: [], configHash: 'h' },
      ],
    });
    await deploy(memoryContext(api), services('v1'));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), services('v2'));
    expect(result.plan.summary).toMatchObject({ update: 1, unchanged: 2 });
    expect(api.requests.slice(before).filter((r) => r.dryRun).map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/demo-api']);
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual(['apply Deployment/demo-api']);
  });

  it('dry-runs every object after a failed run, which may have applied something the deployed revision did not', async () => {
    await deploy(memoryContext(api), web('v1'));
    expect((await deploy(memoryContext(api), web('broken'))).outcome?.status).toBe('failed');
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v1'));
    expect(result.outcome?.status).toBe('deployed');
    expect(api.requests.slice(before).filter((r) => r.dryRun).map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['ConfigMap/demo-web-config', 'Deployment/demo-web']);
    expect(result.plan.changes.filter((c) => c.action === 'update').map((c) => c.ref).sort()).toEqual(['ConfigMap/demo-web-config', 'Deployment/demo-web']);
    expect(imageOf(live('Deployment', 'demo-web'))).toBe('example/web:v1');
  });

  it('reads only the last deployed revision\'s payload to plan, the other revisions\' object keys from the list', async () => {
    for (const tag of ['v1', 'v2', 'v3']) await deploy(memoryContext(api), web(tag));
    const before = api.requests.length;
    const result = await deploy(memoryContext(api), web('v4'));
    expect(result.outcome).toMatchObject({ revision: 4, status: 'deployed' });
    const payloadReads = api.requests.slice(before).filter((r) => r.verb === 'read' && r.kind === 'Secret' && /^berth\.release\.v1\.demo\.v\d+(\..*)?$/.test(r.name ?? ''));
    // The head of revision 3 and its chunks (small chunks in tests); nothing of revisions 1 and 2.
    expect(payloadReads.length).toBeGreaterThan(0);
    expect(payloadReads.every((r) => r.name!.startsWith(`${revisionSecretName(RELEASE, 3)}`) || r.name === revisionSecretName(RELEASE, 4))).toBe(true);
    expect((await store.list(RELEASE))[0]!.objectKeys).toEqual(['v1/ConfigMap/dev/demo-web-config', 'apps/v1/Deployment/dev/demo-web']);
  });

  it('knows an object only an old revision recorded from the keys in the list, without reading that revision', async () => {
    const old = configMap('demo-old', { A: '1' });
    old.metadata.annotations = { ...old.metadata.annotations, [ANNOTATION_KEEP]: 'true' };
    await deploy(memoryContext(api), web('v1', [old]));
    // Rendered no more but kept: revision 2 says so; revision 3 knows it from revision 1's keys, not as a leftover.
    expect((await deploy(memoryContext(api), web('v2'))).plan.kept).toEqual(['ConfigMap/demo-old']);
    const before = api.requests.length;
    const third = await deploy(memoryContext(api), web('v3'));
    expect(third.plan.kept).toEqual([]);
    expect(api.requests.slice(before).some((r) => r.verb === 'read' && r.name?.startsWith(revisionSecretName(RELEASE, 1)))).toBe(false);
  });

  it('refuses a release whose namespace does not exist unless asked to create it', async () => {
    const set = { ...web('v1'), namespace: 'nowhere' };
    await expect(deploy(memoryContext(api), set)).rejects.toThrow('namespace nowhere does not exist');
    expect(api.objects('Namespace').map((n) => n.metadata.name)).not.toContain('nowhere');
  });
});
