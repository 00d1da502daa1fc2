import { rmSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  loadValues,
  loadValuesWithOrigins,
  mergeValues,
  parseSetExpression,
  setPath,
} from '../../../src/config/values.js';
import { UserError } from '../../../src/errors.js';

const root = resolve('.');
let dir: string;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-values-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('loadValues', () => {
  it('merges YAML and JSON files in order: objects key by key, arrays replaced', () => {
    file('base.yaml', 'tier: small\ndatabase:\n  replicas: 1\n  storage: 10Gi\nhosts: [a.example, b.example]\n');
    file('prod.json', '{ "database": { "replicas": 3 }, "hosts": ["shop.example"] }');
    expect(loadValues({ files: ['base.yaml', 'prod.json'], cwd: dir })).toEqual({
      tier: 'small',
      database: { replicas: 3, storage: '10Gi' },
      hosts: ['shop.example'],
    });
  });

  it('applies --set after the files, parsing values as YAML scalars, and --set-string as strings', () => {
    file('one.yaml', 'database:\n  replicas: 1\n');
    expect(
      loadValues({
        files: ['one.yaml'],
        set: ['database.replicas=3', 'debug=true', 'tier=large', 'hosts=[a, b]', 'empty='],
        setString: ['version=1.10', 'database.replicas=4'],
        cwd: dir,
      }),
    ).toEqual({ database: { replicas: '4' }, debug: true, tier: 'large', hosts: ['a', 'b'], empty: '', version: '1.10' });
  });

  it('resolves anchors and << merge keys', () => {
    file('anchors.yaml', 'defaults: &res\n  cpu: 100m\n  memory: 128Mi\napi:\n  resources:\n    <<: *res\n    memory: 256Mi\n');
    expect(loadValues({ files: ['anchors.yaml'], cwd: dir }).api).toEqual({ resources: { cpu: '100m', memory: '256Mi' } });
  });

  it('treats an empty file as no values', () => {
    file('empty.yaml', '# nothing yet\n');
    expect(loadValues({ files: ['empty.yaml'], cwd: dir })).toEqual({});
  });

  it('records where every value was set', () => {
    file('o.yaml', 'database:\n  replicas: 2\nhosts:\n  - a.example\n');
    const { origins } = loadValuesWithOrigins({ files: ['o.yaml'], set: ['tier=small'], cwd: dir });
    expect(Object.fromEntries(origins)).toEqual({
      database: 'o.yaml:1:1',
      'database.replicas': 'o.yaml:2:3',
      hosts: 'o.yaml:3:1',
      'hosts[0]': 'o.yaml:4:5',
      tier: '--set tier=small',
    });
  });

  it('names the file, line and column of a YAML syntax error', () => {
    file('broken.yaml', 'tier: small\ndatabase:\n  replicas: [1, 2\n');
    expect(() => loadValues({ files: ['broken.yaml'], cwd: dir })).toThrow(
      new UserError(
        'values file broken.yaml is not valid YAML or JSON:\n  broken.yaml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ),
    );
  });

  it('names the line of a duplicate key', () => {
    file('dup.yaml', 'tier: small\ntier: large\n');
    expect(() => loadValues({ files: ['dup.yaml'], cwd: dir })).toThrow(
      new UserError('values file dup.yaml is not valid YAML or JSON:\n  dup.yaml:2:1: Map keys must be unique'),
    );
  });

  it('refuses a file whose top level is not a mapping', () => {
    file('list.yaml', '- a\n- b\n');
    expect(() => loadValues({ files: ['list.yaml'], cwd: dir })).toThrow(
      new UserError('list.yaml:1:1: the top level of a values file must be a mapping of config fields, got a list'),
    );
  });

  it('refuses a missing file', () => {
    expect(() => loadValues({ files: ['nope.yaml'], cwd: dir })).toThrow(
      new UserError('values file nope.yaml does not exist', { hint: 'pass an existing YAML or JSON file with -f' }),
    );
  });
});

describe('parseSetExpression', () => {
  it('splits the path on dots and reads list indexes and escaped dots', () => {
    expect(parseSetExpression('a.b[1].c=x')).toEqual({ path: ['a', 'b', 1, 'c'], value: 'x' });
    expect(parseSetExpression('annotations.example\\.com/team=shop')).toEqual({
      path: ['annotations', 'example.com/team'],
      value: 'shop',
    });
  });

  it('keeps everything after the first = as the value', () => {
    expect(parseSetExpression('args=--level=3')).toEqual({ path: ['args'], value: '--level=3' });
  });

  it('refuses an expression without a value', () => {
    expect(() => parseSetExpression('database.replicas')).toThrow(
      new UserError('--set "database.replicas": expected path=value', {
        hint: 'write --set path.to.field=value, e.g. --set database.replicas=3',
      }),
    );
  });

  it('refuses an empty path segment and a non-numeric index', () => {
    expect(() => parseSetExpression('a..b=1')).toThrow('--set "a..b=1": a path segment is empty');
    expect(() => parseSetExpression('hosts[x]=1')).toThrow('--set "hosts[x]=1": list index [x] is not a number');
  });
});

describe('setPath', () => {
  it('replaces one item of an existing list and pads past the end with null', () => {
    expect(setPath({ hosts: ['a', 'b'] }, ['hosts', 1], 'c', 'test')).toEqual({ hosts: ['a', 'c'] });
    expect(setPath({}, ['hosts', 2], 'c', 'test')).toEqual({ hosts: [null, null, 'c'] });
  });

  it('removes a key set to null', () => {
    expect(setPath({ cache: { kind: 'redis' }, tier: 'small' }, ['cache'], null, 'test')).toEqual({ tier: 'small' });
  });
});

describe('mergeValues', () => {
  it('deep-merges objects, replaces arrays and scalars, and removes keys set to null', () => {
    const base = { tier: 'small', database: { replicas: 1, storage: '10Gi' }, hosts: ['a'], cache: { kind: 'redis' } };
    const merged = mergeValues(base, { database: { replicas: 3 }, hosts: ['b', 'c'], cache: null });
    expect(merged).toEqual({ tier: 'small', database: { replicas: 3, storage: '10Gi' }, hosts: ['b', 'c'] });
  });

  it('does not modify its inputs', () => {
    const base = { database: { replicas: 1 } };
    const overlay = { database: { storage: '1Gi' } };
    const merged = mergeValues(base, overlay);
    (merged.database as Record<string, unknown>).replicas = 9;
    expect(base).toEqual({ database: { replicas: 1 } });
    expect(overlay).toEqual({ database: { storage: '1Gi' } });
  });
});
