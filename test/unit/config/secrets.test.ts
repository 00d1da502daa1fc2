import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { jest } from '@jest/globals';
import { extractSchema } from '../../../src/config/schema.js';
import { hashSecret, hashSecretValues, listSecretPaths } from '../../../src/config/secrets.js';
import { isHashedSecret, isSecretPath } from '../../../src/model/secrets.js';
import type { ConfigSchema, JsonSchema } from '../../../src/config/json-schema.js';

jest.setTimeout(60_000);

const root = resolve('.');
let schema: ConfigSchema;

let cacheDir: string;

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  cacheDir = process.env.BERTH_CACHE_DIR = mkdtempSync(join(root, '.cache', 'test-secrets-'));
  schema = extractSchema(join(root, 'test/unit/config/fixtures/shop/index.ts'), { tsConfigFilePath: join(root, 'tsconfig.json') });
});

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('listSecretPaths', () => {
  it('lists fields typed Secret, tagged @secret, and secret values of records', () => {
    expect(listSecretPaths(schema)).toEqual(['database.password', 'tokens.*', 'licenseKey']);
  });

  it('finds secrets inside arrays and union branches', () => {
    const s: JsonSchema = {
      type: 'object',
      properties: {
        keys: { type: 'array', items: { type: 'string', 'x-berth-secret': true } },
        auth: {
          anyOf: [
            { type: 'object', properties: { kind: { const: 'basic' }, password: { type: 'string', 'x-berth-secret': true } } },
            { type: 'object', properties: { kind: { const: 'none' } } },
          ],
        },
      },
    };
    expect(listSecretPaths(s)).toEqual(['keys[]', 'auth.password']);
  });
});

describe('hashSecretValues', () => {
  it('replaces secret values with sha256 hashes and keeps everything else', () => {
    const values = {
      tier: 'small',
      database: { replicas: 2, storage: '10Gi', password: 'hunter2' },
      hosts: ['shop.example'],
      tokens: { ci: 'abc', deploy: 'def' },
      licenseKey: 'LIC-1',
    };
    expect(hashSecretValues(schema, values)).toEqual({
      tier: 'small',
      database: { replicas: 2, storage: '10Gi', password: sha('hunter2') },
      hosts: ['shop.example'],
      tokens: { ci: sha('abc'), deploy: sha('def') },
      licenseKey: sha('LIC-1'),
    });
    expect(values.database.password).toBe('hunter2');
  });

  it('hashes secrets in arrays and in the union branch that has them, and does not hash a hash again', () => {
    const s: JsonSchema = {
      type: 'object',
      properties: {
        keys: { type: 'array', items: { type: 'string', 'x-berth-secret': true } },
        auth: {
          anyOf: [
            { type: 'object', properties: { kind: { const: 'basic' }, password: { type: 'string', 'x-berth-secret': true } } },
            { type: 'object', properties: { kind: { const: 'none' } } },
          ],
        },
      },
    };
    const hashed = hashSecretValues(s, { keys: ['k1', 'k2'], auth: { kind: 'basic', password: 'pw' } });
    expect(hashed).toEqual({ keys: [sha('k1'), sha('k2')], auth: { kind: 'basic', password: sha('pw') } });
    expect(hashSecretValues(s, hashed)).toEqual(hashed);
  });

  it('hashes non-string secret values by their JSON', () => {
    expect(hashSecret(1234)).toBe(sha('1234'));
    expect(isHashedSecret(hashSecret('x'))).toBe(true);
    expect(isHashedSecret('sha256:nothex')).toBe(false);
  });
});

describe('isSecretPath', () => {
  const patterns = ['database.password', 'tokens.*', 'keys[]', 'env.*.token', 'annotations["team.io/key"]'];

  it('matches a secret field, any key of a secret record and any item of a secret list', () => {
    expect(isSecretPath('database.password', patterns)).toBe(true);
    expect(isSecretPath('tokens.ci', patterns)).toBe(true);
    expect(isSecretPath('keys[3]', patterns)).toBe(true);
    expect(isSecretPath('env.api.token', patterns)).toBe(true);
    expect(isSecretPath('annotations["team.io/key"]', patterns)).toBe(true);
  });

  it('matches what is inside a secret and what contains one (a list compared whole)', () => {
    expect(isSecretPath('tokens.ci.value', patterns)).toBe(true);
    expect(isSecretPath('keys', patterns)).toBe(true);
  });

  it('does not match neighbours', () => {
    expect(isSecretPath('database.replicas', patterns)).toBe(false);
    expect(isSecretPath('database.passwords', patterns)).toBe(false);
    expect(isSecretPath('env.api.url', patterns)).toBe(false);
    expect(isSecretPath('hosts[0]', patterns)).toBe(false);
    expect(isSecretPath('annotations["team.io/name"]', patterns)).toBe(false);
  });
});
