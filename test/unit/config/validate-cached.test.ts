/**
 * The cached standalone validator (validate.ts isValidCached) against the full ajv validator: the same verdict on
 * valid and invalid values, the code written once per schema and read back in a later lookup, and the same error
 * messages from validateValues with and without the cache.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { extractSchema } from '../../../src/config/schema.js';
import { findProblems, isValidCached, validateValues } from '../../../src/config/validate.js';
import type { ConfigSchema } from '../../../src/config/json-schema.js';

jest.setTimeout(60_000);

const root = resolve('.');
let schema: ConfigSchema;
let dir: string;

const valid = {
  tier: 'small',
  database: { replicas: 2, storage: '10Gi', password: 'hunter2' },
  hosts: ['shop.example'],
};

const inputs: unknown[] = [
  valid,
  { ...valid, cache: { kind: 'memcached', servers: ['m:11211'] } },
  { ...valid, cache: { kind: 'redis' } },
  { ...valid, cache: { kind: 'nope' } },
  { ...valid, database: { ...valid.database, replicas: 'three' } },
  { ...valid, database: { ...valid.database, replicas: 2.5 } },
  { ...valid, database: { ...valid.database, replicas: NaN } },
  { ...valid, database: { ...valid.database, replicas: Infinity } },
  { ...valid, Tier: 'small' },
  { ...valid, tier: 'huge' },
  { ...valid, hosts: 'shop.example' },
  { ...valid, hosts: [] },
  { ...valid, tokens: { ci: 'abc' } },
  { ...valid, tokens: { ci: 3 } },
  { hosts: 3 },
  {},
  [],
  null,
];

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-validate-cached-'));
  delete process.env.BERTH_CACHE_DIR;
  schema = extractSchema(join(root, 'test/unit/config/fixtures/shop/index.ts'), { tsConfigFilePath: join(root, 'tsconfig.json') });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validatorFiles = (project: string) => readdirSync(join(project, '.cache', 'berth', 'validators'));

describe('isValidCached', () => {
  it('gives the full validator’s verdict, compiling on a miss and reading the cached code on a hit', () => {
    const first = join(dir, 'first');
    const expected = inputs.map((v) => findProblems(schema, v, true).length === 0);
    expect(expected.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(expected.filter((ok) => !ok).length).toBeGreaterThanOrEqual(10);
    for (const extracted of [true, false]) {
      expect(inputs.map((v) => isValidCached(schema, v, extracted, first))).toEqual(expected);
    }
    // One file per schema and options (checked against the meta-schema or not).
    expect(validatorFiles(first)).toHaveLength(2);
    // Another project root has no loaded validator yet: the cached code is read from its file.
    const second = join(dir, 'second');
    cpSync(join(first, '.cache'), join(second, '.cache'), { recursive: true });
    expect(inputs.map((v) => isValidCached(schema, v, true, second))).toEqual(expected);
  });

  it('runs the cached code itself (a changed file changes the verdict), and writes a damaged file again', () => {
    isValidCached(schema, valid, true, join(dir, 'source'));
    const [name] = validatorFiles(join(dir, 'source'));
    const code = readFileSync(join(dir, 'source', '.cache', 'berth', 'validators', name!), 'utf8');
    expect(code).not.toMatch(/require\("ajv\/dist\/(2020|core|compile)/);
    for (const [project, text, verdict] of [
      ['tampered', 'module.exports = () => true;', true],
      ['damaged', 'this is not JavaScript {', false],
    ] as const) {
      mkdirSync(join(dir, project, '.cache', 'berth', 'validators'), { recursive: true });
      writeFileSync(join(dir, project, '.cache', 'berth', 'validators', name!), text);
      expect(isValidCached(schema, { hosts: 3 }, true, join(dir, project))).toBe(verdict);
    }
    expect(readFileSync(join(dir, 'damaged', '.cache', 'berth', 'validators', name!), 'utf8')).toBe(code);
  });
});

describe('validateValues with a cache root', () => {
  it('throws exactly the messages it throws without one', () => {
    const message = (v: unknown, cacheRoot?: string): string => {
      try {
        validateValues(schema, v, { source: 'prod.yaml', app: 'shop', extractedSchema: true, cacheRoot });
        return 'valid';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const withCache = inputs.map((v) => message(v, join(dir, 'messages')));
    expect(withCache).toEqual(inputs.map((v) => message(v)));
    expect(withCache.filter((m) => m === 'valid').length).toBeGreaterThanOrEqual(3);
    expect(withCache.some((m) => m.includes('did you mean `tier`?'))).toBe(true);
  });

  it('finds bad scalars with the values\' JSON text given as without it: controls, lone surrogates, NaN, infinities', () => {
    const message = (v: unknown, json?: string): string => {
      try {
        validateValues(schema, v, { extractedSchema: true, cacheRoot: join(dir, 'json'), json });
        return 'valid';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const bad = ['a\u0007b', 'a\u0085b', 'a\u007fb', 'a\bb', 'a\fb', 'x\ud800', '\udc00y', 'a\u0000'].map((s) => ({ ...valid, database: { ...valid.database, password: s } }));
    const numbers = [NaN, Infinity, -Infinity].map((n) => ({ ...valid, database: { ...valid.database, replicas: n } }));
    const fine = [valid, { ...valid, hosts: ['nullable.example', 'a\\bc', '😀', 'tab\there', 'line\nbreak'] }];
    for (const v of [...bad, ...numbers, ...fine, ...inputs]) {
      const json = JSON.stringify(v) ?? 'null';
      expect({ v, m: message(v, json) }).toEqual({ v, m: message(v) });
    }
    expect(bad.every((v) => message(v, JSON.stringify(v)) !== 'valid')).toBe(true);
    expect(numbers.every((v) => /finite number/.test(message(v, JSON.stringify(v))))).toBe(true);
    expect(fine.every((v) => message(v, JSON.stringify(v)) === 'valid')).toBe(true);
  });
});
