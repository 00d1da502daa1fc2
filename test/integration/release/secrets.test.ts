import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { KubeClient } from '../../../src/kube/client.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { encodePayload } from '../../../src/release/codec.js';
import { revisionSecretName, SecretRevisionStore } from '../../../src/release/store.js';
import { kubectl, listJson, testKubeconfig, testNamespaces, type Json } from '../harness.js';
import { berth } from '../deploy/helpers.js';

/**
 * Issue 14 item 2 on the real control plane, with apps/shop: a rotated database password is never readable from
 * history, outputs or error messages; rollback keeps the rotated value.
 */
const namespace = testNamespaces();

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Every form of a secret a reader could use: clear, base64, the unkeyed sha256 older revisions stored. */
const forms = (s: string) => [s, b64(s), sha256(s)];

/** Every revision Secret of the namespace (heads, chunks of every generation, rewrite records), decoded to text. */
async function storedHistory(ns: string): Promise<string> {
  const secrets = (await listJson('secrets', ns, 'owner=berth')) as Json[];
  const parts: string[] = [];
  for (const s of secrets) {
    parts.push(JSON.stringify(s.metadata));
    for (const v of Object.values((s.data ?? {}) as Record<string, string>)) parts.push(Buffer.from(v, 'base64').toString('latin1'));
  }
  for (const head of secrets.filter((s) => s.type === 'berth.dev/release.v1')) {
    const generation = head.metadata.annotations['berth.dev/generation'];
    const count = Number(head.metadata.annotations['berth.dev/chunks']);
    const pieces = [Buffer.from(head.data.release, 'base64')];
    for (let i = 1; i < count; i++) {
      const chunk = secrets.find((s) => s.metadata.name === `${head.metadata.name}${generation ? `.g${generation}` : ''}.c${i}`);
      pieces.push(Buffer.from(chunk.data.chunk, 'base64'));
    }
    parts.push(gunzipSync(Buffer.concat(pieces)).toString('utf8'));
  }
  return parts.join('\n');
}

async function liveSecret(ns: string, name: string, key: string): Promise<string> {
  const s = JSON.parse(await kubectl(['get', 'secret', name, '-n', ns, '-o', 'json']));
  return Buffer.from(s.data[key], 'base64').toString('utf8');
}

