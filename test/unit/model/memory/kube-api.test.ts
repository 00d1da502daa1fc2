import { ClusterError } from '../../../../src/errors.js';
import type { KubeObject } from '../../../../src/model/manifest-set.js';
import { MemoryKubeApi, SimulatedCrash } from '../../../../src/model/memory/kube-api.js';

function cm(name: string, data: Record<string, string> = { a: '1' }, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev', labels }, data };
}

let api: MemoryKubeApi;
beforeEach(() => {
  api = new MemoryKubeApi();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
});

async function failure(p: Promise<unknown>): Promise<ClusterError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ClusterError);
  return err as ClusterError;
}

describe('MemoryKubeApi', () => {
  it('records server-side apply by berth in managedFields and bumps generation only when more than metadata changes', async () => {
    const first = await api.apply(cm('a'));
    expect(first.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'berth', operation: 'Apply', apiVersion: 'v1' })]);
    expect(first.metadata.generation).toBe(1);
    const relabelled = await api.apply({ ...cm('a'), metadata: { ...cm('a').metadata, labels: { x: 'y' } } });
    expect(relabelled.metadata.generation).toBe(1);
    expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect((await api.apply(cm('a', { a: '2' }))).metadata.generation).toBe(2);
  });

  it('stores nothing for a dry-run apply but answers what it would store', async () => {
    const answer = await api.apply(cm('a'), { dryRun: true });
    expect(answer.data).toEqual({ a: '1' });
    expect(await api.read(cm('a'))).toBeUndefined();
  });

  it('adds no defaults: what is read back is what was applied plus server metadata', async () => {
    await api.apply(cm('a'));
    const { uid, resourceVersion, generation, creationTimestamp, managedFields, ...rest } = (await api.read(cm('a')))!.metadata;
    expect([uid, resourceVersion, generation, creationTimestamp, managedFields].every((v) => v !== undefined)).toBe(true);
    expect(rest).toEqual(cm('a').metadata);
  });

  it('fails a create of an existing object with the 409 AlreadyExists error KubeClient throws', async () => {
    await api.create(cm('a'));
    const err = await failure(api.create(cm('a')));
    expect(err).toMatchObject({ status: 409, reason: 'AlreadyExists', message: 'cannot create ConfigMap/a in namespace dev: it already exists' });
  });

  it('fails a replace with a stale resourceVersion as changed by someone else', async () => {
    const created = await api.create(cm('a'));
    await api.mergePatch(cm('a'), { data: { a: '2' } });
    const err = await failure(api.replace(created));
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/^cannot update ConfigMap\/a in namespace dev: it was changed by someone else meanwhile \(Operation cannot be fulfilled on configmaps "a": the object has been modified/);
  });

  it('answers 404 for a missing object or namespace, and false for deleting what is gone', async () => {
    expect((await failure(api.mergePatch(cm('a'), {}))).message).toBe('cannot patch ConfigMap/a in namespace dev: not found (configmaps "a" not found)');
    expect((await failure(api.apply({ ...cm('a'), metadata: { name: 'a', namespace: 'nowhere' } }))).message).toBe(
      'cannot apply ConfigMap/a in namespace nowhere: not found (namespaces "nowhere" not found)',
    );
    expect(await api.delete(cm('a'))).toBe(false);
  });

  it('refuses to change the data of an immutable Secret but lets its labels change', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'dev' }, immutable: true, data: { k: 'dg==' } };
    await api.create(secret);
    await api.mergePatch(secret, { metadata: { labels: { status: 'deployed' } } });
    const err = await failure(api.mergePatch(secret, { data: { k: 'dw==' } }));
    expect(err).toMatchObject({ status: 422, message: 'Secret/s in namespace dev is invalid: data: Forbidden: field is immutable when `immutable` is set' });
  });

  it('lists by label selector, across kinds with listByLabel, and metadata only when asked', async () => {
    await api.apply(cm('a', { big: 'x' }, { app: 'shop' }));
    await api.apply(cm('b', {}, { app: 'other' }));
    await api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'dev', labels: { app: 'shop' } } });
    expect((await api.list('v1', 'ConfigMap', { namespace: 'dev', labelSelector: 'app in (shop)' })).map((o) => o.metadata.name)).toEqual(['a']);
    expect((await api.listByLabel('dev', 'app=shop')).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Secret/s']);
    expect((await api.list('v1', 'ConfigMap', { metadataOnly: true, labelSelector: 'app=shop' }))[0]).not.toHaveProperty('data');
  });

  it('deletes only the version a precondition names', async () => {
    const created = await api.create(cm('a'));
    await api.mergePatch(cm('a'), { data: { a: '2' } });
    expect((await failure(api.delete(cm('a'), { preconditions: { resourceVersion: created.metadata.resourceVersion as string } }))).status).toBe(409);
    expect(await api.delete(cm('a'))).toBe(true);
  });

  it('fails only the nth matching request, once, with the ClusterError of the status given', async () => {
    api.failNext({ verb: 'apply', kind: 'ConfigMap', nth: 2 }, { status: 422, message: 'data: Invalid value' });
    await api.apply(cm('a'));
    expect((await failure(api.apply(cm('b')))).message).toBe('ConfigMap/b in namespace dev is invalid: data: Invalid value');
    await expect(api.apply(cm('c'))).resolves.toBeDefined();
  });

  it('fails every request after a crash until restart', async () => {
    const stop = api.onRequest((r) => (r.verb === 'create' ? { crash: true } : undefined));
    await expect(api.create(cm('a'))).rejects.toThrow(new SimulatedCrash({ verb: 'create', apiVersion: 'v1', kind: 'ConfigMap', name: 'a', dryRun: false }).message);
    await expect(api.read(cm('a'))).rejects.toThrow(SimulatedCrash);
    stop();
    api.restart();
    await expect(api.read(cm('a'))).resolves.toBeUndefined();
  });

  it('lets a controller stand-in set the status after each write, keeping it across later writes', async () => {
    api.controller('ConfigMap', (o) => ({ seen: o.metadata.generation }));
    await api.apply(cm('a'));
    api.controller('ConfigMap', () => undefined);
    await api.apply(cm('a', { a: '2' }));
    expect((await api.read(cm('a')))?.status).toEqual({ seen: 1 });
  });
});
