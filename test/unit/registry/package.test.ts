import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigSchema } from '../../../src/config/json-schema.js';
import { readSourcePackageJson, withoutSecrets } from '../../../src/registry/package.js';

describe('withoutSecrets', () => {
  const schema = {
    type: 'object',
    properties: {
      image: { type: 'string' },
      auth: { type: 'object', properties: { user: { type: 'string' }, password: { type: 'string', 'x-berth-secret': true } } },
      tokens: { type: 'object', additionalProperties: { type: 'string', 'x-berth-secret': true } },
      replicas: { type: 'number' },
    },
  } as unknown as ConfigSchema;

  it('leaves out every secret-marked value, nested and in records, and keeps the rest', () => {
    const values = { image: 'redis:7', auth: { user: 'app', password: 'hunter2' }, tokens: { a: 'x', b: 'y' }, replicas: 0 };
    expect(withoutSecrets(schema, values)).toEqual({ image: 'redis:7', auth: { user: 'app' }, tokens: {}, replicas: 0 });
    expect(JSON.stringify(withoutSecrets(schema, values))).not.toContain('hunter2');
  });
});

describe('readSourcePackageJson', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'berth-pkg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names each field that breaks the template package.json contract', () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'Redis', version: '1.0', type: 'commonjs' }));
    expect(() => readSourcePackageJson(dir)).toThrow(
      [
        `${join(dir, 'package.json')} is not a template package.json:`,
        '  name: expected a scoped package name such as "@acme/redis", got "Redis"',
        '  version: expected a semver version such as "1.0.0", got "1.0"',
        '  type: expected "module" (templates ship ESM), got "commonjs"',
        '  peerDependencies.berth: expected a range such as "^0.1.0" (templates import berth)',
      ].join('\n'),
    );
  });

  it('accepts a scoped, versioned ESM package with berth as a peer', () => {
    const pkg = { name: '@acme/redis', version: '1.0.0', type: 'module', peerDependencies: { berth: '^0.1.0' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    expect(readSourcePackageJson(dir)).toEqual(pkg);
  });
});
