import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFile } from '../../../src/cluster/exec.js';
import { createTestNamespace, deleteNamespace, kubectl } from '../harness.js';

let ns: string;
let server: string;
let ca: string;

/** A kubeconfig for the test cluster that authenticates with `token` instead of the admin certificate. */
function tokenKubeconfig(name: string, token: string): string {
  const path = join(tmpdir(), `berth-${name}-${process.pid}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'certificate-authority': ca } }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: 'test', user: name, namespace: ns } }],
      'current-context': name,
    }),
  );
  return path;
}

const berth = (kubeconfig: string, ...args: string[]) =>
  execFile(process.execPath, ['bin/berth.cjs', ...args, '--kubeconfig', kubeconfig], { timeoutMs: 120_000 });

beforeAll(async () => {
  ns = await createTestNamespace('auth');
  const cluster = JSON.parse(await kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])).clusters[0].cluster;
  server = cluster.server;
  ca = cluster['certificate-authority'];
});
afterAll(async () => {
  await deleteNamespace(ns);
});

describe('credential failures are explained', () => {
  it('401: names the server and the context, with a hint to refresh credentials', async () => {
    const res = await berth(tokenKubeconfig('stale', 'not-a-valid-token'), 'list');
    expect(res).toExitWith(1);
    // The first request that fails is discovery; which one it is does not matter to the user.
    expect(res.stderr).toContain(`error: the Kubernetes API at ${server} (context stale) rejected the credentials (401 Unauthorized) while trying to `);
    expect(res.stderr).toContain('hint: the kubeconfig credentials are missing or expired');
  });

  it('403: quotes what the server refused, with an RBAC hint', async () => {
    await kubectl(['create', 'serviceaccount', 'nobody', '-n', ns]);
    const token = (await kubectl(['create', 'token', 'nobody', '-n', ns])).trim();
    const res = await berth(tokenKubeconfig('nobody', token), 'history', 'shop');
    expect(res).toExitWith(1);
    expect(res.stderr).toMatch(
      new RegExp(`error: not allowed to list Secret objects in namespace ${ns} \\(403 Forbidden\\): secrets is forbidden: User "system:serviceaccount:${ns}:nobody" cannot list resource "secrets"`),
    );
    expect(res.stderr).toContain('hint: the user of context nobody needs RBAC permission');
  });
});
