import { KubeClient } from '../../../src/kube/client.js';
import { execFile } from '../../../src/cluster/exec.js';
import { SecretRevisionStore } from '../../../src/release/store.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { createTestNamespace, deleteNamespace, testKubeconfig, waitForDeploymentAvailable } from '../harness.js';
import { configMap, revision } from './fixtures.js';
import { scrubObjects } from '../../../src/model/secret-data.js';
import { randomBytes } from 'node:crypto';

let ns: string;
let client: KubeClient;

function berth(...args: string[]) {
  return execFile(process.execPath, ['bin/berth.cjs', ...args, '--kubeconfig', testKubeconfig()], { timeoutMs: 120_000 });
}

function web(namespace: string, image: string): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'cli' };
  return [
    configMap('cli-web', namespace, { greeting: 'hello' }),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cli-web-secret', namespace, labels },
      type: 'Opaque',
      data: { password: Buffer.from('hunter2').toString('base64') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cli-web', namespace, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
      },
    },
  ];
}

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
  ns = await createTestNamespace('cli');
  const store = new SecretRevisionStore(client, ns);
  // What a deploy records: revision 1 superseded by 2, whose objects are live; revision 3 failed. Revisions keep
  // Secrets with keyed digests instead of their data, as deploy stores them.
  const key = randomBytes(32);
  await store.create({ ...revision('cli', ns, 1, 'superseded', scrubObjects(web(ns, 'nginx:1.26'), key)), description: 'Install complete' });
  const live = web(ns, 'nginx:1.27');
  for (const o of live) await client.apply(o);
  await store.create({ ...revision('cli', ns, 2, 'deployed', scrubObjects(live, key)), description: 'Upgrade complete' });
  await store.create({ ...revision('cli', ns, 3, 'failed', scrubObjects(live, key)), description: 'Upgrade failed', error: 'Deployment/cli-web: timed out' });
  await waitForDeploymentAvailable('cli-web', ns, 2);
});
afterAll(async () => {
  await deleteNamespace(ns);
});

describe('berth list / history / status / get', () => {
  it('lists the release of a namespace as a table', async () => {
    const res = await berth('list', '-n', ns);
    expect(res).toExitWith(0);
    const [header, row, ...rest] = res.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+REVISION\s+STATUS\s+APP\s+VERSION\s+ENV\s+UPDATED \(UTC\)$/);
    expect(row).toMatch(/^cli\s+3\s+failed\s+shop\s+1\.0\.3\s+dev\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(rest).toEqual([]);
  });

  it('lists every namespace as JSON with -A', async () => {
    const res = await berth('list', '-A', '-o', 'json');
    expect(res).toExitWith(0);
    const mine = (JSON.parse(res.stdout) as { namespace: string }[]).filter((r) => r.namespace === ns);
    expect(mine).toEqual([expect.objectContaining({ release: 'cli', namespace: ns, revision: 3, status: 'failed', app: 'shop', version: '1.0.3' })]);
  });

  it('shows the history with statuses, versions and descriptions, the error of a failed revision included', async () => {
    const res = await berth('history', 'cli', '-n', ns);
    expect(res).toExitWith(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REVISION\s+UPDATED \(UTC\)\s+STATUS\s+APP\s+VERSION\s+DESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/).filter((_, i) => i !== 1))).toEqual([
      ['1', 'superseded', 'shop', '1.0.1', 'Install complete'],
      ['2', 'deployed', 'shop', '1.0.2', 'Upgrade complete'],
      ['3', 'failed', 'shop', '1.0.3', 'Upgrade failed (Deployment/cli-web: timed out)'],
    ]);
    const json = JSON.parse((await berth('history', 'cli', '-n', ns, '-o', 'json')).stdout);
    expect(json.map((r: { revision: number; status: string }) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
      [3, 'failed'],
    ]);
  });

  it('shows the status with the live readiness of each service', async () => {
    const res = await berth('status', 'cli', '-n', ns);
    expect(res).toExitWith(0);
    expect(res.stdout).toMatch(/^release:\s+cli$/m);
    expect(res.stdout).toMatch(/^revision:\s+3$/m);
    expect(res.stdout).toMatch(/^status:\s+failed$/m);
    expect(res.stdout).toMatch(/^app:\s+shop 1\.0\.3 \(env dev\)$/m);
    expect(res.stdout).toMatch(/^error:\s+Deployment\/cli-web: timed out$/m);
    expect(res.stdout).toMatch(/^web\s+ready\s+\S+\s+3 object\(s\) ready$/m);
    const json = JSON.parse((await berth('status', 'cli', '-n', ns, '-o', 'json')).stdout);
    expect(json.services[0].objects.map((o: { object: string; state: string }) => [o.object, o.state])).toEqual([
      ['ConfigMap/cli-web', 'ready'],
      ['Secret/cli-web-secret', 'ready'],
      ['Deployment/cli-web', 'ready'],
    ]);
  });

  it('reports an object that disappeared as missing', async () => {
    await client.delete(configMap('cli-web', ns, {}), { wait: true });
    try {
      const json = JSON.parse((await berth('status', 'cli', '-n', ns, '-o', 'json')).stdout);
      expect(json.services[0]).toMatchObject({ name: 'web', state: 'missing', message: 'ConfigMap/cli-web: not found in the cluster' });
    } finally {
      await client.apply(configMap('cli-web', ns, { greeting: 'hello' }));
    }
  });

  it("prints stored manifests as YAML with Secret values redacted, and only the newest revision's live ones with --show-secrets", async () => {
    const res = await berth('get', 'manifest', 'cli', '-n', ns, '--revision', '1', '--show-secrets');
    expect(res).toExitWith(0);
    expect(res.stdout).toContain('image: nginx:1.26');
    expect(res.stdout).toContain('password: REDACTED (not kept in history)');
    expect(res.stdout).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(res.stdout.split('\n---\n')).toHaveLength(3);
    const shown = await berth('get', 'manifest', 'cli', '-n', ns, '--show-secrets');
    expect(shown.stdout).toContain(`password: ${Buffer.from('hunter2').toString('base64')}`);
    expect(shown.stdout).toContain('image: nginx:1.27');
  });

  it('prints the values of a revision, secret values only as (secret)', async () => {
    const res = await berth('get', 'values', 'cli', '-n', ns, '--revision', '2');
    expect(res).toExitWith(0);
    expect(res.stdout).toBe("web:\n  replicas: 2\n  password: (secret)\n");
  });

  it('fails with a clear message and a hint for a release that does not exist', async () => {
    const res = await berth('status', 'nosuch', '-n', ns);
    expect(res).toExitWith(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`error: release nosuch not found in namespace ${ns}\nhint: berth list -A shows every release in every namespace\n`);
  });

  it('names the revisions there are when asked for one that is not', async () => {
    const res = await berth('get', 'manifest', 'cli', '-n', ns, '--revision', '9');
    expect(res).toExitWith(1);
    expect(res.stderr).toContain(`release cli in namespace ${ns} has no revision 9`);
    expect(res.stderr).toContain('its revisions are 1, 2, 3');
  });

  it('rejects a revision that is not a number', async () => {
    const res = await berth('get', 'values', 'cli', '-n', ns, '--revision', 'two');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("a revision must be a whole number >= 1, got 'two'");
  });
});
