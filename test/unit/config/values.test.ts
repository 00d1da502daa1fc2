import { execFileSync } from 'node:child_process';
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

describe('readValuesFile refuses what is not one plain YAML document', () => {
  const yamlError = (name: string, line: string) => new UserError(`values file ${name} is not valid YAML or JSON:\n  ${line}`);

  it('names the line of an alias to an anchor that does not exist, also in a << merge', () => {
    file('alias.yaml', 'db:\n  image: *nope\n');
    expect(() => loadValues({ files: ['alias.yaml'], cwd: dir })).toThrow(
      yamlError('alias.yaml', 'alias.yaml:2:10: the alias *nope refers to no anchor &nope defined before it'),
    );
    file('merge.yaml', 'db:\n  <<: *defaults\n  image: x\n');
    expect(() => loadValues({ files: ['merge.yaml'], cwd: dir })).toThrow(
      yamlError('merge.yaml', 'merge.yaml:2:7: the alias *defaults refers to no anchor &defaults defined before it'),
    );
  });

  it('names the line of a << merge of something that is not a mapping', () => {
    file('merge-scalar.yaml', 'db:\n  <<: 3\n');
    expect(() => loadValues({ files: ['merge-scalar.yaml'], cwd: dir })).toThrow(
      yamlError('merge-scalar.yaml', 'merge-scalar.yaml:2:3: Merge sources must be maps or map aliases'),
    );
  });

  it('refuses an alias inside the node it refers to', () => {
    file('circle.yaml', 'a: &x\n  b: *x\n');
    expect(() => loadValues({ files: ['circle.yaml'], cwd: dir })).toThrow(
      yamlError('circle.yaml', 'circle.yaml:2:6: the alias *x is inside the node it refers to (a circular structure)'),
    );
  });

  it('refuses an alias bomb at the alias where the expansion passes the limit', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']]) {
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    file('bomb.yaml', `${levels.join('\n')}\n`);
    expect(() => loadValues({ files: ['bomb.yaml'], cwd: dir })).toThrow(/^values file bomb\.yaml is not valid YAML or JSON:\n {2}bomb\.yaml:6:\d+: aliases expand to more than 100000 values \(an alias bomb\?\)$/);
  });

  it('refuses a second document', () => {
    file('two.yaml', 'a: 1\n---\nb: 2\n');
    expect(() => loadValues({ files: ['two.yaml'], cwd: dir })).toThrow(
      yamlError('two.yaml', 'two.yaml:2:1: a values file holds one YAML document; this is a second one (after ---): put it in its own file'),
    );
  });

  it('refuses bytes that are not UTF-8, naming the line and the byte', () => {
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from('db:\n  user: ren'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(() => loadValues({ files: ['latin1.yaml'], cwd: dir })).toThrow(
      new UserError('latin1.yaml:2:12: values files must be UTF-8; byte 0xe9 at offset 15 is not', {
        hint: 'save the file as UTF-8 (iconv -f latin1 -t utf-8, or your editor\'s "save with encoding")',
      }),
    );
  });

  it('refuses a NUL character in the file', () => {
    file('nul.yaml', 'db:\n  image: postgres\u0000:16\n');
    expect(() => loadValues({ files: ['nul.yaml'], cwd: dir })).toThrow(/^nul\.yaml:2:18: the control character U\+0000 is not allowed in YAML$/);
  });

  it('refuses a directory, a named pipe and a device at once, without reading them', () => {
    mkdirSync(join(dir, 'values.d'), { recursive: true });
    expect(() => loadValues({ files: ['values.d'], cwd: dir })).toThrow('values file values.d is a directory, not a regular file');
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    expect(() => loadValues({ files: ['pipe.yaml'], cwd: dir })).toThrow('values file pipe.yaml is a named pipe, not a regular file');
    expect(() => loadValues({ files: ['/dev/zero'], cwd: dir })).toThrow('values file /dev/zero is a device, not a regular file');
  });

  it('refuses a file over 1 MiB', () => {
    file('big.yaml', `blob: ${'x'.repeat(5 * 1024 * 1024)}\n`);
    expect(() => loadValues({ files: ['big.yaml'], cwd: dir })).toThrow(
      new UserError('values file big.yaml is 5 MiB; the limit is 1 MiB', { hint: 'values files hold config; put data into the image or a volume' }),
    );
  });
});

describe('keys named __proto__ and constructor', () => {
  it('stay plain keys through files, merges and --set, so validation sees them', () => {
    file('proto.yaml', '__proto__:\n  image: evil\nconstructor: 1\n');
    const values = loadValues({ files: ['proto.yaml'], set: ['db.__proto__.image=evil'], cwd: dir });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.keys(values)).toEqual(['__proto__', 'constructor', 'db']);
    expect(Object.keys(values.db as object)).toEqual(['__proto__']);
    const merged = mergeValues({ db: { image: 'postgres' } }, values);
    expect(Object.keys(merged)).toEqual(['db', '__proto__', 'constructor']);
    expect(Object.keys(merged.db as object)).toEqual(['image', '__proto__']);
    expect(({} as Record<string, unknown>).image).toBeUndefined();
  });
});

describe('null in values files and --set', () => {
  it('removes the key from the env config, also when a later file or --set is merged first', () => {
    file('drop.yaml', 'cache: null\ndb:\n  storageClass: null\n');
    const overlay = loadValues({ files: ['drop.yaml'], set: ['tier=null'], cwd: dir });
    const env = { cache: { kind: 'redis' }, db: { storageClass: 'fast', image: 'postgres' }, tier: 'small' };
    expect(mergeValues(env, overlay)).toEqual({ db: { image: 'postgres' } });
  });

  it('leaves no null behind where the env config has nothing to remove', () => {
    expect(mergeValues({}, { db: { storageClass: null, image: 'x' }, cache: null })).toEqual({ db: { image: 'x' } });
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

  it('keeps a null, which removes the key once the overlay is merged over the env config', () => {
    const overlay = setPath({ cache: { kind: 'redis' }, tier: 'small' }, ['cache'], null, 'test');
    expect(overlay).toEqual({ cache: null, tier: 'small' });
    expect(mergeValues({ cache: { kind: 'redis' }, tier: 'large' }, overlay)).toEqual({ tier: 'small' });
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
