import { jest } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractSchema, parseDefault } from '../../../src/config/schema.js';
import { UserError } from '../../../src/errors.js';
import type { ConfigSchema, JsonSchema } from '../../../src/config/json-schema.js';

const root = resolve('.');
const fixtures = join(root, 'test/unit/config/fixtures');
const tsConfigFilePath = join(root, 'tsconfig.json');
/** A cold extraction builds a TypeScript program; one that imports `berth` loads cdk8s-plus's types too. */
const SLOW = 60_000;
jest.setTimeout(SLOW);

let base: string;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  base = mkdtempSync(join(root, '.cache', 'test-schema-'));
  process.env.BERTH_CACHE_DIR = join(base, 'cache');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

function extract(app: string, noCache = true): ConfigSchema {
  return extractSchema(join(fixtures, app, 'index.ts'), { tsConfigFilePath, noCache });
}

function prop(schema: JsonSchema, path: string): JsonSchema {
  return path.split('.').reduce<JsonSchema>((s, key) => s.properties![key]!, schema);
}

describe('extractSchema', () => {
  let shop: ConfigSchema;
  beforeAll(() => {
    shop = extract('shop');
  });

  it('describes the type argument of Application<...> as a draft 2020-12 object schema named after the type', () => {
    expect(shop.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(shop.title).toBe('ShopConfig');
    expect(shop.type).toBe('object');
    expect(shop.description).toBe('Configuration of the shop system.');
    expect(shop.additionalProperties).toBe(false);
  });

  it('lists required fields and leaves optional ones out', () => {
    expect(shop.required).toEqual(['tier', 'database', 'hosts']);
    expect(prop(shop, 'database').required).toEqual(['storage', 'password']);
  });

  it('turns string-literal unions into enums and keeps the doc comment and @default', () => {
    expect(prop(shop, 'tier')).toEqual({
      type: 'string',
      enum: ['small', 'medium', 'large'],
      description: 'Deployment size.',
      default: 'small',
    });
  });

  it('reads @integer, @minimum, @maximum and @pattern tags', () => {
    expect(prop(shop, 'database.replicas')).toEqual({
      type: 'integer',
      description: 'Number of database replicas.',
      default: 1,
      minimum: 1,
      maximum: 5,
    });
    expect(prop(shop, 'database.storage').pattern).toBe('^[0-9]+(Mi|Gi)$');
  });

  it('nests interfaces as objects that reject unknown keys, titled with the interface name', () => {
    const db = prop(shop, 'database');
    expect(db.type).toBe('object');
    expect(db.title).toBe('DatabaseConfig');
    expect(db.additionalProperties).toBe(false);
    expect(Object.keys(db.properties!)).toEqual(['replicas', 'storage', 'password']);
  });

  it('flags fields typed Secret or tagged @secret as secret and write-only', () => {
    expect(prop(shop, 'database.password')).toMatchObject({ type: 'string', 'x-berth-secret': true, writeOnly: true });
    expect(prop(shop, 'licenseKey')).toMatchObject({ type: 'string', 'x-berth-secret': true, writeOnly: true });
    expect(prop(shop, 'tokens').additionalProperties).toEqual({ type: 'string', minLength: 1, 'x-berth-secret': true, writeOnly: true });
    expect(prop(shop, 'database.storage')['x-berth-secret']).toBeUndefined();
  });

  it('maps arrays, records, index signatures and tuples', () => {
    expect(prop(shop, 'hosts')).toEqual({ type: 'array', items: { type: 'string' }, description: 'Hostnames the gateway answers on.' });
    expect(prop(shop, 'env').additionalProperties).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(prop(shop, 'nodeSelector')).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(prop(shop, 'pair')).toEqual({
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
      minItems: 2,
    });
  });

  it('maps unions of object types to anyOf with a const per discriminator', () => {
    const cache = prop(shop, 'cache');
    expect(cache.anyOf).toHaveLength(2);
    expect(cache.anyOf![0]!.properties!.kind).toEqual({ const: 'redis' });
    expect(cache.anyOf![1]!.required).toEqual(['kind', 'servers']);
  });

  it('maps literal types and mixed literal unions', () => {
    expect(prop(shop, 'port')).toEqual({ type: 'number', enum: [8080, 8443] });
    expect(prop(shop, 'logLevel')).toEqual({ type: ['string', 'number'], enum: ['debug', 'info', 2] });
    expect(prop(shop, 'debug')).toEqual({ type: 'boolean' });
  });

  it('keeps a prose @default out of the schema and in x-berth-default-text', () => {
    expect(prop(shop, 'features').default).toBeUndefined();
    expect(prop(shop, 'features')['x-berth-default-text']).toBe('all features off');
  });

  it('describes recursive types once, in $defs, and refers to them', () => {
    const menu = extract('recursive');
    expect(prop(menu, 'menu')).toEqual({ type: 'array', items: { $ref: '#/$defs/MenuItem' } });
    expect(menu.$defs!.MenuItem!.properties!.children).toEqual({ type: 'array', items: { $ref: '#/$defs/MenuItem' } });
    expect(menu.$defs!.MenuItem!.description).toBe('A menu entry, with sub-entries of the same shape.');
  });

  it('finds Secret imported from berth and the config type through an intermediate base class', () => {
    const tokens = extract('with-berth');
    expect(tokens.title).toBe('TokenConfig');
    expect(prop(tokens, 'token')).toEqual({
      type: 'string',
      minLength: 1,
      'x-berth-secret': true,
      writeOnly: true,
      description: 'Token for the upstream API.',
    });
    expect(prop(tokens, 'oldTokens').items).toEqual({ type: 'string', minLength: 1, 'x-berth-secret': true, writeOnly: true });
    expect(prop(tokens, 'regional').additionalProperties).toEqual({
      type: 'array',
      items: { type: 'string', minLength: 1, 'x-berth-secret': true, writeOnly: true },
    });
  });

  it('instantiates generic interfaces, follows Partial and Pick, and maps string enums', () => {
    const generic = extract('generic');
    expect(prop(generic, 'api.extra')).toEqual({
      type: 'object',
      properties: { threads: { type: 'number' } },
      required: ['threads'],
      additionalProperties: false,
    });
    expect(prop(generic, 'overrides').required).toBeUndefined();
    expect(prop(generic, 'overrides.user').description).toBe('Login name.');
    expect(prop(generic, 'overrides.password')).toEqual({ type: 'string', minLength: 1, 'x-berth-secret': true, writeOnly: true });
    expect(Object.keys(prop(generic, 'login').properties!)).toEqual(['user']);
    expect(prop(generic, 'mode')).toEqual({ type: 'string', enum: ['fast', 'safe'] });
  });

  it('refuses a config field with a function type, naming the field', () => {
    expect(() => extract('bad-function')).toThrow(
      new UserError(
        'config field hooks.onStart has type () => void, which a values file cannot express: config is plain data: functions and classes cannot come from a values file',
      ),
    );
  });

  it('refuses an entry file without a default-exported class', () => {
    expect(() => extract('no-class')).toThrow(new UserError('test/unit/config/fixtures/no-class/index.ts has no default-exported class'));
  });

  it('refuses an application class without a config type argument', () => {
    expect(() => extract('no-config-type')).toThrow(
      new UserError('the default-exported class Bare in test/unit/config/fixtures/no-config-type/index.ts does not extend Application<Config>', {
        hint: 'declare the config type as the type argument: `class Shop extends Application<ShopConfig>`',
      }),
    );
  });

  it('refuses a missing entry file', () => {
    expect(() => extractSchema(join(fixtures, 'nope', 'index.ts'))).toThrow(/app entry .*nope\/index.ts does not exist/);
  });

  it('reuses the cached schema until a source file involved changes', () => {
    const dir = mkdtempSync(join(base, 'app-'));
    cpSync(join(fixtures, 'shop'), join(dir, 'shop'), { recursive: true });
    writeFileSync(join(dir, 'berth-stub.ts'), readFileSync(join(fixtures, 'berth-stub.ts')));
    const index = join(dir, 'shop', 'index.ts');

    let started = performance.now();
    const cold = extractSchema(index, { tsConfigFilePath });
    const coldMs = performance.now() - started;
    started = performance.now();
    const warm = extractSchema(index, { tsConfigFilePath });
    const warmMs = performance.now() - started;
    expect(warm).toEqual(cold);
    expect(warmMs).toBeLessThan(coldMs / 5);

    const config = join(dir, 'shop', 'config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace('Deployment size.', 'How big the shop is.'));
    expect(prop(extractSchema(index, { tsConfigFilePath }), 'tier').description).toBe('How big the shop is.');
  });
});

describe('parseDefault', () => {
  it.each([
    ['3', { value: 3 }],
    ['"small"', { value: 'small' }],
    ["'info'", { value: 'info' }],
    ['{"a": [1]}', { value: { a: [1] } }],
    ['postgres', { value: 'postgres' }],
    ['no TLS', { prose: 'no TLS' }],
    ['- one per node', { prose: 'one per node' }],
  ])('reads %s', (text, expected) => {
    expect(parseDefault(text)).toEqual(expected);
  });
});
