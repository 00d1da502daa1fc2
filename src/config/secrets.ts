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
  // The same few schemas describe every item of a long list: their deref, union branches and child schemas are
  // worked out once per call (a 500-service config has ~9,000 values and a dozen distinct schemas).
  const resolvedOf = new Map<JsonSchema, JsonSchema>();
  const resolve = (s: JsonSchema): JsonSchema => {
    let resolved = resolvedOf.get(s);
    if (resolved === undefined) resolvedOf.set(s, (resolved = deref(schema, s)));
    return resolved;
  };
  interface Shape {
    readonly branches: JsonSchema[];
    readonly items: Map<number, JsonSchema[]>;
    readonly properties: Map<string, JsonSchema[]>;
  }
  const shapes = new Map<JsonSchema, Shape>();
  const shapeOf = (resolved: JsonSchema): Shape => {
    let shape = shapes.get(resolved);
    if (shape === undefined) {
      shape = { branches: [resolved, ...(resolved.anyOf ?? []).map(resolve)], items: new Map(), properties: new Map() };
      shapes.set(resolved, shape);
    }
    return shape;
  };
  // A schema without a secret anywhere (the bench's, most apps') changes no value: a plain copy gives the walk's result.
  if (!reachesSecret(schema, resolve)) {
    const copy = copyValues(values);
    if (copy !== IRREGULAR) return copy as T;
  }
  const present = (schemas: ReadonlyArray<JsonSchema | undefined>): JsonSchema[] => schemas.filter((s): s is JsonSchema => s !== undefined);
  const walk = (s: JsonSchema | undefined, value: unknown): unknown => {
    if (s === undefined || value === undefined || value === null) return value;
    const resolved = resolve(s);
    if (resolved[SECRET_KEYWORD] === true) return isHashedSecret(value) ? value : hashSecret(value);
    if (typeof value !== 'object') return value;
    const shape = shapeOf(resolved);
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        let itemSchemas = shape.items.get(i);
        if (itemSchemas === undefined) {
          itemSchemas = present(shape.branches.flatMap((b) => [b.prefixItems?.[i], typeof b.items === 'object' ? b.items : undefined]));
          shape.items.set(i, itemSchemas);
        }
        return walkAny(itemSchemas, item);
      });
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      let childSchemas = shape.properties.get(key);
      if (childSchemas === undefined) {
        childSchemas = present(
          shape.branches.flatMap((b) => [
            b.properties?.[key],
            typeof b.additionalProperties === 'object' && !b.properties?.[key] ? b.additionalProperties : undefined,
          ]),
        );
        shape.properties.set(key, childSchemas);
      }
      out[key] = walkAny(childSchemas, child);
    }
    return out;
  };
  const walkAny = (schemas: readonly JsonSchema[], value: unknown): unknown => {
    const secret = schemas.find((s) => resolve(s)[SECRET_KEYWORD] === true);
    if (secret) return walk(secret, value);
    // Several branches describe this value: apply each in turn, so a secret nested in any of them is hashed.
    return schemas.reduce<unknown>((v, s) => walk(s, v), value);
  };
  return walk(schema, values) as T;
}

/** Whether any schema reachable from `root` (properties, items, unions, `$ref`s) is secret-marked. */
function reachesSecret(root: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): boolean {
  const seen = new Set<JsonSchema>();
  const visit = (s: unknown): boolean => {
    if (typeof s !== 'object' || s === null) return false;
    const resolved = resolve(s as JsonSchema);
    if (seen.has(resolved)) return false;
    seen.add(resolved);
    if (resolved[SECRET_KEYWORD] === true) return true;
    const children = [
      ...Object.values(resolved.properties ?? {}),
      resolved.additionalProperties,
      resolved.items,
      ...(resolved.prefixItems ?? []),
      ...(resolved.anyOf ?? []),
    ];
    return children.some(visit);
  };
  return visit(root);
}

const IRREGULAR = Symbol('irregular');

/**
 * What hashSecretValues' walk makes of `value` when no schema marks anything secret: lists mapped, objects rebuilt
 * key by key, everything else as it is; IRREGULAR for what the walk treats differently where the schema does not
 * describe a value (it keeps such a value as it is): an object that is not plain, a `__proto__` key.
 */
function copyValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) continue;
      const item = copyValues(value[i]);
      if (item === IRREGULAR) return IRREGULAR;
      out[i] = item;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return IRREGULAR;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '__proto__') return IRREGULAR;
    const copy = copyValues(child);
    if (copy === IRREGULAR) return IRREGULAR;
    out[key] = copy;
  }
  return out;
}
