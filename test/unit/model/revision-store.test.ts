import { ClusterError, UserError } from '../../../src/errors.js';
import { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import { MemoryRevisionStore } from '../../../src/model/memory/revision-store.js';
import type { Revision, RevisionStatus } from '../../../src/model/revision.js';
import type { RevisionStore } from '../../../src/model/revision-store.js';
import { SecretRevisionStore } from '../../../src/release/store.js';

const NS = 'dev';

function revision(n: number, status: RevisionStatus = 'pending'): Revision {
  return {
    release: 'demo',
    namespace: NS,
    revision: n,
    status,
    app: 'demo',
    version: `1.0.${n}`,
    env: 'dev',
    manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n}`, namespace: NS }, data: { n: String(n) } }],
    services: [],
    values: { n },
    description: 'Upgrade',
    createdAt: '2026-11-24T22:00:00.000Z',
    updatedAt: '2026-11-24T22:00:00.000Z',
    user: 'tester@ci',
  };
}

function secretStore(): RevisionStore {
  const api = new MemoryKubeApi();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  return new SecretRevisionStore(api, NS, 64);
}

// The same rules hold for every store: the in-memory one is a faithful stand-in for the Secrets.
describe.each([
  ['SecretRevisionStore over MemoryKubeApi', secretStore],
  ['MemoryRevisionStore', () => new MemoryRevisionStore(NS)],
])('%s', (_name, makeStore) => {
  let store: RevisionStore;
  beforeEach(() => {
    store = makeStore();
  });

  it('reads back what it stored, oldest first', async () => {
    await store.create(revision(2));
    await store.create(revision(1));
    expect((await store.list('demo')).map((r) => r.revision)).toEqual([1, 2]);
    expect(await store.get('demo', 2)).toEqual(revision(2));
    expect(await store.find('demo', 3)).toBeUndefined();
  });

  it('refuses to create a revision twice with a 409', async () => {
    await store.create(revision(1));
    const err = await store.create(revision(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect(err).toMatchObject({ status: 409, message: 'revision 1 of release demo already exists in namespace dev' });
  });

  it('refuses to set the status of a missing revision with a 404', async () => {
    await expect(store.setStatus('demo', 4, 'failed')).rejects.toMatchObject({
      status: 404,
      message: 'cannot set revision 4 of release demo in namespace dev to failed: the revision does not exist',
    });
  });

  it('marks one revision deployed and the previously deployed one superseded', async () => {
    await store.create(revision(1, 'deployed'));
    await store.create(revision(2));
    await store.markDeployed('demo', 2);
    expect((await store.list('demo')).map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect((await store.lastDeployed('demo'))?.revision).toBe(2);
  });

  it('marks pending revisions interrupted with the reason, and clears an error when the status changes again', async () => {
    await store.create(revision(1, 'deployed'));
    await store.create(revision(2));
    expect(await store.interruptPending('demo', 'killed')).toEqual([2]);
    expect(await store.get('demo', 2)).toMatchObject({ status: 'interrupted', error: 'killed' });
    await store.setStatus('demo', 2, 'failed');
    expect((await store.get('demo', 2)).error).toBeUndefined();
  });

  it('prunes history beyond the maximum, never the last deployed revision', async () => {
    await store.create(revision(1, 'deployed'));
    for (const n of [2, 3, 4]) await store.create(revision(n, 'failed'));
    expect(await store.pruneHistory('demo', 2)).toEqual([2, 3]);
    expect((await store.list('demo')).map((r) => r.revision)).toEqual([1, 4]);
  });

  it('names the revisions there are when asked for one that is not', async () => {
    await store.create(revision(1));
    const err = await store.get('demo', 9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ message: 'release demo in namespace dev has no revision 9', hint: 'its revisions are 1 (berth history demo -n dev)' });
    await expect(store.history('other')).rejects.toThrow('release other not found in namespace dev');
  });

  it('forgets a release entirely with deleteAll', async () => {
    await store.create(revision(1));
    await store.create(revision(2));
    await store.deleteAll('demo');
    expect(await store.list('demo')).toEqual([]);
  });
});
