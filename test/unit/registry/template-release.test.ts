import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { templateSpecOf } from '../../../src/registry/template-spec.js';

describe('templateSpecOf', () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'berth-spec-'));
    mkdirSync(join(project, 'apps', 'shop'), { recursive: true });
    writeFileSync(join(project, 'apps', 'shop', 'index.ts'), '');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ dependencies: { redis: '^1.0.0', lodash: '^4', shop: '^1' } }));
    for (const [name, berth] of [['redis', true], ['lodash', false], ['shop', true]] as const) {
      mkdirSync(join(project, 'node_modules', name), { recursive: true });
      writeFileSync(join(project, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...(berth ? { berth: { apiVersion: 1 } } : {}) }));
    }
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('takes scoped names, name@range and .tgz files as templates', () => {
    for (const spec of ['@acme/db', '@acme/db@^1', 'redis@1.2.0', 'x-1.0.0.tgz']) expect(templateSpecOf(spec, project, project)).toBe(spec);
  });

  it('takes a bare name as an app under apps/ first, then as a dependency with a berth field', () => {
    expect(templateSpecOf('shop', project, project)).toBeUndefined();
    expect(templateSpecOf('redis', project, project)).toBe('redis');
    expect(templateSpecOf('lodash', project, project)).toBeUndefined();
    expect(templateSpecOf('nothing', project, project)).toBeUndefined();
    expect(templateSpecOf('./apps/shop', project, project)).toBeUndefined();
  });
});
