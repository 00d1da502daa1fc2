/**
 * Secret data and revisions: what a revision keeps of a Secret (its metadata and, per key, a keyed digest of the
 * value, never the value) and how a stored Secret becomes applicable again (with the live cluster's data).
 * Pure: the caller reads the live Secrets and holds the release key.
 */
import type { KubeObject } from './manifest-set.js';
import { objectRef } from './manifest-set.js';
import type { Revision } from './revision.js';
import { containsUnkeyedHash, digestOfBytes, isSecretDigest, keySecretHashes } from './secrets.js';

/** A v1 Secret, the only kind whose data is scrubbed. */
export function isSecret(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1';
}

function dataMaps(o: KubeObject): Array<['data' | 'stringData', Record<string, unknown>]> {
  return (['data', 'stringData'] as const).flatMap((field) => {
    const map = o[field];
    return map && typeof map === 'object' ? [[field, map as Record<string, unknown>] as ['data' | 'stringData', Record<string, unknown>]] : [];
  });
}

/**
 * The object as a revision stores it: a Secret's `data` / `stringData` values become keyed digests of the bytes
 * they hold (`data` is base64, `stringData` text), so a later revision can tell that a value changed and nobody can
 * tell what it was. A digest is not base64, so a stored Secret applied by mistake is refused by the API server
 * instead of overwriting the live values. Other objects are returned as they are.
 */
export function scrubObject(o: KubeObject, key: Buffer): KubeObject {
  if (!isSecret(o)) return o;
  const copy: KubeObject = { ...o };
  for (const [field, map] of dataMaps(o)) {
    copy[field] = Object.fromEntries(
      Object.entries(map).map(([k, v]) => {
        if (isSecretDigest(v)) return [k, v];
        const text = typeof v === 'string' ? v : String(v);
        return [k, digestOfBytes(key, field === 'data' ? Buffer.from(text, 'base64') : text)];
      }),
    );
  }
  return copy;
}

export function scrubObjects(objects: readonly KubeObject[], key: Buffer): KubeObject[] {
  return objects.map((o) => scrubObject(o, key));
}

/** True when `o` is a Secret some value of which is in clear (not a digest). */
export function holdsSecretData(o: KubeObject): boolean {
  return isSecret(o) && dataMaps(o).some(([, map]) => Object.values(map).some((v) => !isSecretDigest(v)));
}

/** True when `o` is a Secret as a revision stores it (some value is a digest): it cannot be applied as it is. */
export function isScrubbedSecret(o: KubeObject): boolean {
  return isSecret(o) && dataMaps(o).some(([, map]) => Object.values(map).some(isSecretDigest));
}

/** The revision as it is stored: Secret data and secret-marked config values only as keyed digests. */
export function scrubRevision(rev: Revision, key: Buffer): Revision {
  return { ...rev, manifests: scrubObjects(rev.manifests, key), values: keySecretHashes(rev.values, key) };
}

/** True when a revision holds a Secret value or an unkeyed hash of a secret value (one written before release keys). */
export function holdsSecretsInClear(rev: Pick<Revision, 'manifests' | 'values'>): boolean {
  return rev.manifests.some(holdsSecretData) || containsUnkeyedHash(rev.values);
}

/** A stored Secret whose live counterpart is missing or lacks a key: rollback cannot restore it. */
export class MissingSecretData extends Error {
  constructor(
    readonly object: string,
    readonly keys: readonly string[],
  ) {
    super(`${object}: ${keys.length ? `key(s) ${keys.join(', ')} not` : 'not'} found in the cluster`);
    this.name = 'MissingSecretData';
  }
}

/**
 * Stored Secrets made applicable again with the live values: every digest is replaced by the live Secret's value of
 * the same key (as `data`, base64). Credentials are rotated forward, never rolled back, so the values a revision
 * was deployed with are not kept; a Secret or key that is no longer live throws MissingSecretData.
 * Returns the objects and the refs of the Secrets whose live values were kept.
 */
export function withLiveSecretData(
  objects: readonly KubeObject[],
  live: ReadonlyMap<string, KubeObject | undefined>,
  keyOf: (o: KubeObject) => string,
): { objects: KubeObject[]; kept: string[] } {
  const kept: string[] = [];
  const out = objects.map((o) => {
    if (!isScrubbedSecret(o)) return o;
    const current = live.get(keyOf(o));
    const liveData = (current?.data ?? {}) as Record<string, string>;
    const liveString = (current?.stringData ?? {}) as Record<string, string>;
    const data: Record<string, string> = {};
    const missing: string[] = [];
    for (const [, map] of dataMaps(o)) {
      for (const [k, v] of Object.entries(map)) {
        if (!isSecretDigest(v)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        else if (liveData[k] !== undefined) data[k] = liveData[k]!;
        else if (liveString[k] !== undefined) data[k] = Buffer.from(liveString[k]!, 'utf8').toString('base64');
        else missing.push(k);
      }
    }
    if (!current || missing.length > 0) throw new MissingSecretData(objectRef(o), current ? missing : []);
    kept.push(objectRef(o));
    const { stringData: _s, ...rest } = o;
    return { ...rest, data };
  });
  return { objects: out, kept };
}

/**
 * Secret config values of a recorded revision brought back from the release's live Secrets: a revision keeps each
 * secret-marked value only as its keyed digest, and a generated Secret holds the value itself, whose keyed digest is
 * the same (both are HMAC(release key, sha256 of the text)). So the digest says which live value it was, and nothing
 * is guessed. Digests no live Secret value matches are left out and named in `unrecovered` (display paths).
 */
export function recoverSecretValues<T>(values: T, liveSecrets: readonly KubeObject[], key: Buffer): { values: T; unrecovered: string[] } {
  const byDigest = new Map<string, string>();
  for (const s of liveSecrets) {
    if (!isSecret(s)) continue;
    for (const v of Object.values((s.data ?? {}) as Record<string, string>)) {
      const text = Buffer.from(v, 'base64').toString('utf8');
      byDigest.set(digestOfBytes(key, text), text);
    }
  }
  const unrecovered: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`)).filter((item) => item !== LEFT_OUT);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) {
        const value = walk(child, path === '' ? k : `${path}.${k}`);
        if (value !== LEFT_OUT) out[k] = value;
      }
      return out;
    }
    if (!isSecretDigest(v)) return v;
    const found = byDigest.get(v);
    if (found !== undefined) return found;
    unrecovered.push(path);
    return LEFT_OUT;
  };
  return { values: walk(values, '') as T, unrecovered };
}

const LEFT_OUT = Symbol('left out');
