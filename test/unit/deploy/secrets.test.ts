import { gunzipSync } from 'node:zlib';
import { deploy } from '../../../src/deploy/deploy.js';
import { rollback } from '../../../src/deploy/rollback.js';
import { uninstall } from '../../../src/deploy/uninstall.js';
import { UserError } from '../../../src/errors.js';
import { MemoryKubeApi, SimulatedCrash } from '../../../src/model/memory/kube-api.js';
import type { KubeObject, ManifestSet } from '../../../src/model/manifest-set.js';
import type { Revision } from '../../../src/model/revision.js';
import { encodePayload } from '../../../src/release/codec.js';
import { keySecretName, readReleaseKey } from '../../../src/release/key.js';
import { getManifestsAction, getValuesAction } from '../../../src/release/queries.js';
import { revisionSecretName, SecretRevisionStore } from '../../../src/release/store.js';
import { sha256 } from '../../../src/util/hash.js';
import { CHUNK_BYTES, configMap, DEAD_HOLDER, deployment, deploymentController, memoryCluster, memoryContext, NS, release, RELEASE } from './helpers.js';

let api: MemoryKubeApi;
let store: SecretRevisionStore;

beforeEach(() => {
  ({ api, store } = memoryCluster());
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function appSecret(password: string): KubeObject {
  const base = configMap('demo-web-secret', {});
  return { apiVersion: 'v1', kind: 'Secret', metadata: base.metadata, type: 'Opaque', data: { DB_PASSWORD: b64(password) } };
}

/** The web release as synth renders it: its Secret holds the password, the public config its unkeyed sha256. */
function web(tag: string, password: string): ManifestSet {
  const set = release([configMap('demo-web-config', { TAG: tag }), appSecret(password), deployment('demo-web', `example/web:${tag}`)]);
  return { ...set, config: { tag, db: { password } }, publicConfig: { tag, db: { password: `sha256:${sha256(password)}` } } };
}

function live(kind: string, name: string): KubeObject | undefined {
  return api.objects(kind).find((o) => o.metadata.name === name);
}

function imageOf(obj: KubeObject | undefined): string | undefined {
  return (obj?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;
}

/**
 * Everything Berth stores about the release's history, decoded: every revision Secret (heads, chunks of every
 * generation, rewrite records) with its labels, annotations and data, payloads reassembled and gunzipped.
 */
function storedText(): string {
  const secrets = api.objects('Secret').filter((s) => s.metadata.name.startsWith('berth.release.v1.') && s.metadata.name !== keySecretName(RELEASE));
  const parts: string[] = [];
  for (const s of secrets) {
    parts.push(JSON.stringify(s.metadata));
    const data = (s as { data?: Record<string, string> }).data ?? {};
    for (const value of Object.values(data)) parts.push(Buffer.from(value, 'base64').toString('latin1'));
  }
  for (const head of secrets.filter((s) => s.type === 'berth.dev/release.v1')) {
    const generation = head.metadata.annotations?.['berth.dev/generation'];
    const count = Number(head.metadata.annotations?.['berth.dev/chunks']);
    const pieces = [Buffer.from((head as unknown as { data: Record<string, string> }).data.release!, 'base64')];
    for (let i = 1; i < count; i++) {
      const chunk = secrets.find((s) => s.metadata.name === `${head.metadata.name}${generation ? `.g${generation}` : ''}.c${i}`)!;
      pieces.push(Buffer.from((chunk as unknown as { data: Record<string, string> }).data.chunk!, 'base64'));
    }
    parts.push(gunzipSync(Buffer.concat(pieces)).toString('utf8'));
  }
  return parts.join('\n');
}

/** Every form of `password` a reader of history could use: clear, base64, the unkeyed sha256. */
function forms(password: string): string[] {
  return [password, b64(password), sha256(password)];
}

/**
 * Stores revision `rev` as Berth did before release keys: Secret data in clear, secret values as unkeyed sha256,
 * no `berth.dev/secrets` annotation. Replaces whatever revision `rev.revision` is stored now.
 */
async function putLegacyRevision(rev: Revision): Promise<void> {
  await store.deleteRevision(RELEASE, rev.revision);
  const payload = encodePayload({ ...rev, namespace: NS }, CHUNK_BYTES);
  const labels = { owner: 'berth', release: RELEASE, revision: String(rev.revision) };
  const name = revisionSecretName(RELEASE, rev.revision);
  for (let i = 1; i < payload.chunks.length; i++) {
    api.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}.c${i}`, namespace: NS, labels: { ...labels, chunk: String(i) } }, type: 'berth.dev/release.v1.chunk', data: { chunk: payload.chunks[i]!.toString('base64') } });
  }
  const summary = { app: rev.app, version: rev.version, env: rev.env, description: rev.description, createdAt: rev.createdAt, user: rev.user };
  api.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: NS,
      labels: { ...labels, status: rev.status },
      annotations: { 'berth.dev/summary': JSON.stringify(summary), 'berth.dev/updated-at': rev.updatedAt, 'berth.dev/chunks': String(payload.chunks.length), 'berth.dev/sha256': payload.sha256 },
    },
    type: 'berth.dev/release.v1',
    immutable: true,
    data: { release: payload.chunks[0]!.toString('base64') },
  });
}

/** Revision `n` as the old store wrote it for `set`: the rendered objects with their Secret data, unkeyed hashes. */
async function legacy(n: number, set: ManifestSet, status: Revision['status']): Promise<void> {
  const stored = await store.get(RELEASE, n);
  await putLegacyRevision({ ...stored, status, manifests: [...set.objects], values: set.publicConfig });
}

describe('secret values and history', () => {
  it('stores no Secret data and no secret value, in any form, in any revision Secret', async () => {
    await deploy(memoryContext(api), web('v1', 'hunter2-first'));
    await deploy(memoryContext(api), web('v2', 'hunter2-rotated'));
    const text = storedText();
    for (const f of [...forms('hunter2-first'), ...forms('hunter2-rotated')]) expect(text).not.toContain(f);
    // The live Secret has the new value: history is the only thing without it.
    expect((live('Secret', 'demo-web-secret') as unknown as { data: Record<string, string> }).data.DB_PASSWORD).toBe(b64('hunter2-rotated'));
    const stored = (await store.get(RELEASE, 2)).manifests.find((o) => o.kind === 'Secret') as unknown as { data: Record<string, string> };
    expect(stored.data.DB_PASSWORD).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect((await store.get(RELEASE, 2)).values).toEqual({ tag: 'v2', db: { password: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) } });
  });

  it('creates the release key on the first deploy and detects a changed secret with it, showing only that it changed', async () => {
    const first = await deploy(memoryContext(api), web('v1', 'pw-one'));
    expect(first.plan.config).toEqual(expect.arrayContaining([{ path: 'db.password', before: undefined, after: expect.any(String), secret: true }]));
    const key = await readReleaseKey(api, NS, RELEASE);
    expect(key).toMatchObject({ stored: true });
    expect(key.key).toHaveLength(32);

    const same = await deploy(memoryContext(api), web('v1', 'pw-one'));
    expect(same.plan.config).toEqual([]);
    expect(same.outcome?.description).toBe('No changes');

    const rotated = await deploy(memoryContext(api), web('v1', 'pw-two'));
    expect(rotated.plan.config.map((c) => [c.path, c.secret])).toEqual([['db.password', true]]);
    const [r2, r3] = [await store.get(RELEASE, 2), await store.get(RELEASE, 3)];
    expect(r2.values).not.toEqual(r3.values);
    const change = rotated.plan.changes.find((c) => c.ref === 'Secret/demo-web-secret')!;
    expect(change.action).toBe('update');
    expect(change.diff).toContain('REDACTED (6 bytes, changed)');
    expect(change.diff).not.toContain(b64('pw-two'));
  });

  it('keys digests per release: the same password gives other digests in another release', async () => {
    await deploy(memoryContext(api), web('v1', 'same-password'));
    const other = new MemoryKubeApi();
    other.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    deploymentController(other, () => 'available');
    await deploy(memoryContext(other), web('v1', 'same-password'));
    const digest = async (a: MemoryKubeApi) => ((await new SecretRevisionStore(a, NS).get(RELEASE, 1)).values as { db: { password: string } }).db.password;
    expect(await digest(api)).not.toBe(await digest(other));
    expect((await readReleaseKey(api, NS, RELEASE)).key.equals((await readReleaseKey(other, NS, RELEASE)).key)).toBe(false);
  });

  it('reads revisions stored before release keys, and never shows their Secret values', async () => {
    const v1 = web('v1', 'legacy-password');
    await deploy(memoryContext(api), v1);
    await legacy(1, v1, 'deployed');
    const rev = await store.get(RELEASE, 1);
    expect(rev.values).toEqual({ tag: 'v1', db: { password: `sha256:${sha256('legacy-password')}` } });
    expect(await store.prepareScrub(RELEASE)).toEqual([1]);
    expect((await getValuesAction(store, RELEASE)).values).toEqual({ tag: 'v1', db: { password: '(secret)' } });
    const shown = JSON.stringify((await getManifestsAction(store, RELEASE, { revision: 1 })).manifests);
    for (const f of forms('legacy-password')) expect(shown).not.toContain(f);
  });

  it('scrubs the older revisions on the next deploy, keeping their status and times, and compares the old hashes exactly', async () => {
    const [v1, v2] = [web('v1', 'old-password-1'), web('v2', 'old-password-2')];
    await deploy(memoryContext(api), v1);
    await deploy(memoryContext(api), v2);
    await legacy(1, v1, 'superseded');
    await legacy(2, v2, 'deployed');
    const before = await store.list(RELEASE);
    expect(storedText()).toContain(b64('old-password-1'));

    // The same password as revision 2: the unkeyed hash it stored keys to exactly the new digest.
    const result = await deploy(memoryContext(api), web('v3', 'old-password-2'));
    expect(result.scrubbed).toEqual([1, 2]);
    expect(result.plan.config.map((c) => c.path)).toEqual(['tag']);
    const text = storedText();
    for (const f of [...forms('old-password-1'), ...forms('old-password-2')]) expect(text).not.toContain(f);
    const after = await store.list(RELEASE);
    expect(after.slice(0, 2).map((r) => [r.revision, r.status, r.createdAt])).toEqual(before.map((r) => [r.revision, r.status === 'deployed' ? 'superseded' : r.status, r.createdAt]));
    expect(after[0]!.updatedAt).toBe(before[0]!.updatedAt);
    expect((await store.get(RELEASE, 1)).manifests.map((o) => o.metadata.name)).toEqual(['demo-web-config', 'demo-web-secret', 'demo-web']);
    // Only the new generation of chunks is left, and no rewrite record.
    const names = api.objects('Secret').map((s) => s.metadata.name).filter((n) => n.startsWith(revisionSecretName(RELEASE, 1)));
    expect(names.filter((n) => /\.c\d+$/.test(n) && !n.includes('.g1.'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.rewrite'))).toEqual([]);
    expect(await store.prepareScrub(RELEASE)).toEqual([]);
    expect((await deploy(memoryContext(api), web('v3', 'old-password-2'))).scrubbed).toEqual([]);
  });

  it('finishes a scrub killed between deleting and creating a head: the next deploy creates it from the rewrite record', async () => {
    const v1 = web('v1', 'killed-password');
    await deploy(memoryContext(api), v1);
    await legacy(1, v1, 'deployed');
    api.failNext({ verb: 'create', kind: 'Secret', name: revisionSecretName(RELEASE, 1) }, { crash: true });
    await expect(deploy(memoryContext(api, DEAD_HOLDER), web('v2', 'killed-password'))).rejects.toThrow(SimulatedCrash);
    api.restart();
    expect((await store.list(RELEASE)).map((r) => r.revision)).toEqual([]);
    expect(api.objects('Secret').some((s) => s.metadata.name === `${revisionSecretName(RELEASE, 1)}.rewrite`)).toBe(true);

    const result = await deploy(memoryContext(api), web('v2', 'killed-password'));
    expect(result.outcome).toMatchObject({ revision: 2, status: 'deployed', description: 'Upgrade' });
    expect((await store.list(RELEASE)).map((r) => `${r.revision} ${r.status}`)).toEqual(['1 superseded', '2 deployed']);
    expect((await store.get(RELEASE, 1)).values).toEqual({ tag: 'v1', db: { password: expect.stringMatching(/^hmac-sha256:/) } });
    for (const f of forms('killed-password')) expect(storedText()).not.toContain(f);
  });

  it('rolls back the manifests but keeps the current secret values, and says so', async () => {
    await deploy(memoryContext(api), web('v1', 'before-rotation'));
    await deploy(memoryContext(api), web('v2', 'after-rotation'));
    const result = await rollback(memoryContext(api), NS, RELEASE, 1);
    expect(result.outcome).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
    expect(result.keptSecrets).toEqual(['Secret/demo-web-secret']);
    expect(imageOf(live('Deployment', 'demo-web'))).toBe('example/web:v1');
    expect((live('Secret', 'demo-web-secret') as unknown as { data: Record<string, string> }).data.DB_PASSWORD).toBe(b64('after-rotation'));
    const { rollbackReport } = await import('../../../src/deploy/report.js');
    expect(rollbackReport(result)).toContain('Secret/demo-web-secret keeps its current values: credentials are rotated forward, not rolled back');
    for (const f of [...forms('before-rotation'), ...forms('after-rotation')]) expect(storedText()).not.toContain(f);
  });

  it('with atomic, rolls a failed upgrade back keeping the live secret values', async () => {
    deploymentController(api, (image) => (image.endsWith(':broken') ? 'deadline-exceeded' : 'available'));
    await deploy(memoryContext(api), web('v1', 'first'));
    const result = await deploy(memoryContext(api), web('broken', 'second'), { atomic: true });
    expect(result.rollback).toMatchObject({ status: 'deployed', toRevision: 1, keptSecrets: ['Secret/demo-web-secret'] });
    expect((live('Secret', 'demo-web-secret') as unknown as { data: Record<string, string> }).data.DB_PASSWORD).toBe(b64('second'));
  });

  it('refuses a rollback whose Secret is gone from the cluster, before writing anything', async () => {
    await deploy(memoryContext(api), web('v1', 'pw'));
    await deploy(memoryContext(api), web('v2', 'pw'));
    await api.delete({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'demo-web-secret', namespace: NS } });
    const before = api.requests.length;
    const err = await rollback(memoryContext(api), NS, RELEASE, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('cannot restore Secret/demo-web-secret: not found in the cluster: revisions keep no Secret values, so only the live Secret has them');
    expect(api.requests.slice(before).filter((r) => !r.dryRun && !['read', 'list'].includes(r.verb) && r.kind !== 'Lease')).toEqual([]);
  });

  it("shows the live Secrets' values only for the newest revision with --show-secrets", async () => {
    await deploy(memoryContext(api), web('v1', 'older-value'));
    await deploy(memoryContext(api), web('v2', 'newest-value'));
    const secretOf = (m: KubeObject[]) => (m.find((o) => o.kind === 'Secret') as unknown as { data: Record<string, string> }).data.DB_PASSWORD;
    const newest = await getManifestsAction(store, RELEASE, { showSecrets: true, client: api });
    expect(newest.liveSecrets).toBe(true);
    expect(secretOf(newest.manifests)).toBe(b64('newest-value'));
    const older = await getManifestsAction(store, RELEASE, { revision: 1, showSecrets: true, client: api });
    expect(secretOf(older.manifests)).toBe('REDACTED (not kept in history)');
    expect(JSON.stringify(older)).not.toContain(b64('older-value'));
    expect(secretOf((await getManifestsAction(store, RELEASE, { client: api })).manifests)).toBe('REDACTED (not kept in history)');
  });

  it('deletes the release key with the history on uninstall, and keeps it with --keep-history', async () => {
    await deploy(memoryContext(api), web('v1', 'pw'));
    await uninstall(memoryContext(api), NS, RELEASE, { keepHistory: true });
    expect(live('Secret', keySecretName(RELEASE))).toBeDefined();
    await deploy(memoryContext(api), web('v1', 'pw'));
    await uninstall(memoryContext(api), NS, RELEASE);
    expect(live('Secret', keySecretName(RELEASE))).toBeUndefined();
    expect(api.objects('Secret').filter((s) => s.metadata.name.startsWith('berth.release.v1.'))).toEqual([]);
  });

  it('never lets a store write Secret data or an unkeyed hash', async () => {
    const rev: Revision = {
      ...(await (async () => {
        await deploy(memoryContext(api), web('v1', 'pw'));
        return store.get(RELEASE, 1);
      })()),
      revision: 2,
    };
    await expect(store.create({ ...rev, manifests: [appSecret('pw')] })).rejects.toThrow(/holds Secret data or an unkeyed secret hash/);
    await expect(store.create({ ...rev, values: { db: { password: `sha256:${sha256('pw')}` } } })).rejects.toThrow(/holds Secret data/);
  });
});
