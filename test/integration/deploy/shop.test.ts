import { kubectl, kubectlResult, listJson, testNamespaces } from '../harness.js';
import { berth } from './helpers.js';

/** The acceptance run of issue 4 with apps/shop: two namespaces, a tag change, a rollback, an uninstall. */
const namespace = testNamespaces();

async function podNames(ns: string, service?: string): Promise<string[]> {
  const selector = `app.kubernetes.io/instance=shop${service ? `,app.kubernetes.io/name=${service}` : ''}`;
  return (await listJson('pods', ns, selector)).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
}

/** Every object in the namespace, of every listable kind, labelled with the release. */
async function labelled(ns: string): Promise<string[]> {
  const kinds = (await kubectl(['api-resources', '--verbs=list', '--namespaced', '-o', 'name'])).split('\n').filter((k) => k && k !== 'events' && k !== 'events.events.k8s.io');
  const out = await kubectl(['get', kinds.join(','), '-n', ns, '-l', 'app.kubernetes.io/instance=shop', '-o', 'name']);
  return out.split('\n').filter(Boolean);
}

describe('apps/shop as release shop in two namespaces', () => {
  it('deploys, leaves no server-side diff, rolls one Deployment on a tag change, rolls back and uninstalls cleanly', async () => {
    const [dev, prod] = [await namespace('shop-dev'), await namespace('shop-prod')];
    for (const ns of [dev, prod]) {
      const res = await berth('deploy', 'shop', '-r', 'shop', '-n', ns, '--env', 'dev', '--timeout', '120s');
      expect(res.stderr).not.toContain('error:');
      expect(res.stdout).toContain(`release ${ns}/shop: revision 1 deployed (Install)`);
      expect(res).toExitWith(0);
    }

    const synth = await berth('synth', 'shop', '--env', 'dev', '-r', 'shop', '-n', prod, '--stdout');
    const kdiff = await kubectlResult(['diff', '--server-side', '--field-manager=berth', '-f', '-'], { input: synth.stdout });
    expect(kdiff.stdout).toBe('');
    expect(kdiff).toExitWith(0);

    const list = JSON.parse((await berth('list', '-A', '-o', 'json')).stdout) as { namespace: string; release: string; revision: number }[];
    expect(list.filter((r) => r.namespace === dev || r.namespace === prod).map((r) => r.revision)).toEqual([1, 1]);
    const status = JSON.parse((await berth('status', 'shop', '-n', prod, '-o', 'json')).stdout);
    expect(status).toMatchObject({ release: 'shop', revision: 1, status: 'deployed', app: 'shop' });

    const before = { all: await podNames(prod), orders: await podNames(prod, 'orders') };
    const devPods = await podNames(dev);
    const upgrade = await berth('deploy', 'shop', '-r', 'shop', '-n', prod, '--env', 'dev', '--set', 'orders.image=ghcr.io/berth-examples/orders:9.9.9', '--timeout', '120s');
    expect(upgrade).toExitWith(0);
    expect(upgrade.stdout).toContain(`release ${prod}/shop: revision 2 deployed`);
    const after = { all: await podNames(prod), orders: await podNames(prod, 'orders') };
    expect(after.orders).toHaveLength(before.orders.length);
    expect(after.orders.some((p) => before.orders.includes(p))).toBe(false);
    expect(after.all.filter((p) => !after.orders.includes(p))).toEqual(before.all.filter((p) => !before.orders.includes(p)));
    expect(await podNames(dev)).toEqual(devPods);

    const back = await berth('rollback', 'shop', '-n', prod, '-o', 'json');
    expect(back).toExitWith(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ toRevision: 1, outcome: { revision: 3, status: 'deployed' } });
    const history = JSON.parse((await berth('history', 'shop', '-n', prod, '-o', 'json')).stdout) as { revision: number; status: string }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    const manifests = async (n: number) => (await berth('get', 'manifest', 'shop', '-n', prod, '--revision', String(n))).stdout;
    expect(await manifests(3)).toBe(await manifests(1));

    const gone = await berth('uninstall', 'shop', '-n', prod);
    expect(gone).toExitWith(0);
    expect(await labelled(prod)).toEqual([]);
    expect(await podNames(dev)).toEqual(devPods);
  });
});
