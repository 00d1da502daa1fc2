/**
 * Pure rules about secret-marked config paths and their stored form, shared by the config layer (which hashes
 * values), the engine (which keys the hashes before anything is stored) and the model's config diff (which must
 * never show them).
 *
 * A secret value goes through two steps. Synth replaces it by `sha256:<hex>` (in memory only: an unsalted hash of a
 * low-entropy password is reversed by a dictionary). Before anything is stored or compared, the engine replaces
 * that by `hmac-sha256:<hex>` = HMAC-SHA256(release key, sha256 hex): keyed per release, so the digest tells only
 * whether a value changed. Keying the sha256 rather than the value lets a revision written with plain `sha256:`
 * digests (the format before release keys) be converted to exactly the digest a new revision would have.
 */
import { hmacSha256, sha256 } from '../util/hash.js';
import { isPlainObject } from '../util/object.js';

/** Prefix of a secret value's unkeyed hash (synth's output, and revisions written before release keys). */
export const SECRET_HASH_PREFIX = 'sha256:';
/** Prefix of a secret value's keyed digest: what revisions store. */
export const SECRET_DIGEST_PREFIX = 'hmac-sha256:';
/** What `get values` and diffs show instead of a secret value or its digest. */
export const SECRET_PLACEHOLDER = '(secret)';

/**
 * True when the value at display path `path` (`tokens.ci`, `keys[0]`, `db.password`) is secret or contains a secret,
 * given the patterns of `listSecretPaths` (`tokens.*`, `keys[]`, `db.password`). Compare paths with this, not with
 * string equality: `tokens.ci` is secret because of `tokens.*`, and a whole list `keys` because of `keys[]`.
 */
export function isSecretPath(path: string, secretPaths: readonly string[]): boolean {
  const segments = splitPath(path);
  return secretPaths.some((pattern) => {
    const wanted = splitPath(pattern);
    const n = Math.min(wanted.length, segments.length);
    for (let i = 0; i < n; i++) {
      const w = wanted[i]!;
      const s = segments[i]!;
      const isIndex = /^\[\d*\]$/.test(s);
      if (w === '*' ? isIndex : w === '[]' ? !isIndex : w !== s) return false;
    }
    return true;
  });
}

/** `a.b[0]["c.d"]` → `a`, `b`, `[0]`, `c.d`. */
function splitPath(path: string): string[] {
  return [...path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|(\[\d*\])|([^.[\]]+)/g)].map((m) =>
    m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3])!,
  );
}

/** True for a hash or keyed digest of a secret (so hashing twice does not hash the hash). */
export function isHashedSecret(value: unknown): boolean {
  return isUnkeyedHash(value) || isSecretDigest(value);
}

/** True for `sha256:<hex>`: a secret's unkeyed hash, never to be stored or shown. */
export function isUnkeyedHash(value: unknown): value is string {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}

/** True for `hmac-sha256:<hex>`, the keyed digest revisions store. */
export function isSecretDigest(value: unknown): value is string {
  return typeof value === 'string' && /^hmac-sha256:[0-9a-f]{64}$/.test(value);
}

/** The keyed digest of a secret whose sha256 (hex) is `sha256Hex`. */
export function secretDigest(key: Buffer, sha256Hex: string): string {
  return SECRET_DIGEST_PREFIX + hmacSha256(key, sha256Hex);
}

/** The keyed digest of secret bytes (a Secret's data value, decoded). */
export function digestOfBytes(key: Buffer, bytes: Buffer | string): string {
  return secretDigest(key, sha256(bytes));
}

/** A copy of a JSON-like value with every leaf (anything but an array or a plain object) passed through `leaf`. */
function mapLeaves<T>(values: T, leaf: (v: unknown) => unknown): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]));
    return leaf(v);
  };
  return walk(values) as T;
}

/** A copy of `values` with every `sha256:<hex>` replaced by its keyed digest; everything else as it is. */
export function keySecretHashes<T>(values: T, key: Buffer): T {
  return mapLeaves(values, (v) => (isUnkeyedHash(v) ? secretDigest(key, v.slice(SECRET_HASH_PREFIX.length)) : v));
}

/** True when `values` holds a `sha256:<hex>` anywhere. */
export function containsUnkeyedHash(values: unknown): boolean {
  if (isUnkeyedHash(values)) return true;
  if (Array.isArray(values)) return values.some(containsUnkeyedHash);
  if (isPlainObject(values)) return Object.values(values).some(containsUnkeyedHash);
  return false;
}

/** A copy of `values` for display: every hash or digest of a secret becomes `(secret)`. */
export function hideSecretDigests<T>(values: T): T {
  return mapLeaves(values, (v) => (isHashedSecret(v) ? SECRET_PLACEHOLDER : v));
}