describe('secret values and history (apps/shop)', () => {
  it('keeps a rotated password out of history, outputs and errors; rollback keeps the rotated value and says so', async () => {
    const ns = await namespace('secrets');
    const first = `first-${randomBytes(6).toString('hex')}`;
    const rotated = `rotated-${randomBytes(6).toString('hex')}`;
    const rejected = String(100000000000 + Math.floor(Math.random() * 1e9));
    // What each command printed (stdout and stderr), under its flags without their values: the secrets are in --set.
    const outputs: { command: string; text: string }[] = [];
    const run = async (...args: string[]) => {
      const res = await berth(...args);
      outputs.push({ command: args.filter((a) => a !== ns && (a.startsWith('-') || /^[a-z-]+$/.test(a))).join(' '), text: `${res.stdout}\n${res.stderr}` });
      return res;
    };
    const deploy = (password: string, ...more: string[]) =>
      run('deploy', 'shop', '-r', 'shop', '-n', ns, '--env', 'dev', '--set', `db.password=${password}`, '--timeout', '120s', ...more);

    const install = await deploy(first, '-o', 'json');
    expect(install).toExitWith(0);
    expect(await kubectl(['get', 'secret', 'berth.release.v1.shop.key', '-n', ns, '-o', 'name'])).toBe('secret/berth.release.v1.shop.key\n');

    // Revision 1 rewritten as Berth stored it before release keys: the next deploy must scrub it.
    const client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
    const store = new SecretRevisionStore(client, ns);
    const rev1 = await store.get('shop', 1);
    const head = (await client.read<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: revisionSecretName('shop', 1), namespace: ns } }))!;
    const legacyManifests = rev1.manifests.map((o) =>
      o.kind === 'Secret' ? { ...o, data: Object.fromEntries(Object.keys(o.data as object).map((k) => [k, b64(k.includes('PASSWORD') ? first : 'x')])) } : o,
    );
    const payload = encodePayload({ ...rev1, manifests: legacyManifests, values: { ...(rev1.values as object), db: { ...(rev1.values as { db: object }).db, password: `sha256:${sha256(first)}` } } });
    expect(payload.chunks).toHaveLength(1);
    await client.delete(head);
    const { ['berth.dev/secrets']: _marker, ...oldAnnotations } = head.metadata.annotations!;
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: head.metadata.name, namespace: ns, labels: head.metadata.labels, annotations: { ...oldAnnotations, 'berth.dev/sha256': payload.sha256 } },
      type: 'berth.dev/release.v1',
      immutable: true,
      data: { release: payload.chunks[0]!.toString('base64') },
    });
    expect(await storedHistory(ns)).toContain(b64(first));

    const rotate = await deploy(rotated);
    expect(rotate).toExitWith(0);
    expect(rotate.stderr).toContain('removed Secret data and unkeyed secret hashes from revision(s) 1 (stored before release keys)');
    expect(rotate.stdout).toContain(`release ${ns}/shop: revision 2 deployed (Upgrade)`);
    expect(await liveSecret(ns, 'shop-db-secret', 'POSTGRES_PASSWORD')).toBe(rotated);

    const oldManifest = await run('get', 'manifest', 'shop', '-n', ns, '--revision', '1', '--show-secrets');
    expect(oldManifest).toExitWith(0);
    expect(oldManifest.stdout).toContain('POSTGRES_PASSWORD: REDACTED (not kept in history)');
    const newest = await run('get', 'manifest', 'shop', '-n', ns, '--show-secrets');
    expect(newest.stdout).toContain(`POSTGRES_PASSWORD: ${b64(rotated)}`);

    for (const args of [['get', 'values', 'shop', '-n', ns], ['get', 'values', 'shop', '-n', ns, '--revision', '1', '-o', 'json']]) {
      const values = await run(...args);
      expect(values).toExitWith(0);
      expect(values.stdout).toMatch(/password: \(secret\)|"password": "\(secret\)"/);
      expect(values.stdout).not.toMatch(/sha256:|hmac-sha256:/);
    }
    await run('history', 'shop', '-n', ns, '-o', 'json');
    const revisions = await run('diff-revisions', 'shop', '1', '2', '-n', ns);
    expect(revisions.stdout).toMatch(/db\.password/);

    const invalid = await run('deploy', 'shop', '-r', 'shop', '-n', ns, '--env', 'dev', '--set', `payments.providerApiKey=${rejected}`);
    expect(invalid).toExitWith(1);
    expect(invalid.stderr).toContain('payments.providerApiKey: expected string, got a number (value hidden: the field is secret) (--set payments.providerApiKey=(hidden))');
    expect(invalid.stderr).not.toContain(rejected);

    // Nothing on a pod template is an unkeyed hash of the password: the keyed secret hash is all there is.
    const db = JSON.parse(await kubectl(['get', 'statefulset', 'shop-db', '-n', ns, '-o', 'json']));
    expect(db.spec.template.metadata.annotations['berth.dev/secret-hash']).toMatch(/^[0-9a-f]{16}$/);

    // And the README's check: synth with the cluster's release key renders what deploy applied.
    const synth = await berth('synth', 'shop', '--env', 'dev', '-r', 'shop', '-n', ns, '--set', `db.password=${rotated}`, '--stdout');
    expect(synth).toExitWith(0);
    expect(synth.stdout).toContain(`berth.dev/secret-hash: ${db.spec.template.metadata.annotations['berth.dev/secret-hash']}`);

    const back = await run('rollback', 'shop', '1', '-n', ns);
    expect(back).toExitWith(0);
    expect(back.stdout).toMatch(/keep their current values: credentials are rotated forward, not rolled back/);
    expect(await liveSecret(ns, 'shop-db-secret', 'POSTGRES_PASSWORD')).toBe(rotated);

    // The leak grep: no output and no stored revision holds the first password or the rejected key in any form;
    // the rotated one is only in the newest revision's --show-secrets output (the live Secret).
    const history = await storedHistory(ns);
    const said = outputs.map((o) => o.text).join('\n');
    for (const f of [...forms(first), ...forms(rejected)]) {
      expect(history).not.toContain(f);
      expect(said).not.toContain(f);
    }
    for (const f of forms(rotated)) expect(history).not.toContain(f);
    expect(outputs.filter((o) => forms(rotated).some((f) => o.text.includes(f))).map((o) => o.command)).toEqual(['get manifest shop -n --show-secrets']);
    const gone = await run('uninstall', 'shop', '-n', ns);
    expect(gone).toExitWith(0);
    expect(await listJson('secrets', ns, 'owner=berth')).toEqual([]);
    expect((await kubectl(['get', 'secrets', '-n', ns, '-o', 'name'])).includes('berth.release.v1.shop.key')).toBe(false);
  });
});
