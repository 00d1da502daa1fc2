import { rmSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { extractSchema } from '../../../src/config/schema.js';
import { validateValues } from '../../../src/config/validate.js';
import { loadValuesWithOrigins } from '../../../src/config/values.js';
import { findProblems, suggest } from '../../../src/config/validate.js';
import type { ConfigSchema } from '../../../src/config/json-schema.js';
import { UserError } from '../../../src/errors.js';

jest.setTimeout(60_000);

const root = resolve('.');
let schema: ConfigSchema;
let dir: string;

const valid = {
  tier: 'small',
  database: { replicas: 2, storage: '10Gi', password: 'hunter2' },
  hosts: ['shop.example'],
};

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-validate-'));
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
  schema = extractSchema(join(root, 'test/unit/config/fixtures/shop/index.ts'), { tsConfigFilePath: join(root, 'tsconfig.json') });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messages(values: unknown): string[] {
  return findProblems(schema, values).map((p) => p.message);
}

describe('validateValues', () => {
  it('accepts values that match the schema', () => {
    expect(() => validateValues(schema, valid)).not.toThrow();
    expect(messages({ ...valid, cache: { kind: 'memcached', servers: ['m:11211'] } })).toEqual([]);
  });

  it('gives the same problems for a schema Berth extracted without checking it against the meta-schema', () => {
    const inputs = [valid, { ...valid, database: { ...valid.database, replicas: 'three' } }, { ...valid, Tier: 'small' }, { hosts: 3 }];
    for (const values of inputs) expect(findProblems(schema, values, true)).toEqual(findProblems(schema, values));
    expect(findProblems(schema, { hosts: 3 }, true).length).toBeGreaterThan(0);
    // A schema from elsewhere (a template package) is still checked: a wrong type name is refused.
    expect(() => findProblems({ type: 'object', properties: { a: { type: 'strnig' } } } as unknown as ConfigSchema, {})).toThrow(/schema is invalid/);
  });

  it('reports a wrong type with the path, the expected type and the given value', () => {
    expect(messages({ ...valid, database: { ...valid.database, replicas: 'three' } })).toEqual([
      'database.replicas: expected integer, got string "three"',
    ]);
    expect(messages({ ...valid, hosts: 'shop.example' })).toEqual(['hosts: expected string[], got string "shop.example"']);
  });

  it('suggests the closest allowed key for a misspelt one', () => {
    expect(messages({ ...valid, database: { ...valid.database, replicaz: 2 } })).toEqual([
      'database.replicaz: unknown field; did you mean `replicas`?',
    ]);
    expect(messages({ ...valid, Tier: 'small' })).toEqual(['Tier: unknown field; did you mean `tier`?']);
  });

  it('lists the allowed keys when no key is close', () => {
    expect(messages({ ...valid, backup: { schedule: '@daily', retention: 3 } })).toEqual([
      'backup.retention: unknown field; allowed fields here: schedule, keep',
    ]);
  });

  it('names a missing required field and its type', () => {
    const { storage: _storage, ...database } = valid.database;
    expect(messages({ ...valid, database })).toEqual(['database.storage: required field is missing; add it (string)']);
  });

  it('lists the allowed values of an enum', () => {
    expect(messages({ ...valid, tier: 'huge' })).toEqual(['tier: expected one of "small", "medium", "large", got string "huge"']);
  });

  it('reports bounds and patterns from JSDoc tags', () => {
    expect(messages({ ...valid, database: { ...valid.database, replicas: 9, storage: '10GB' } })).toEqual([
      'database.replicas: expected a number <= 5, got number 9',
      'database.storage: expected a string matching /^[0-9]+(Mi|Gi)$/, got string "10GB"',
    ]);
  });

  it('names the discriminator of a union of objects when no branch matches it', () => {
    expect(messages({ ...valid, cache: { kind: 'memcache' } })).toEqual([
      'cache.kind: expected one of "redis", "memcached", got string "memcache"',
    ]);
  });

  it('reports the problems of the union branch the value chose', () => {
    expect(messages({ ...valid, cache: { kind: 'redis', memoryMb: 'lots' } })).toEqual([
      'cache.memoryMb: expected number, got string "lots"',
    ]);
  });

  it('suggests the right key inside the union branch the value chose', () => {
    expect(messages({ ...valid, cache: { kind: 'redis', memoryMB: 512 } })).toEqual([
      'cache.memoryMB: unknown field; did you mean `memoryMb`?',
    ]);
  });

  it('never shows the value of a secret field', () => {
    expect(messages({ ...valid, database: { ...valid.database, password: 12345 }, tokens: { ci: true } })).toEqual([
      'database.password: expected string, got a number (value hidden: the field is secret)',
      'tokens.ci: expected string, got a boolean (value hidden: the field is secret)',
    ]);
  });

  it('lists problems in the order the values were written', () => {
    expect(messages({ cache: { kind: 'memcache' }, ...valid, tier: 'huge', debug: 1 })).toEqual([
      'cache.kind: expected one of "redis", "memcached", got string "memcache"',
      'tier: expected one of "small", "medium", "large", got string "huge"',
      'debug: expected boolean, got number 1',
    ]);
  });

  it('throws one UserError listing every problem with where it was set', () => {
    writeFileSync(join(dir, 'prod.yaml'), 'tier: huge\ndatabase:\n  replicaz: 2\n  password: x\nhosts: []\n');
    const { values, origins } = loadValuesWithOrigins({ files: ['prod.yaml'], set: ['debug=maybe'], cwd: dir });
    expect(() => validateValues(schema, values, { origins, source: 'prod.yaml, --set', app: 'shop' })).toThrow(
      new UserError(
        [
          'values from prod.yaml, --set do not match the config type ShopConfig (4 problems):',
          '  - tier: expected one of "small", "medium", "large", got string "huge" (prod.yaml:1:1)',
          '  - database.storage: required field is missing; add it (string) (prod.yaml:2:1)',
          '  - database.replicaz: unknown field; did you mean `replicas`? (prod.yaml:3:3)',
          '  - debug: expected boolean, got string "maybe" (--set debug=maybe)',
        ].join('\n'),
        { hint: 'run `berth schema shop` to list every field with its type and default' },
      ),
    );
  });

  it('shows how to quote a --set value that YAML read as a number where a string is expected', () => {
    const { values, origins } = loadValuesWithOrigins({ set: ['database.storage=10', 'tier=small', 'hosts=[a]', 'database.password=x'] });
    expect(() => validateValues(schema, values, { origins })).toThrow(
      'database.storage: expected string, got number 10 (--set database.storage=10); to pass it as a string, quote it: --set \'database.storage="10"\'',
    );
  });

  it('carries the hint and the message in the thrown error', () => {
    let thrown: unknown;
    try {
      validateValues(schema, { ...valid, tier: 'huge' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).message).toBe(
      'config values do not match the config type ShopConfig (1 problem):\n  - tier: expected one of "small", "medium", "large", got string "huge"',
    );
    expect((thrown as UserError).hint).toBe('run `berth schema <app>` to list every field with its type and default');
  });
});

describe('values no type check catches', () => {
  it('refuses NaN and ±Infinity in every number field, also where an integer is expected', () => {
    expect(messages({ ...valid, database: { ...valid.database, replicas: Number.NaN }, backup: { schedule: 'x', keep: Infinity } })).toEqual([
      'database.replicas: expected a finite number, got NaN',
      'backup.keep: expected a finite number, got Infinity',
    ]);
    expect(messages({ ...valid, cache: { kind: 'redis', memoryMb: -Infinity } })).toEqual(['cache.memoryMb: expected a finite number, got -Infinity']);
  });

  it('refuses fractional and out-of-range numbers of fields tagged @integer, @minimum and @maximum', () => {
    expect(messages({ ...valid, database: { ...valid.database, replicas: 1.5 } })).toEqual(['database.replicas: expected integer, got number 1.5']);
    expect(messages({ ...valid, database: { ...valid.database, replicas: 0 } })).toEqual(['database.replicas: expected a number >= 1, got number 0']);
    expect(messages({ ...valid, database: { ...valid.database, replicas: 6 } })).toEqual(['database.replicas: expected a number <= 5, got number 6']);
  });

  it('refuses an empty required string and an empty secret, without showing the secret', () => {
    expect(messages({ ...valid, database: { ...valid.database, storage: '' } })).toEqual([
      'database.storage: expected a non-empty string, got string ""',
      'database.storage: expected a string matching /^[0-9]+(Mi|Gi)$/, got string ""',
    ]);
    expect(messages({ ...valid, database: { ...valid.database, password: '' }, licenseKey: '' })).toEqual([
      'database.password: expected a non-empty string, got a string (value hidden: the field is secret)',
      'licenseKey: expected a non-empty string, got a string (value hidden: the field is secret)',
    ]);
  });

  it('refuses control characters and lone surrogates in strings, showing the position, never a secret', () => {
    expect(messages({ ...valid, hosts: ['shop\u0000.example'] })).toEqual([
      'hosts[0]: expected text without control characters, got U+0000 at position 5 in string "shopU+0000.example"',
    ]);
    expect(messages({ ...valid, database: { ...valid.database, password: 'hunter\u001b2' } })).toEqual([
      'database.password: expected text without control characters, got U+001B at position 7',
    ]);
    expect(messages({ ...valid, tokens: { ci: 'a\ud800b' } })).toEqual([
      'tokens.ci: expected text, got a string with a lone UTF-16 surrogate (not Unicode text)',
    ]);
    expect(messages({ ...valid, hosts: ['tab\tand\nnewline are text'] })).toEqual([]);
  });

  it('reports a key named __proto__ or constructor as an unknown field', () => {
    const values = JSON.parse('{"__proto__": {"debug": true}, "constructor": 1}') as Record<string, unknown>;
    expect(messages({ ...valid, ...values })).toEqual([
      '__proto__: unknown field; allowed fields here: tier, database, cache, hosts, env, tokens, features, licenseKey, debug, logLevel, port, backup, nodeSelector, pair',
      'constructor: unknown field; allowed fields here: tier, database, cache, hosts, env, tokens, features, licenseKey, debug, logLevel, port, backup, nodeSelector, pair',
    ]);
  });

  it('names the --set null that removed a required field', () => {
    const { values, origins } = loadValuesWithOrigins({ set: ['database.password=null'] });
    expect(() => validateValues(schema, { ...valid, database: { storage: '1Gi' } }, { origins, source: '--set' })).toThrow(
      'database.password: required field is missing; add it (string) (--set database.password=null)',
    );
    expect(values).toEqual({ database: { password: null } });
  });
});

describe('suggest', () => {
  it('finds typos and case slips but not unrelated words', () => {
    expect(suggest('replcas', ['replicas', 'storage'])).toBe('replicas');
    expect(suggest('STORAGE', ['replicas', 'storage'])).toBe('storage');
    expect(suggest('retention', ['schedule', 'keep'])).toBeUndefined();
  });
});
