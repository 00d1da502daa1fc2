import { KubeClient } from '../../../src/kube/client.js';
import { ClusterError, UserError } from '../../../src/errors.js';
import { createTestNamespace, deleteNamespace, getJson, testKubeconfig } from '../harness.js';
import { configMap } from './fixtures.js';

let client: KubeClient;
let ns: string;

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
  ns = await createTestNamespace('kube');
});
afterAll(async () => {
  await deleteNamespace(ns);
});

function deployment(name: string, replicas: number): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/instance': 'kc', 'app.kubernetes.io/name': name } },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    },
  };
}

describe('KubeClient against the local control plane', () => {
  it('server-side applies with field manager berth, and a dry run persists nothing', async () => {
    const dry = await client.apply(configMap('kc-dry', ns, { a: '1' }), { dryRun: true });
    expect(dry.metadata.uid).toBeDefined();
    expect(await client.read(configMap('kc-dry', ns, {}))).toBeUndefined();
    const applied = await client.apply(configMap('kc-real', ns, { a: '1' }));
    expect((applied.metadata.managedFields as { manager: string; operation: string }[]).map((m) => [m.manager, m.operation])).toEqual([['berth', 'Apply']]);
    expect((await getJson('configmap', 'kc-real', ns)).data).toEqual({ a: '1' });
  });

  it('returns objects exactly as the server sends them (timestamps stay strings, unknown fields kept)', async () => {
    const live = await client.read(configMap('kc-real', ns, {}));
    expect(typeof live?.metadata.creationTimestamp).toBe('string');
    expect(live?.apiVersion).toBe('v1');
  });

  it('names the object and the invalid field of a validation error', async () => {
    const err = await client.apply(deployment('kc-bad', -1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).status).toBe(422);
    expect((err as ClusterError).message).toMatch(new RegExp(`^Deployment/kc-bad in namespace ${ns} is invalid: spec\\.replicas: .*greater than or equal to 0`));
  });

  it('explains an apply conflict with another field manager, and takes the field over with force', async () => {
    await client.apply(configMap('kc-conflict', ns, { a: '1' }));
    await client.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kc-conflict', namespace: ns } }, { data: { a: 'hand-edited' } });
    // mergePatch writes as manager berth too; make another manager own the field.
    const other = await KubeClient.connect({ kubeconfig: testKubeconfig() });
    await other.call(
      {
        method: 'PATCH',
        path: `/api/v1/namespaces/${ns}/configmaps/kc-conflict`,
        query: { fieldManager: 'kubectl-edit', force: true },
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kc-conflict' }, data: { a: 'theirs' } },
        contentType: 'application/apply-patch+yaml',
      },
      { verb: 'apply', what: 'ConfigMap/kc-conflict', server: other.server, context: other.context },
    );
    const err = await client.apply(configMap('kc-conflict', ns, { a: 'ours' })).catch((e: unknown) => e);
    expect((err as ClusterError).status).toBe(409);
    expect((err as ClusterError).message).toMatch(/conflict with another field manager: .*kubectl-edit/);
    await client.apply(configMap('kc-conflict', ns, { a: 'ours' }), { force: true });
    expect((await getJson('configmap', 'kc-conflict', ns)).data.a).toBe('ours');
  });

  it('lists by label across kinds, and lists one kind with a selector', async () => {
    await client.apply({ ...configMap('kc-l1', ns, {}), metadata: { name: 'kc-l1', namespace: ns, labels: { 'app.kubernetes.io/instance': 'kc' } } });
    await client.apply(deployment('kc-web', 1));
    await client.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kc-web', namespace: ns, labels: { 'app.kubernetes.io/instance': 'kc' } },
      spec: { selector: { 'app.kubernetes.io/name': 'kc-web' }, ports: [{ port: 80 }] },
    });
    const found = await client.listByLabel(ns, 'app.kubernetes.io/instance=kc');
    const refs = found.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(refs).toEqual(expect.arrayContaining(['ConfigMap/kc-l1', 'Deployment/kc-web', 'Service/kc-web']));
    // Pods and ReplicaSets created by the controller carry only the template labels, not the instance label.
    expect(refs.every((r) => !r.startsWith('Pod/'))).toBe(true);
    const cms = await client.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'app.kubernetes.io/instance=kc' });
    expect(cms.map((c) => c.metadata.name)).toEqual(['kc-l1']);
    expect(cms[0]!.kind).toBe('ConfigMap');
  });

  it('deletes and waits until the object is gone; deleting a missing object is not an error', async () => {
    await client.apply(configMap('kc-del', ns, {}));
    expect(await client.delete(configMap('kc-del', ns, {}), { wait: true })).toBe(true);
    expect(await getJson('configmap', 'kc-del', ns)).toBeUndefined();
    expect(await client.delete(configMap('kc-del', ns, {}))).toBe(false);
  });

  it('creates a namespace once', async () => {
    const name = `${ns}-extra`;
    try {
      expect(await client.ensureNamespace(name)).toBe(true);
      expect(await client.ensureNamespace(name)).toBe(false);
    } finally {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  });

  it('names a kind the cluster does not serve', async () => {
    const err = await client.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } }).catch((e: unknown) => e);
    expect((err as ClusterError).message).toBe('cannot apply Widget/w: the cluster does not serve kind Widget in example.com/v1');
  });

  it('reports the server version', async () => {
    expect(await client.version()).toMatch(/^v1\.\d+\.\d+/);
  });

  it('retries a refused connection with backoff, then names the server and context', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = `${process.env.TMPDIR ?? '/tmp'}/berth-refused-${process.pid}.kubeconfig`;
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
        'contexts: [{name: nowhere, context: {cluster: c, user: u}}]',
        'current-context: nowhere',
        'users: [{name: u, user: {token: t}}]',
      ].join('\n'),
    );
    const dead = await KubeClient.connect({ kubeconfig: path, retry: { attempts: 3, baseDelayMs: 100 } });
    const started = Date.now();
    const err = await dead.read(configMap('x', ns, {})).catch((e: unknown) => e);
    const ms = Date.now() - started;
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toBe('cannot reach the Kubernetes API at https://127.0.0.1:1 (context nowhere): connect ECONNREFUSED 127.0.0.1:1');
    // Two waits of ~100 and ~200 ms (±20%) between three attempts.
    expect(ms).toBeGreaterThanOrEqual(240);
  });

  it('rejects an unknown context with the known ones as a hint', async () => {
    const err = await KubeClient.connect({ kubeconfig: testKubeconfig(), context: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('context nope is not in the kubeconfig');
    expect((err as UserError).hint).toMatch(/^known contexts: /);
  });
});
