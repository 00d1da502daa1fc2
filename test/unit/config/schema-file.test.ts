import { rmSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { schemaTableRows, writeSchemaTo, yamlSchemaComment } from '../../../src/config/schema-file.js';
import { schemaOfApp } from '../../../src/synth/app-schema.js';
import type { ConfigSchema } from '../../../src/config/json-schema.js';

jest.setTimeout(60_000);

const root = resolve('.');
let schema: ConfigSchema;
let dir: string;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-schema-file-'));
  process.env.BERTH_CACHE_DIR = join(dir, 'cache');
  schema = schemaOfApp(join(root, 'test/unit/config/fixtures/shop'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schemaTableRows', () => {
  it('lists every field with path, type, required, default, secret and description', () => {
    const rows = schemaTableRows(schema);
    expect(rows.map((r) => r[0])).toEqual([
      'tier',
      'database',
      'database.replicas',
      'database.storage',
      'database.password',
      'cache',
      'cache.kind',
      'cache.memoryMb',
      'cache.servers',
      'hosts',
      'env',
      'env.*',
      'env.*.*',
      'tokens',
      'tokens.*',
      'features',
      'features.*',
      'licenseKey',
      'debug',
      'logLevel',
      'port',
      'backup',
      'backup.schedule',
      'backup.keep',
      'nodeSelector',
      'nodeSelector.*',
      'pair',
    ]);
    const row = (path: string) => rows.find((r) => r[0] === path);
    expect(row('tier')).toEqual(['tier', '"small" | "medium" | "large"', 'yes', '"small"', '', 'Deployment size.']);
    expect(row('database.password')).toEqual(['database.password', 'string', 'yes', '', 'yes', 'Password of the application user.']);
    expect(row('cache')).toEqual(['cache', 'RedisCache | MemcachedCache', 'no', '', '', 'Cache in front of the database.']);
    expect(row('cache.kind')).toEqual(['cache.kind', '"redis" | "memcached"', 'yes', '', '', '']);
    expect(row('cache.servers')?.[2]).toBe('no');
    expect(row('features')).toEqual(['features', 'Record<string, boolean>', 'no', 'all features off', '', 'Feature flags.']);
    expect(row('pair')?.[1]).toBe('[string, number]');
  });
});

describe('writeSchemaTo', () => {
  it('writes the schema to the given path, deterministically', () => {
    const out = join(dir, 'dist', 'shop.schema.json');
    const path = writeSchemaTo(schema, out);
    expect(path).toBe(out);
    const first = readFileSync(path, 'utf8');
    expect(JSON.parse(first)).toEqual(schema);
    writeSchemaTo(schema, out);
    expect(readFileSync(path, 'utf8')).toBe(first);
  });
});

describe('yamlSchemaComment', () => {
  it('points a values file at the schema with a relative path', () => {
    expect(yamlSchemaComment('/repo/values/prod.yaml', '/repo/dist/shop/schema.json')).toBe(
      '# yaml-language-server: $schema=../dist/shop/schema.json',
    );
    expect(yamlSchemaComment('/repo/prod.yaml', '/repo/schema.json')).toBe('# yaml-language-server: $schema=./schema.json');
  });
});
