/**
 * Secret-marked config values (declared as `Secret` or tagged `@secret`) are never stored or shown in clear:
 * revisions keep `sha256:<hex>` instead, which still shows whether a secret changed between two revisions.
 */
import { createHash } from 'node:crypto';
import { deref, listFields, SECRET_KEYWORD, type JsonSchema } from './json-schema.js';

const PREFIX = 'sha256:';

/** Display paths of every secret field: `database.password`, `tokens.*` (any key), `keys[]` (any item). */
export function listSecretPaths(schema: JsonSchema): string[] {
  return listFields(schema)
    .filter((f) => f.secret)
    .map((f) => f.path);
}

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

/** `sha256:<hex>` of a value: of the string itself, or of the JSON of anything else. */
export function hashSecret(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return PREFIX + createHash('sha256').update(text, 'utf8').digest('hex');
}

/** True for a value that `hashSecretValues` produced (so hashing twice does not hash the hash). */
export function isHashedSecret(value: unknown): boolean {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}

/**
 * A copy of `values` with every secret-marked value replaced by its hash. Values outside the schema (which
 * validation rejects anyway) are kept as they are; inside a union, a field counts as secret when any branch
 * marks it secret, since hashing one value too many is harmless and one too few is a leak.
 */
export function hashSecretValues<T>(schema: JsonSchema, values: T): T {
  const walk = (s: JsonSchema | undefined, value: unknown): unknown => {
    if (s === undefined || value === undefined || value === null) return value;
    const resolved = deref(schema, s);
    if (resolved[SECRET_KEYWORD] === true) return isHashedSecret(value) ? value : hashSecret(value);
    const branches = [resolved, ...(resolved.anyOf ?? []).map((b) => deref(schema, b))];
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        const itemSchemas = branches.flatMap((b) => [b.prefixItems?.[i], typeof b.items === 'object' ? b.items : undefined]);
        return walkAny(itemSchemas, item);
      });
    }
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const childSchemas = branches.flatMap((b) => [
          b.properties?.[key],
          typeof b.additionalProperties === 'object' && !b.properties?.[key] ? b.additionalProperties : undefined,
        ]);
        out[key] = walkAny(childSchemas, child);
      }
      return out;
    }
    return value;
  };
  const walkAny = (schemas: ReadonlyArray<JsonSchema | undefined>, value: unknown): unknown => {
    const present = schemas.filter((s): s is JsonSchema => s !== undefined);
    const secret = present.find((s) => deref(schema, s)[SECRET_KEYWORD] === true);
    if (secret) return walk(secret, value);
    // Several branches describe this value: apply each in turn, so a secret nested in any of them is hashed.
    return present.reduce<unknown>((v, s) => walk(s, v), value);
  };
  return walk(schema, values) as T;
}
