import { ClusterError } from '../../../src/errors.js';
import { MemoryKubeApi, SimulatedCrash } from '../../../src/model/memory/kube-api.js';
import type { Revision } from '../../../src/model/revision.js';
import { revisionSecretName, SecretRevisionStore } from '../../../src/release/store.js';
import { configMap } from '../deploy/helpers.js';

const NS = 'dev';

function revision(n: number, manifests = [configMap('demo-web-config', { TAG: `v${n}` })]): Revision {
  return {
    release: 'demo',
    namespace: NS,
    revision: n,
    status: 'pending',
    app: 'demo',
    version: '1.0.0',
    env: 'dev',
    manifests,
    services: [],
    values: { n },
    description: 'Install',
    createdAt: '2026-11-24T22:00:00.000Z',
    updatedAt: '2026-11-24T22:00:00.000Z',
    user: 'tester@ci',
  };
}

let api: MemoryKubeApi;
let store: SecretRevisionStore;

beforeEach(() => {
  api = new MemoryKubeApi();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  // 16 bytes per chunk: every revision spans many chunk Secrets.
  store = new SecretRevisionStore(api, NS, 16);
});

describe('SecretRevisionStore over the in-memory API', () => {
  it('writes the chunks before the head, so a revision exists only once it is complete', async () => {
    await store.create(revision(1));
    const secrets = api.requests.filter((r) => r.kind === 'Secret' && (r.verb === 'apply' || r.verb === 'create'));
    expect(secrets.length).toBeGreaterThan(2);
    expect(secrets.at(-1)).toMatchObject({ verb: 'create', name: revisionSecretName('demo', 1) });
    expect(secrets.slice(0, -1).every((r) => r.verb === 'apply' && r.name!.startsWith(`${revisionSecretName('demo', 1)}.c`))).toBe(true);
    expect((await store.get('demo', 1)).manifests).toEqual(revision(1).manifests);
  });

  it('reports a revision whose chunk is missing as damaged, naming the chunk', async () => {
    await store.create(revision(1));
    await api.delete({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${revisionSecretName('demo', 1)}.c1`, namespace: NS } });
    await expect(store.get('demo', 1)).rejects.toThrow(
      new RegExp(`^revision 1 of release demo in namespace dev is damaged: chunk 2 of \\d+ \\(Secret berth\\.release\\.v1\\.demo\\.v1\\.c1\\) is missing$`),
    );
  });

  it('changes a status in the head labels only, never rewriting the immutable payload', async () => {
    await store.create(revision(1));
    const before = api.objects('Secret').find((s) => s.metadata.name === revisionSecretName('demo', 1))!;
    await store.setStatus('demo', 1, 'failed', 'boom');
    const after = api.objects('Secret').find((s) => s.metadata.name === revisionSecretName('demo', 1))!;
    expect(after.data).toEqual(before.data);
    expect(after.metadata.labels?.status).toBe('failed');
    expect(await store.get('demo', 1)).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it('deletes a revision with its chunks when history is pruned', async () => {
    for (const n of [1, 2, 3]) {
      await store.create(revision(n));
      await store.markDeployed('demo', n);
    }
    expect(await store.pruneHistory('demo', 2)).toEqual([1]);
    expect(api.objects('Secret').filter((s) => s.metadata.labels?.revision === '1')).toEqual([]);
  });

  it('overwrites the chunks a crashed create left behind', async () => {
    api.failNext({ verb: 'create', kind: 'Secret' }, { crash: true });
    await expect(store.create(revision(1))).rejects.toThrow(SimulatedCrash);
    api.restart();
    expect(await store.list('demo')).toEqual([]);
    const again = revision(1, [configMap('demo-web-config', { TAG: 'second' })]);
    await store.create(again);
    expect((await store.get('demo', 1)).manifests).toEqual(again.manifests);
  });

  it('refuses to create a revision that exists: after one read when its chunks would overwrite it, else by the head create', async () => {
    await store.create(revision(1));
    const first = api.requests.length;
    await expect(store.create(revision(1, [configMap('demo-web-config', { TAG: 'other' })]))).rejects.toThrow(/^revision 1 of release demo already exists in namespace dev$/);
    expect(api.requests.slice(first).map((r) => r.verb)).toEqual(['read']);
    const whole = new SecretRevisionStore(api, NS);
    await whole.create(revision(2));
    const second = api.requests.length;
    const err = await whole.create(revision(2, [configMap('demo-web-config', { TAG: 'other' })])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ status: 409, message: 'revision 2 of release demo already exists in namespace dev' });
    expect(api.requests.slice(second).map((r) => r.verb)).toEqual(['create']);
    expect((await store.get('demo', 1)).manifests).toEqual(revision(1).manifests);
    expect((await store.get('demo', 2)).manifests).toEqual(revision(2).manifests);
  });

  it('begins a run with two lists: pending revisions marked interrupted, then the heads as they are after that', async () => {
    await store.create(revision(1));
    await store.markDeployed('demo', 1);
    await store.create(revision(2));
    const start = await store.beginRun('demo', 'killed');
    expect(start).toMatchObject({ interrupted: [2], legacy: [] });
    expect(start.revisions.map((r) => [r.revision, r.status, r.error])).toEqual([
      [1, 'deployed', undefined],
      [2, 'interrupted', 'killed'],
    ]);
    const before = api.requests.length;
    const again = await store.beginRun('demo', 'killed');
    expect(again.interrupted).toEqual([]);
    expect(again.revisions).toEqual(start.revisions);
    expect(api.requests.slice(before).map((r) => `${r.verb} ${r.kind}`)).toEqual(['list Secret', 'list Secret']);
  });

  it('passes on the API error of a failed write', async () => {
    api.failNext({ verb: 'patch', kind: 'Secret' }, { status: 500, message: 'etcdserver: request timed out' });
    await store.create(revision(1));
    const err = await store.setStatus('demo', 1, 'deployed').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toBe(`cannot patch Secret/${revisionSecretName('demo', 1)} in namespace dev: etcdserver: request timed out (HTTP 500)`);
  });
});
