import { computeWaves, normalize, ownerOf, plan, type LiveState, type PlanInput } from '../../../src/model/plan.js';
import { UserError } from '../../../src/errors.js';
import { objectKey, type KubeObject, type ManifestSet } from '../../../src/model/manifest-set.js';

const ID = 'dev/shop';

function obj(kind: string, name: string, extra: Partial<KubeObject> = {}, service = 'api'): KubeObject {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  return {
    apiVersion,
    kind,
    ...extra,
    metadata: {
      name,
      namespace: 'dev',
      labels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': 'shop' },
      annotations: { 'berth.dev/release': ID },
      ...(extra.metadata ?? {}),
    },
  };
}

/** What the API server stores: the object plus bookkeeping fields and defaults. */
function stored(o: KubeObject, defaults: Record<string, unknown> = {}): KubeObject {
  return {
    ...o,
    ...defaults,
    metadata: { ...o.metadata, uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'berth', operation: 'Apply' }] },
    status: { replicas: 1 },
  };
}

function manifestSet(objects: KubeObject[]): ManifestSet {
  return {
    app: 'shop',
    version: '1.0.0',
    release: 'shop',
    namespace: 'dev',
    env: 'dev',
    services: [
      { name: 'api', kind: 'stateless', dependsOn: ['db'], configHash: 'a' },
      { name: 'db', kind: 'stateful', dependsOn: [], configHash: 'b' },
    ],
    objects,
  };
}

function input(desired: KubeObject[], live: [KubeObject, LiveState][], rest: Partial<PlanInput> = {}): PlanInput {
  return {
    desired: manifestSet(desired),
    live: new Map(live.map(([o, s]) => [objectKey(o), s])),
    previous: [],
    recorded: new Set(),
    existing: [],
    ...rest,
  };
}

