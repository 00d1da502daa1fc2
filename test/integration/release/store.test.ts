import { KubeClient } from '../../../src/kube/client.js';
import { ClusterError, UserError } from '../../../src/errors.js';
import { listReleases, SecretRevisionStore, revisionSecretName } from '../../../src/release/store.js';
import { createTestNamespace, deleteNamespace, getJson, kubectl, listJson, testKubeconfig } from '../harness.js';
import { bigManifests, configMap, revision } from './fixtures.js';

let client: KubeClient;
let ns: string;
let store: SecretRevisionStore;

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
  ns = await createTestNamespace('store');
  store = new SecretRevisionStore(client, ns);
});
afterAll(async () => {
  await deleteNamespace(ns);
});

describe('SecretRevisionStore against the local control plane', () => {
  it('stores one labelled, typed Secret per revision and reads it back unchanged', async () => {
    const rev = revision('rt', ns, 1, 'pending', [configMap('rt-web', ns, { a: '1' })]);
    await store.create(rev);
    const secret = await getJson('secret', revisionSecretName('rt', 1), ns);
    expect(secret.type).toBe('berth.dev/release.v1');
    expect(secret.metadata.labels).toEqual({ owner: 'berth', release: 'rt', revision: '1', status: 'pending' });
    expect(Buffer.from(secret.data.release, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await store.get('rt', 1)).toEqual(rev);
  });

  it('stores a release of more than 2 MiB in checksummed chunks and reads it back', async () => {
    const rev = revision('big', ns, 1, 'deployed', bigManifests(ns, 2.5));
    const jsonBytes = JSON.stringify(rev).length;
    expect(jsonBytes).toBeGreaterThan(2 * 1024 * 1024);
    const started = Date.now();
    await store.create(rev);
    const wrote = Date.now() - started;
    const secrets = await listJson('secret', ns, 'owner=berth,release=big');
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const s of secrets) expect(Buffer.from(Object.values(s.data as Record<string, string>)[0]!, 'base64').length).toBeLessThanOrEqual(900 * 1024);
    const readStarted = Date.now();
    const back = await store.get('big', 1);
    process.stderr.write(`[store] ${(jsonBytes / 1048576).toFixed(2)} MiB payload in ${secrets.length} Secrets: write ${wrote} ms, read ${Date.now() - readStarted} ms\n`);
    expect(back).toEqual(rev);
  });

  it('refuses a payload whose chunk was tampered with, naming the revision and the checksum', async () => {
    const rev = revision('tamper', ns, 1, 'deployed', bigManifests(ns, 1.5));
    await store.create(rev);
    const chunk = `${revisionSecretName('tamper', 1)}.c1`;
    const original = (await getJson('secret', chunk, ns)).data.chunk as string;
    const bytes = Buffer.from(original, 'base64');
    bytes[100] = bytes[100]! ^ 0xff;
    // The patch is too big for a kubectl argument; the client's merge patch writes it the same way.
    await client.mergePatch({ apiVersion: 'v1', kind: 'Secret', metadata: { name: chunk, namespace: ns } }, { data: { chunk: bytes.toString('base64') } });
    await expect(store.get('tamper', 1)).rejects.toThrow(new RegExp(`revision 1 of release tamper in namespace ${ns} is damaged: checksum mismatch`));
    await kubectl(['delete', 'secret', chunk, '-n', ns]);
    await expect(store.get('tamper', 1)).rejects.toThrow(/is damaged: chunk 2 of \d+ \(Secret berth\.release\.v1\.tamper\.v1\.c1\) is missing/);
  });

  it('updates status in labels without rewriting the payload, and marks the previous deployed revision superseded', async () => {
    await store.create(revision('st', ns, 1, 'pending'));
    await store.markDeployed('st', 1);
    await store.create(revision('st', ns, 2, 'pending'));
    await store.setStatus('st', 2, 'failed', 'Deployment/st-web: timed out after 5m waiting for rollout');
    await store.create(revision('st', ns, 3, 'pending'));
    await store.markDeployed('st', 3);
    const history = await store.list('st');
    expect(history.map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'failed'],
      [3, 'deployed'],
    ]);
    expect(history[1]!.error).toBe('Deployment/st-web: timed out after 5m waiting for rollout');
    expect((await store.get('st', 2)).status).toBe('failed');
    expect((await store.lastDeployed('st'))?.revision).toBe(3);
    expect((await store.latest('st'))?.revision).toBe(3);
  });

  it('marks dangling pending revisions interrupted', async () => {
    await store.create(revision('killed', ns, 1, 'deployed'));
    await store.create(revision('killed', ns, 2, 'pending'));
    expect(await store.interruptPending('killed', 'the deploy holding the lock stopped renewing it')).toEqual([2]);
    const r2 = (await store.list('killed'))[1]!;
    expect(r2.status).toBe('interrupted');
    expect(r2.error).toMatch(/stopped renewing/);
  });

  it('refuses to create a revision that exists already', async () => {
    await store.create(revision('dup', ns, 1, 'deployed'));
    const err = await store.create(revision('dup', ns, 1, 'pending')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).status).toBe(409);
    expect((err as ClusterError).message).toBe(`revision 1 of release dup already exists in namespace ${ns}`);
  });

  it('overwrites chunks a killed run left without a head', async () => {
    const first = revision('orphan', ns, 1, 'pending', bigManifests(ns, 1.2));
    await store.create(first);
    await kubectl(['delete', 'secret', revisionSecretName('orphan', 1), '-n', ns]);
    expect(await store.list('orphan')).toEqual([]);
    const second = revision('orphan', ns, 1, 'pending', bigManifests(ns, 1.2));
    await store.create(second);
    expect(await store.get('orphan', 1)).toEqual(second);
  });

  it('prunes history to max, keeping the last deployed revision and deleting pruned chunks', async () => {
    await store.create(revision('pr', ns, 1, 'superseded', bigManifests(ns, 1.2)));
    await store.create(revision('pr', ns, 2, 'deployed'));
    for (let n = 3; n <= 6; n++) await store.create(revision('pr', ns, n, 'failed'));
    expect(await store.pruneHistory('pr', 3)).toEqual([1, 3, 4]);
    expect((await store.list('pr')).map((r) => r.revision)).toEqual([2, 5, 6]);
    expect(await listJson('secret', ns, 'owner=berth,release=pr,revision=1')).toEqual([]);
  });

  it('names the release and the revisions there are when one is missing', async () => {
    await store.create(revision('miss', ns, 1, 'deployed'));
    await expect(store.get('miss', 7)).rejects.toThrow(`release miss in namespace ${ns} has no revision 7`);
    const err = await store.get('nosuch', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`release nosuch not found in namespace ${ns}`);
    expect((err as UserError).hint).toMatch(/berth list -A/);
  });

  it('lists the same release name in two namespaces separately, and deletes a whole history', async () => {
    const other = await createTestNamespace('store-b');
    try {
      const otherStore = new SecretRevisionStore(client, other);
      await store.create(revision('twin', ns, 1, 'deployed'));
      await otherStore.create(revision('twin', other, 1, 'superseded'));
      await otherStore.create(revision('twin', other, 2, 'deployed'));
      const all = (await listReleases(client, undefined)).filter((r) => r.release === 'twin');
      expect(all.map((r) => [r.namespace, r.revision, r.status]).sort()).toEqual([
        [ns, 1, 'deployed'],
        [other, 2, 'deployed'],
      ].sort());
      expect((await listReleases(client, other)).map((r) => r.release)).toEqual(['twin']);
      await otherStore.deleteAll('twin');
      expect(await otherStore.list('twin')).toEqual([]);
      expect((await store.list('twin')).length).toBe(1);
    } finally {
      await deleteNamespace(other);
    }
  });
});
