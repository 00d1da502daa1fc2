/**
 * hashSecretValues (memoised schema lookups; a plain copy for a schema without secrets) against the walk it replaced,
 * kept here word for word as the reference: the same result, value for value and key for key, over generated values
 * for schemas with secrets (shop, a union, a record, a list) and without (a bench-like list of services).
 */
import { join, resolve } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { jest } from '@jest/globals';
import { extractSchema } from '../../../src/config/schema.js';
import { hashSecret, hashSecretValues } from '../../../src/config/secrets.js';
import { deref, SECRET_KEYWORD, type JsonSchema } from '../../../src/config/json-schema.js';
import { isHashedSecret } from '../../../src/model/secrets.js';

jest.setTimeout(60_000);

// The implementation before the change (src/config/secrets.ts at 13eb284).
function referenceHashSecretValues<T>(schema: JsonSchema, values: T): T {
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

function repr(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
  if (Array.isArray(v)) return `[${v.map(repr).join(',')}]`;
  return `${Object.getPrototypeOf(v) === Object.prototype ? '' : 'proto '}{${Object.getOwnPropertyNames(v)
    .map((k) => `${JSON.stringify(k)}:${repr((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

const root = resolve('.');
let cacheDir: string;
let shop: JsonSchema;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  cacheDir = process.env.BERTH_CACHE_DIR = mkdtempSync(join(root, '.cache', 'test-secrets-fast-'));
  shop = extractSchema(join(root, 'test/unit/config/fixtures/shop/index.ts'), { tsConfigFilePath: join(root, 'tsconfig.json') });
});

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const service: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    tag: { type: 'string' },
    replicas: { type: 'integer' },
    config: { type: 'object', additionalProperties: { type: 'string' } },
    ports: { type: 'array', items: { type: 'integer' } },
  },
  additionalProperties: false,
};
const bench: JsonSchema = { type: 'object', properties: { services: { type: 'array', items: { $ref: '#/$defs/Service' } } }, $defs: { Service: service } };
const union: JsonSchema = {
  type: 'object',
  properties: {
    keys: { type: 'array', items: { type: 'string', [SECRET_KEYWORD]: true } },
    auth: {
      anyOf: [
        { type: 'object', properties: { kind: { const: 'basic' }, password: { type: 'string', [SECRET_KEYWORD]: true } } },
        { type: 'object', properties: { kind: { const: 'none' } } },
      ],
    },
    tokens: { type: 'object', additionalProperties: { type: 'string', [SECRET_KEYWORD]: true } },
    tree: { $ref: '#/$defs/Tree' },
  },
  $defs: { Tree: { type: 'object', properties: { value: { type: 'string', [SECRET_KEYWORD]: true }, children: { type: 'array', items: { $ref: '#/$defs/Tree' } } } } },
};

describe('hashSecretValues', () => {
  it('gives the reference walk’s result for generated values, with and without secrets in the schema', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const keys = ['name', 'tag', 'replicas', 'config', 'ports', 'services', 'keys', 'auth', 'kind', 'password', 'tokens', 'tree', 'value', 'children', 'database', 'tier', 'hosts', 'licenseKey', 'constructor', 'toString', '__proto__', 'x'];
    const scalars: unknown[] = ['a', 'basic', 'none', 'small', 'hunter2', hashSecret('h'), '', 0, -0, 3, 2.5, NaN, true, null, undefined, new Date(0), Object.create(null), new Map([[1, 2]])];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 4 || r < 0.4) return pick(scalars);
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) Object.defineProperty(out, pick(keys), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return out;
    };
    let hashed = 0;
    for (const schema of [shop, bench, union, service]) {
      for (let i = 0; i < 300; i++) {
        const values = value(0);
        const expected = repr(referenceHashSecretValues(schema, values));
        expect(repr(hashSecretValues(schema, values))).toBe(expected);
        if (expected.includes('sha256:')) hashed++;
      }
    }
    expect(hashed).toBeGreaterThan(100);
    const services = Array.from({ length: 50 }, (_, i) => ({ name: `svc-${i}`, tag: '1.0.0', replicas: 2, config: { A: 'b' }, ports: [80] }));
    expect(repr(hashSecretValues(bench, { services }))).toBe(repr(referenceHashSecretValues(bench, { services })));
  });
});
