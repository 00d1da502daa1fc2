import { execFile, type ExecResult } from '../../../src/cluster/exec.js';
import { createTestNamespace, deleteNamespace, kubectl, kubectlResult, listJson, serviceAccountKubeconfig } from '../harness.js';

/**
 * The whole release lifecycle as a ServiceAccount whose only permissions are the Role `berth rbac` prints for its
 * namespace: no ClusterRole, not even a read of its Namespace object.
 */

let ns: string;
let other: string;
let kubeconfig: string;

function berth(...args: string[]): Promise<ExecResult> {
  return execFile(process.execPath, ['bin/berth.cjs', ...args, '--kubeconfig', kubeconfig], {
    timeoutMs: 180_000,
    env: { ...process.env, CI: '1', NO_COLOR: '1', BERTH_LOCK_TTL_SECONDS: '15' },
  });
}

beforeAll(async () => {
  ns = await createTestNamespace('rbac');
  other = await createTestNamespace('rbac-other');
  await kubectl(['create', 'serviceaccount', 'deployer', '-n', ns]);
  const rbac = await execFile(process.execPath, ['bin/berth.cjs', 'rbac', '-n', ns, '--service-account', 'deployer'], { timeoutMs: 60_000 });
  expect(rbac).toExitWith(0);
  await kubectl(['apply', '-f', '-'], { input: rbac.stdout });
  kubeconfig = await serviceAccountKubeconfig(ns, 'deployer');
});
afterAll(async () => {
  await deleteNamespace(ns);
  await deleteNamespace(other);
});

describe('a ServiceAccount with only the Role of `berth rbac`', () => {
  it('really has no cluster-scoped access', async () => {
    for (const [verb, resource] of [['get', 'namespaces'], ['list', 'secrets']]) {
      const can = await kubectlResult(['auth', 'can-i', verb!, resource!, '--all-namespaces', `--as=system:serviceaccount:${ns}:deployer`]);
      expect({ verb, resource, answer: can.stdout.trim() }).toEqual({ verb, resource, answer: 'no' });
    }
  });

  it('runs the whole lifecycle of apps/shop: deploy, diff, status, history, list, logs, events, graph, rollback, uninstall', async () => {
    const deploy = await berth('deploy', 'shop', '-r', 'shop', '-n', ns, '--env', 'dev');
    expect(deploy.stderr).not.toContain('error:');
    expect(deploy).toExitWith(0);
    expect(deploy.stdout).toContain(`release ${ns}/shop: revision 1 deployed`);
    // The Role grants `watch`: readiness is watched, not polled.
    expect(`${deploy.stdout}${deploy.stderr}`).not.toContain('cannot watch readiness');

    const upgrade = ['shop', '-r', 'shop', '-n', ns, '--env', 'dev', '--set', 'orders.image=ghcr.io/berth-examples/orders:1.4.1'];
    const diff = await berth('diff', ...upgrade, '--exit-code');
    expect(diff).toExitWith(2);
    expect(diff.stdout).toContain('ghcr.io/berth-examples/orders:1.4.1');
    expect(await berth('deploy', ...upgrade)).toExitWith(0);

    const status = await berth('status', 'shop', '-n', ns, '-o', 'json');
    expect(status).toExitWith(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ revision: 2 });

    const history = await berth('history', 'shop', '-n', ns, '-o', 'json');
    expect(history).toExitWith(0);
    expect(JSON.parse(history.stdout).map((r: { revision: number; status: string }) => `${r.revision} ${r.status}`)).toEqual(['1 superseded', '2 deployed']);
    const list = await berth('list', '-n', ns);
    expect(list).toExitWith(0);
    expect(list.stdout).toContain('shop');

    // Operating the release needs nothing beyond the Role either.
    const logs = await berth('logs', 'shop', '-n', ns, '-s', 'orders', '--tail', '1', '-o', 'json');
    expect(logs.stderr).not.toContain('error:');
    expect(logs).toExitWith(0);
    const events = await berth('events', 'shop', '-n', ns, '-o', 'json');
    expect(events.stderr).not.toContain('error:');
    expect(events).toExitWith(0);
    const graph = await berth('graph', '-r', 'shop', '-n', ns, '-o', 'json');
    expect(graph).toExitWith(0);
    expect(JSON.parse(graph.stdout).nodes.map((n: { name: string }) => n.name)).toContain('orders');

    const rollback = await berth('rollback', 'shop', '-n', ns);
    expect(rollback).toExitWith(0);
    const orders = (await listJson('deployments', ns)).find((d) => d.metadata.name === 'shop-orders');
    expect(orders.spec.template.spec.containers[0].image).not.toBe('ghcr.io/berth-examples/orders:1.4.1');

    const uninstall = await berth('uninstall', 'shop', '-n', ns);
    expect(uninstall).toExitWith(0);
    for (const kind of ['deployments', 'statefulsets', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'leases']) {
      expect({ kind, left: (await listJson(kind, ns, 'app.kubernetes.io/instance=shop')).map((o) => o.metadata.name) }).toEqual({ kind, left: [] });
    }
  });

  it('is told which rule is missing, naming the verb and the resource, outside its namespace', async () => {
    const res = await berth('history', 'shop', '-n', other);
    expect(res).toExitWith(1);
    expect(res.stderr).toContain(
      `error: not allowed to list Secret objects in namespace ${other} (403 Forbidden): secrets is forbidden: User "system:serviceaccount:${ns}:deployer" cannot list resource "secrets" in API group "" in the namespace "${other}"`,
    );
    expect(res.stderr).toContain(
      `hint: the user of context deployer needs RBAC permission for this: add the rule {apiGroups: [""], resources: ["secrets"], verbs: ["list"]} to a Role in namespace ${other} bound to it (berth rbac -n ${other} prints the Role and RoleBinding Berth needs there)`,
    );
  });
});
