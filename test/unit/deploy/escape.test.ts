// Objects an Application renders beside Berth's constructs (berth/k8s bindings, cdk8s-plus, Include): the engine's
// rules for them over the in-memory API — ownership and its message, --adopt that sticks, prune, uninstall with
// cluster-scoped objects, CustomResourceDefinitions established before objects of their kind.
import { deploy } from '../../../src/deploy/deploy.js';
import { uninstall } from '../../../src/deploy/uninstall.js';
import { UserError } from '../../../src/errors.js';
import type { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import { ANNOTATION_RELEASE, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_PART_OF, type KubeObject } from '../../../src/model/manifest-set.js';
import { memoryCluster, memoryContext, NS, RELEASE, web, writes } from './helpers.js';

let api: MemoryKubeApi;

beforeEach(() => {
  ({ api } = memoryCluster());
});

/** Metadata synth gives an object at the Application root: the release's labels, no service. */
function releaseLevel(name: string, namespaced = true): KubeObject['metadata'] {
  return {
    name,
    ...(namespaced ? { namespace: NS } : {}),
    labels: { [LABEL_INSTANCE]: RELEASE, [LABEL_PART_OF]: 'demo', [LABEL_MANAGED_BY]: 'berth' },
    annotations: { [ANNOTATION_RELEASE]: `${NS}/${RELEASE}` },
  };
}

const extra = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: releaseLevel('demo-extra'), data: { A: '1' } });
const clusterRole = (): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: releaseLevel('demo-dev-reader', false), rules: [] });
const crd = (): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: releaseLevel('widgets.example.com', false),
  spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
});
const widget = (): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: releaseLevel('demo-widget'), spec: { size: 3 } });

const names = (kind: string) => api.objects(kind).map((o) => o.metadata.name);

describe('escape-hatch objects over the in-memory API', () => {
  it('deploys, redeploys without writes, prunes a removed one and uninstalls all, cluster-scoped included', async () => {
    await deploy(memoryContext(api), web('v1', [extra(), clusterRole()]));
    expect(names('ClusterRole')).toEqual(['demo-dev-reader']);
    expect(api.objects('ClusterRole')[0]!.metadata.namespace).toBeUndefined();

    const before = api.requests.length;
    const again = await deploy(memoryContext(api), web('v1', [extra(), clusterRole()]));
    expect(again.plan.conflicts).toEqual([]);
    expect(again.outcome).toMatchObject({ status: 'deployed', noop: true });
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual([]);

    const removed = await deploy(memoryContext(api), web('v1', [clusterRole()]));
    expect(removed.plan.changes.filter((c) => c.action === 'delete').map((c) => `${c.ref} (${c.reason})`)).toEqual(['ConfigMap/demo-extra (no longer rendered)']);
    expect(names('ConfigMap')).not.toContain('demo-extra');

    const gone = await uninstall(memoryContext(api), NS, RELEASE);
    expect(gone.deleted).toContain('ClusterRole/demo-dev-reader');
    expect(names('ClusterRole')).toEqual([]);
    expect(api.objects().filter((o) => o.metadata.annotations?.[ANNOTATION_RELEASE] === `${NS}/${RELEASE}`)).toEqual([]);
    // The listing that found the cluster-scoped object was cluster-wide; a release without any never asks for that.
    expect(names('Namespace')).toContain(NS);
  });

  it('prunes a cluster-scoped object the release no longer renders', async () => {
    await deploy(memoryContext(api), web('v1', [clusterRole()]));
    const p = await deploy(memoryContext(api), web('v1'));
    expect(p.plan.changes.filter((c) => c.action === 'delete').map((c) => c.ref)).toEqual(['ClusterRole/demo-dev-reader']);
    expect(names('ClusterRole')).toEqual([]);
  });

  it('names an object Berth applied without the release annotation as such, and --adopt stamps it so the next deploy is clean', async () => {
    // What an escape-hatch object looked like before synth stamped it: applied by berth, with no labels or annotation.
    await api.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo-extra', namespace: NS }, data: { A: '1' } }, { force: true });
    const err = await deploy(memoryContext(api), web('v1', [extra()])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'release demo in namespace dev would change objects it does not own:\n' +
        '  ConfigMap/demo-extra is owned by no release: Berth wrote it without the berth.dev/release annotation (field managers: berth (Apply))',
    );
    await deploy(memoryContext(api), web('v1', [extra()]), { adopt: true });
    expect(api.objects('ConfigMap').find((o) => o.metadata.name === 'demo-extra')!.metadata.annotations).toEqual({ [ANNOTATION_RELEASE]: `${NS}/${RELEASE}` });
    const before = api.requests.length;
    const next = await deploy(memoryContext(api), web('v1', [extra()]));
    expect(next.plan.conflicts).toEqual([]);
    expect(next.outcome).toMatchObject({ status: 'deployed', noop: true });
    expect(writes(api, before).filter((w) => !w.includes('Lease/') && !w.includes('Secret/berth.release.'))).toEqual([]);
  });

  it("names the other release and its namespace as the owner of an object it annotated", async () => {
    api.put({ ...extra(), metadata: { ...extra().metadata, annotations: { [ANNOTATION_RELEASE]: 'prod/shop' } } });
    await expect(deploy(memoryContext(api), web('v1', [extra()]))).rejects.toThrow('ConfigMap/demo-extra is owned by release shop in namespace prod');
  });

  it('applies a CustomResourceDefinition and waits until it is established before objects of its kind', async () => {
    const order: string[] = [];
    api.controller('CustomResourceDefinition', () => {
      order.push('CustomResourceDefinition established');
      return { conditions: [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }] };
    });
    // As the API server does: a kind is not served before its definition exists, dry runs included (KubeClient reads
    // an object of a kind not served as absent).
    api.onRequest((req) => {
      if (req.kind !== 'Widget' || req.verb === 'read') return undefined;
      if (api.objects('CustomResourceDefinition').length === 0) return { status: 404, reason: 'NotFound', message: 'the server could not find the requested resource' };
      if (!req.dryRun && req.verb === 'apply') order.push('Widget applied');
      return undefined;
    });
    const result = await deploy(memoryContext(api), web('v1', [widget(), crd()]));
    expect(result.outcome).toMatchObject({ status: 'deployed' });
    expect(result.plan.changes.filter((c) => c.action === 'create').map((c) => c.ref)).toEqual([
      'CustomResourceDefinition/widgets.example.com',
      'ConfigMap/demo-web-config',
      'Deployment/demo-web',
      'Widget/demo-widget',
    ]);
    expect(order).toEqual(['CustomResourceDefinition established', 'Widget applied']);
    expect(names('Widget')).toEqual(['demo-widget']);
  });

  it('fails the deploy, naming the definition, when its names are not accepted', async () => {
    api.controller('CustomResourceDefinition', () => ({
      conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict', message: '"WidgetList" is already in use' }],
    }));
    const result = await deploy(memoryContext(api), web('v1', [widget(), crd()]));
    expect(result.outcome).toMatchObject({
      status: 'failed',
      error: 'CustomResourceDefinition/widgets.example.com failed: names not accepted: "WidgetList" is already in use',
    });
    expect(names('Widget')).toEqual([]);
  });
});
