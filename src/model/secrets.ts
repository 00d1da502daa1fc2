/**
 * Pure rules about secret-marked config paths and their stored form, shared by the config layer (which hashes
 * values) and the model's config diff (which must never show them).
 */

/** Prefix of a stored secret value's digest. */
export const SECRET_HASH_PREFIX = 'sha256:';

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

/** True for a value that `hashSecretValues` produced (so hashing twice does not hash the hash). */
export function isHashedSecret(value: unknown): boolean {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}
