/**
 * Secret-marked config values (declared as `Secret` or tagged `@secret`) are never stored or shown in clear:
 * revisions keep `sha256:<hex>` instead, which still shows whether a secret changed between two revisions.
 */
import { isHashedSecret, SECRET_HASH_PREFIX } from '../model/secrets.js';
import { sha256 } from '../util/hash.js';
import { deref, listFields, SECRET_KEYWORD, type JsonSchema } from './json-schema.js';

/** Display paths of every secret field: `database.password`, `tokens.*` (any key), `keys[]` (any item). */
export function listSecretPaths(schema: JsonSchema): string[] {
  return listFields(schema)
    .filter((f) => f.secret)
    .map((f) => f.path);
}

/** `sha256:<hex>` of a value: of the string itself, or of the JSON of anything else. */
export function hashSecret(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return SECRET_HASH_PREFIX + sha256(text);
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