describe('plan', () => {
  const deployment = obj('Deployment', 'shop-api', { spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', image: 'shop/api:1' }] } } } });

  it('creates objects that do not exist', () => {
    const p = plan(input([deployment], []));
    expect(p.changes.map((c) => [c.action, c.ref])).toEqual([['create', 'Deployment/shop-api']]);
    expect(p.changes[0]!.diff).toContain('+kind: Deployment');
    expect(p.hasChanges).toBe(true);
  });

  it('reports unchanged when the dry-run result equals the live object, defaults included', () => {
    const defaults = { spec: { replicas: 2, revisionHistoryLimit: 10, template: { spec: { containers: [{ name: 'api', image: 'shop/api:1' }] } } } };
    const current = stored(deployment, defaults);
    const applied = { ...stored(deployment, defaults), metadata: { ...current.metadata, resourceVersion: '43', managedFields: [] } };
    const p = plan(input([deployment], [[deployment, { current, applied }]]));
    expect(p.changes[0]!.action).toBe('unchanged');
    expect(p.hasChanges).toBe(false);
    expect(p.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 1 });
  });

  it('shows only the changed field of an update', () => {
    const next = obj('Deployment', 'shop-api', { spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', image: 'shop/api:2' }] } } } });
    const current = stored(deployment, { spec: { ...(deployment.spec as object), revisionHistoryLimit: 10 } });
    const applied = stored(next, { spec: { ...(next.spec as object), revisionHistoryLimit: 10 } });
    const p = plan(input([next], [[next, { current, applied }]]));
    expect(p.changes[0]!.action).toBe('update');
    const changed = p.changes[0]!.diff.split('\n').filter((l) => /^[+-]/.test(l));
    expect(changed).toEqual(['-          image: shop/api:1', '+          image: shop/api:2']);
  });

  it('refuses objects of another release and of another tool, naming the owner', () => {
    const cm = obj('ConfigMap', 'shop-api-config', { data: { a: '1' } });
    const svc = obj('Service', 'shop-api');
    const otherRelease = stored({ ...cm, metadata: { ...cm.metadata, annotations: { 'berth.dev/release': 'dev/other' } } });
    const otherTool = { ...stored(svc), metadata: { ...stored(svc).metadata, annotations: {}, managedFields: [{ manager: 'kubectl-client-side-apply' }, { manager: 'kube-controller-manager' }] } };
    const p = plan(input([cm, svc], [[cm, { current: otherRelease, applied: otherRelease }], [svc, { current: otherTool, applied: otherTool }]]));
    expect(p.conflicts).toEqual([
      { key: 'v1/ConfigMap/dev/shop-api-config', ref: 'ConfigMap/shop-api-config', owner: 'release other in namespace dev' },
      { key: 'v1/Service/dev/shop-api', ref: 'Service/shop-api', owner: 'another tool (field managers: kubectl-client-side-apply, kube-controller-manager)' },
    ]);
  });

  it('adopts with the adopt option: no conflict and an update', () => {
    const cm = obj('ConfigMap', 'shop-api-config', { data: { a: '1' } });
    const other = stored({ ...cm, metadata: { ...cm.metadata, annotations: { 'berth.dev/release': 'dev/other' } } });
    const p = plan({ ...input([cm], [[cm, { current: other, applied: stored(cm) }]]), options: { adopt: true } });
    expect(p.conflicts).toEqual([]);
    expect(p.changes[0]!.action).toBe('update');
  });

  it('prunes objects of the previous revision no longer rendered and leftovers of interrupted runs, never what controllers made', () => {
    const oldCm = obj('ConfigMap', 'shop-old');
    const leftover = obj('Service', 'shop-left');
    const olderRecorded = obj('ConfigMap', 'shop-older');
    const foreign = { ...obj('ConfigMap', 'copy'), metadata: { ...obj('ConfigMap', 'copy').metadata, annotations: {} } };
    const rs = stored(obj('ReplicaSet', 'shop-api-5d9'));
    rs.metadata.ownerReferences = [{ kind: 'Deployment', name: 'shop-api' }];
    const byController = stored(obj('PersistentVolumeClaim', 'data-shop-db-0'));
    byController.metadata.managedFields = [{ manager: 'kube-controller-manager', operation: 'Update' }];
    const p = plan(
      input([deployment], [], {
        previous: [deployment, oldCm],
        recorded: new Set([objectKey(deployment), objectKey(oldCm), objectKey(olderRecorded)]),
        existing: [stored(oldCm), stored(leftover), stored(olderRecorded), stored(foreign), stored(deployment), rs, byController],
      }),
    );
    const deletes = p.changes.filter((c) => c.action === 'delete').map((c) => [c.ref, c.reason]);
    expect(deletes).toEqual([
      ['Service/shop-left', 'left by an interrupted run'],
      ['ConfigMap/shop-old', 'no longer rendered'],
    ]);
  });

  it("never prunes the release's own namespace", () => {
    const own = stored({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', annotations: { 'berth.dev/release': ID } } });
    const p = plan(input([], [], { previous: [own], recorded: new Set([objectKey(own)]), existing: [own] }));
    expect(p.changes).toEqual([]);
  });

  it('keeps objects annotated berth.dev/keep', () => {
    const kept = obj('ConfigMap', 'shop-old', { metadata: { name: 'shop-old', namespace: 'dev', annotations: { 'berth.dev/release': ID, 'berth.dev/keep': 'true' } } });
    const p = plan(input([], [], { previous: [kept], recorded: new Set([objectKey(kept)]), existing: [stored(kept)] }));
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual(['ConfigMap/shop-old']);
  });

  it('redacts Secret values in diffs, changed or not, unless asked', () => {
    const before = obj('Secret', 'shop-db', { data: { user: Buffer.from('admin').toString('base64'), password: Buffer.from('hunter2').toString('base64') } });
    const after = obj('Secret', 'shop-db', { data: { user: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cret!').toString('base64') } });
    const p = plan(input([after], [[after, { current: stored(before), applied: stored(after) }]]));
    const d = p.changes[0]!.diff;
    expect(d).toContain('-  password: REDACTED (7 bytes)');
    expect(d).toContain('+  password: REDACTED (7 bytes, changed)');
    expect(d).toContain('   user: REDACTED (5 bytes)');
    expect(d).not.toContain(Buffer.from('s3cret!').toString('base64'));
    const shown = plan({ ...input([after], [[after, { current: stored(before), applied: stored(after) }]]), options: { showSecrets: true } });
    expect(shown.changes[0]!.diff).toContain(`+  password: ${Buffer.from('s3cret!').toString('base64')}`);
  });

  it('orders services in waves by dependency', () => {
    expect(plan(input([], [])).waves).toEqual([['db'], ['api']]);
  });
});

describe('computeWaves', () => {
  it('puts independent services in one wave', () => {
    const s = (name: string, dependsOn: string[] = []) => ({ name, kind: 'stateless' as const, dependsOn, configHash: '' });
    expect(computeWaves([s('web', ['api']), s('api', ['db', 'cache']), s('db'), s('cache'), s('agent')])).toEqual([['agent', 'cache', 'db'], ['api'], ['web']]);
  });

  it('names the services of a cycle', () => {
    const s = (name: string, dependsOn: string[]) => ({ name, kind: 'stateless' as const, dependsOn, configHash: '' });
    expect(() => computeWaves([s('a', ['b']), s('b', ['a'])])).toThrow(new UserError('services depend on each other in a cycle: a → b → a'));
  });

  it('names an unknown dependency', () => {
    const s = (name: string, dependsOn: string[]) => ({ name, kind: 'stateless' as const, dependsOn, configHash: '' });
    expect(() => computeWaves([s('api', ['db'])])).toThrow("service 'api' depends on 'db', which is not a service of this application");
  });
});

describe('normalize and ownerOf', () => {
  it('drops status and server bookkeeping', () => {
    const n = normalize(stored(obj('ConfigMap', 'x')));
    expect(n.status).toBeUndefined();
    expect(Object.keys(n.metadata).sort()).toEqual(['annotations', 'labels', 'name', 'namespace']);
  });

  it('names managers of an unannotated object', () => {
    expect(ownerOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, ID)).toBe(
      'no release and no field manager (it has no berth.dev/release annotation)',
    );
    const managed = (managedFields: unknown[]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields } });
    expect(ownerOf(managed([{ manager: 'kubectl-create', operation: 'Update' }, { manager: 'berth', operation: 'Apply' }]), ID)).toBe(
      'another tool (field managers: kubectl-create (Update), berth (Apply))',
    );
    // What the escape-hatch bug left behind: applied by Berth, never annotated. Not "another tool (managers: berth)".
    expect(ownerOf(managed([{ manager: 'berth', operation: 'Apply' }]), ID)).toBe(
      'no release: Berth wrote it without the berth.dev/release annotation (field managers: berth (Apply))',
    );
    expect(ownerOf(obj('ConfigMap', 'x'), ID)).toBeUndefined();
  });

  it('names the release and namespace of an object annotated by another release', () => {
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { 'berth.dev/release': 'prod/shop' } } };
    expect(ownerOf(other, ID)).toBe('release shop in namespace prod');
  });
});
