/**
 * The fast values reader (src/config/fast-values.ts) against the full YAML parse it stands in for: whenever it gives
 * values, they must be exactly the full parse's (key order, number types, -0, NaN), and the full parse must accept
 * the text. Over hand-picked edge cases, the texts of the other values tests, and a generated corpus written by
 * three YAML emitters in several styles and by JSON.stringify.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jsYaml from 'js-yaml';
import { parse as yamlParse, stringify as yamlStringify } from 'yaml';
import { fastParseValues, resolvePlain } from '../../../src/config/fast-values.js';
import { LazyOrigins, loadValuesWithOrigins, parseSetExpression, parseValuesText, readValuesFile, SIMPLE_SET_VALUE } from '../../../src/config/values.js';

/** A description that tells apart everything two parses could disagree on. */
function repr(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (v === null || typeof v !== 'object') return `${typeof v}:${String(v)}`;
  if (Array.isArray(v)) return `[${v.map(repr).join(',')}]`;
  if (Object.getPrototypeOf(v) !== Object.prototype) return 'not a plain object';
  return `{${Object.getOwnPropertyNames(v)
    .map((k) => `${JSON.stringify(k)}:${repr((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

function full(text: string): string {
  try {
    return repr(parseValuesText(text, 'v.yaml').values);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** The fast reader's verdict must be the full parse's whenever it gives one; returns whether it did. */
function check(text: string): boolean {
  const fast = fastParseValues(text);
  if (fast === undefined) return false;
  expect({ text, values: repr(fast) }).toEqual({ text, values: full(text) });
  return true;
}

const EDGE_CASES = [
  'a: 1\n',
  'a: 1.10\nb: 1.0.0\nc: "1.10"\nd: 010\ne: 0o17\nf: 0x1F\ng: +1\nh: -0\ni: .5\nj: 1.\nk: 1e3\nl: 1E-3\nm: .inf\nn: -.Inf\no: .nan\np: +.inf\nq: 0b101\nr: 1_000\n',
  'a: null\nb: ~\nc:\nd: Null\ne: NULL\nf: nULL\ng: true\nh: True\ni: TRUE\nj: tRUE\nk: yes\nl: on\nm: off\nn: y\n',
  'a: 12345678901234567890\nb: 123456789012345\nc: 0.1234567890123456789\n',
  'a: -1\nb: --x\nc: -\nd: - x\ne: -x-\n',
  'a: ---\nb: ...\nc: a---b\n',
  'url: http://x.example/a?b=c&d=e#frag\nhost: a:b\nratio: 1:2\nx: a #comment\ny: a#b\nz: "a #b" # c\n',
  "s: 'it''s'\nd: \"say \\\"hi\\\"\"\ne: ''\nf: \"\"\ng: 'a' #c\nh: 'a'b\n",
  'a: [ ]\nb: []\nc: {}\nd: [a, b]\ne: {a: 1}\nf: [] # empty\n',
  'a: [a, b]\nb: [ 1, -2 , 0x1F, .5, true, null, ~ ]\nc: ["x, y", \'it\'\'s\', plain words]\nd: [a.example]  # c\n',
  // One text per case: a single give-up anywhere in a text would leave the rest of it untested.
  ...['[a, b,]', '[a, , b]', '[,]', '[[a]]', '[{a: 1}]', '[a: 1]', '[a:b]', '[a :b]', '[a #c]', '[- a]', '[-1, -a]', '[a] x', '["a"b]', '[a', '[a]]', '[?a]', '[a?]', '[a, b ]', '[ a,b ]'].map(
    (flow) => `a: ${flow}\n`,
  ),
  ...['a: b', 'a:', 'a: b: c', 'x: -', 'x: - a', 'x: ? a', 'x: :a', 'x: a:b', 'x: a :b', 'x: "a" "b"', "x: 'a''b'", 'x: "a\\"b"', 'x: #c', 'x:#c', 'x: a# b', 'x: a #b', 'x: a\u00A0#b'].map(
    (line) => `${line}\n`,
  ),
  'l:\n  - [a, "b"]\n  - [ ]\n  - [1, 2] # c\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 1\nb: ! 2\nc: !foo 3\n',
  'a: |\n  line\nb: >\n  folded\n',
  'a: multi\n  line\n',
  'a: "multi\n  line"\n',
  "a: 'multi\n  line'\n",
  '---\na: 1\n',
  'a: 1\n---\nb: 2\n',
  '%YAML 1.2\n---\na: 1\n',
  'a: 1\na: 2\n',
  'a: 1\n"a": 2\n',
  '1: a\n"1": b\n',
  'true: a\n',
  'null: a\n',
  '~: a\n',
  '"": a\n',
  '__proto__: {a: 1}\n',
  '"__proto__": 1\n',
  'constructor: 1\ntoString: 2\nhasOwnProperty: 3\n',
  '<<: {a: 1}\n',
  'a:\n  <<: {b: 1}\n',
  '? a\n: b\n',
  'a b: 1\n',
  'a : 1\n',
  'a:b: 1\n',
  'a:1\n',
  '"a:b": 1\n\'c d\': 2\n"e#f": 3\n',
  'a:\n- 1\n- 2\nb: 3\n',
  'a:\n  - 1\n  - 2\nb:\n  c:\n    d: e\n',
  'list:\n  - name: a\n    tag: b\n  - name: c\n    nested:\n      x: 1\n    list:\n    - 1\n    - 2\n  -\n  - \n  - # comment\n    k: v\n',
  'a:\n  - - 1\n    - 2\n',
  '- a\n- b\n',
  '  a: 1\n  b: 2\n',
  'a: 1\n b: 2\n',
  'a:\n    b: 1\n   c: 2\n',
  'a:\n  - x\n   - y\n',
  'a:\n  - b: 1\n   c: 2\n',
  'a: 1\n\n# comment\n   # indented comment\nb: 2\n',
  'a: x\tb\n',
  'a: 1\r\nb: 2\r\n',
  '\uFEFFa: 1\n',
  'a: x\u2028y\n',
  'a: \u00A0x\u00A0\nb: x\u3000\nc:\u00A0x\n\u00A0d: 1\n',
  'a:\n  \u00A0b: 1\n',
  '- \u00A0\n',
  'a: é ü 日本\nb: 😀\n',
  'a: "\\u00e9"\nb: "\\x41"\nc: "\\N"\n',
  'a: `x`\nb: @x\nc: %x\nd: ?x\ne: :x\nf: ,x\ng: ]x\nh: }x\n',
  'a: x]\nb: x}\nc: x,y\nd: x[0]\n',
  'a: x: y\n',
  'a: x:\n',
  'a: "x"y\n',
  'a:  spaced  \nb:   "q"   \n',
  'key with trailing colon:\n',
  'a:\n',
  'a: 1 # c\n# end',
  '# only a comment\n',
  '',
  '   \n',
  '{"a": 1, "b": [1, 2.5, -0, 1e400, true, null, "x"], "c": {"d": "\\u00e9\\n\\"", "e": {}}}',
  '{"a":1,"a":2}',
  '{"a": {"b": 1}, "c": {"b": 2}}',
  '{"__proto__": {"x": 1}}',
  '{"n": 12345678901234567890}',
  '{"n": 0.000001, "m": 100, "k": 1.0, "j": 1E2}',
  '[1, 2]',
  '"a"',
  '{"a": "\\ud83d\\ude00", "b": "\\ud800"}',
  '{\n  "a": {\n    "b": [\n      1\n    ]\n  }\n}\n',
  '{"a": 1}\n# trailing comment\n',
  '{"a": 1} x',
  '{a: 1}',
  ` {"a": "${'k'.repeat(1100)}"}`,
  `{"${'k'.repeat(1100)}": 1}`,
  `${'k'.repeat(1100)}: 1\n`,
  'a: 1\n...\n',
];

/** The values texts the other values tests write (test/unit/config/values.test.ts, validate.test.ts). */
const TEST_TEXTS = [
  'tier: small\ndatabase:\n  replicas: 1\n  storage: 10Gi\nhosts: [a.example, b.example]\n',
  '{ "database": { "replicas": 3 }, "hosts": ["shop.example"] }',
  'database:\n  replicas: 1\n',
  'defaults: &res\n  cpu: 100m\n  memory: 128Mi\napi:\n  resources:\n    <<: *res\n    memory: 256Mi\n',
  '# nothing yet\n',
  'database:\n  replicas: 2\nhosts:\n  - a.example\n',
  'tier: small\ndatabase:\n  replicas: [1, 2\n',
  'tier: small\ntier: large\n',
  'db:\n  image: *nope\n',
  'db:\n  <<: *defaults\n  image: x\n',
  'db:\n  <<: 3\n',
  'a: &x\n  b: *x\n',
  'a: 1\n---\nb: 2\n',
  'tier: huge\ndatabase:\n  replicas: three\n  storge: 10Gi\n',
];

describe('fastParseValues', () => {
  it('gives the full parse’s values, or gives up, on every edge case', () => {
    const taken = [...EDGE_CASES, ...TEST_TEXTS].filter(check);
    // Each top-level line of a case on its own as well: one give-up in a text leaves its other lines untested.
    const lines = [...EDGE_CASES, ...TEST_TEXTS].flatMap((text) => text.split('\n').filter((line) => /^[^\s#-]/.test(line)));
    expect(lines.filter((line) => check(`${line}\n`)).length).toBeGreaterThan(80);
    // It must take the ordinary shapes, or the comparison above proves nothing.
    expect(taken.length).toBeGreaterThan(25);
    const ordinaryShapes = [
      'a: 1\n',
      'a:\n- 1\n- 2\nb: 3\n',
      'list:\n  - name: a\n    tag: b\n  - name: c\n    nested:\n      x: 1\n',
      "s: 'it''s'\nz: \"a #b\" # c\n",
      '{ "database": { "replicas": 3 }, "hosts": ["shop.example"] }',
      'database:\n  replicas: 2\nhosts:\n  - a.example\n',
      'tier: small\ndatabase:\n  replicas: 1\n  storage: 10Gi\nhosts: [a.example, b.example]\n',
      'a: [a, b]\nb: [ 1, -2 , 0x1F, .5, true, null, ~ ]\nc: ["x, y", \'it\'\'s\', plain words]\nd: [a.example]  # c\n',
      'l:\n  - [a, "b"]\n  - [ ]\n  - [1, 2] # c\n',
    ];
    for (const ordinary of ordinaryShapes) {
      expect({ ordinary, fast: fastParseValues(ordinary) !== undefined }).toEqual({ ordinary, fast: true });
    }
  });

  it('gives the full parse’s values on a generated corpus in every emitter’s style', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const keys = ['name', 'image', 'tag', 'replicas', 'a.b', 'app.kubernetes.io/name', 'x-y', 'LOG_LEVEL', 'k1', 'True', 'null', '1', '0x1', 'a b', 'a: b', 'a#b', "it's", '"q"', '', 'é', '__proto__', 'constructor', '<<', '-', '?', 'a\\b'];
    const scalars: unknown[] = [
      'info', '1.10', '1.0.0', '010', '0o17', '0x1F', '+1', '-0', '.5', '1e3', '.inf', '.nan', 'null', '~', 'True', 'yes', 'on', '',
      ' a', 'a ', 'a #b', 'a#b', '-a', '- a', '--', '---', 'a: b', 'a:', 'http://x/?a=1&b=2', '[x]', '{y}', '*x', '&x', '!x', '@x', '`x`',
      '%x', '\u00A0x\u00A0', 'x\u3000', "'q'", '"q"', "it's", 'say "hi"', 'back\\slash', 'é😀', '10Gi', 'line\nbreak', 'tab\tin', '  ', '#',
      0, -0, 1, -1, 1.5, 0.1, 1e21, 1e-7, 12345678901234567890, Infinity, -Infinity, NaN, true, false, null,
    ];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.55) return pick(scalars);
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return object(depth + 1);
    };
    const object = (depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) {
        const key = random() < 0.7 ? pick(keys.slice(0, 8)) : pick(keys);
        Object.defineProperty(out, key, { value: value(depth), enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
    const emitters: Array<(v: Record<string, unknown>) => string> = [
      (v) => jsYaml.dump(v),
      (v) => jsYaml.dump(v, { indent: 4, noArrayIndent: true, lineWidth: -1 }),
      (v) => jsYaml.dump(v, { quotingType: '"', forceQuotes: true }),
      (v) => jsYaml.dump(v, { flowLevel: 2 }),
      (v) => yamlStringify(v),
      (v) => yamlStringify(v, { indentSeq: false, defaultStringType: 'QUOTE_SINGLE' }),
      (v) => yamlStringify(v, { defaultKeyType: 'PLAIN', defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }),
      (v) => JSON.stringify(v),
      (v) => JSON.stringify(v, null, 2),
    ];
    let taken = 0;
    let texts = 0;
    for (let i = 0; i < 400; i++) {
      const v = object(0);
      for (const emit of emitters) {
        let text: string;
        try {
          text = emit(v);
        } catch {
          continue; // an emitter that cannot write this value (js-yaml and a NaN key, say)
        }
        texts++;
        if (check(text)) taken++;
      }
    }
    expect(texts).toBeGreaterThan(3000);
    expect(taken).toBeGreaterThan(texts / 3);
  });

  it('reads a bench-sized config (500 services, block YAML and JSON) on the fast path', () => {
    const services = Array.from({ length: 500 }, (_, i) => ({
      name: `svc-${String(i).padStart(3, '0')}`,
      image: 'registry.local/bench/web',
      tag: i === 7 ? '1.0.3' : '1.0.0',
      minReplicas: 2,
      maxReplicas: 5,
      host: `svc-${i}.bench.local`,
      config: { LOG_LEVEL: 'info', UPSTREAM_URL: `http://bench-svc-${i + 1}:80`, FEATURE_FLAGS: 'search,checkout' },
    }));
    for (const text of [jsYaml.dump({ services }), yamlStringify({ services }), JSON.stringify({ services }), JSON.stringify({ services }, null, 2)]) {
      expect(check(text)).toBe(true);
    }
  });
});

describe('--set values', () => {
  it('are what a YAML parse of the value gives, for one plain word read without a parse', () => {
    const words = [
      '3', '-3', '+3', '1.10', '1.0.0', '010', '0o17', '0x1F', '1e3', '1E-3', '-0', '1_000', '12345678901234567890', 'true', 'True', 'TRUE',
      'tRUE', 'false', 'yes', 'on', 'null', 'Null', 'NULL', 'nULL', 'v2', 'latest', 'a.b/c', 'a+b', 'a-b', '-a', '--a', 'a/', 'nan', 'inf',
      'Infinity', 'NaN', '0b101', '1.', '1.5e', 'e5', 'x1', 'registry.local/web', 'sha256-abc',
    ];
    const simple = words.filter((w) => SIMPLE_SET_VALUE.test(w));
    expect(simple.length).toBeGreaterThan(35);
    for (const word of words) {
      expect({ word, value: repr(parseSetExpression(`a=${word}`).value) }).toEqual({ word, value: repr(yamlParse(word)) });
      expect(repr(resolvePlain(word))).toBe(SIMPLE_SET_VALUE.test(word) ? repr(yamlParse(word)) : repr(resolvePlain(word)));
    }
    for (const other of ['.5', '.inf', '~', 'a b', 'a: b', '[a, b]', '{a: 1}', "'q'", '"q"', 'a #c', '#c', '&a x', '*a', '!!str 3', '- a', 'a:', 'a,b']) {
      expect(SIMPLE_SET_VALUE.test(other)).toBe(false);
    }
  });
});

describe('origins of a file read on the fast path', () => {
  const root = resolve('.');
  let dir: string;
  beforeAll(() => {
    mkdirSync(join(root, '.cache'), { recursive: true });
    dir = mkdtempSync(join(root, '.cache', 'test-fast-values-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are the full parse’s, worked out on first use', () => {
    const text = 'database:\n  replicas: 2\nhosts:\n  - a.example\nlist:\n- name: a\n  tag: "1.10"\n';
    writeFileSync(join(dir, 'o.yaml'), text);
    expect(fastParseValues(text)).toBeDefined();
    const read = readValuesFile(join(dir, 'o.yaml'), 'o.yaml');
    expect(Object.fromEntries(read.origins)).toEqual(Object.fromEntries(parseValuesText(text, 'o.yaml').origins));
    expect(read.origins.get('list[0].tag')).toBe('o.yaml:7:3');
  });

  it('keep the order of files and --set: a later one wins', () => {
    writeFileSync(join(dir, 'a.yaml'), 'tier: small\ndb:\n  size: 1\n');
    writeFileSync(join(dir, 'b.json'), '{"tier": "large"}');
    const { values, origins } = loadValuesWithOrigins({ files: ['a.yaml', 'b.json'], set: ['db.size=3'], cwd: dir });
    expect(values).toEqual({ tier: 'large', db: { size: 3 } });
    expect([...origins]).toEqual([
      ['tier', 'b.json:1:2'],
      ['db', 'a.yaml:2:1'],
      ['db.size', '--set db.size=3'],
    ]);
    expect(origins.size).toBe(3);
  });

  it('LazyOrigins applies layers and sets in the order given, once', () => {
    let calls = 0;
    const origins = new LazyOrigins()
      .later(() => {
        calls++;
        return [['a', 'one'], ['b', 'one']];
      })
      .set('a', 'two');
    expect(calls).toBe(0);
    expect(origins.get('a')).toBe('two');
    expect(origins.get('b')).toBe('one');
    expect([...origins.keys()]).toEqual(['a', 'b']);
    expect(calls).toBe(1);
  });
});
