import { canonical, canonicalWithJsonBound } from '../../../src/synth/canonical.js';
import { kindRank, LABEL_NAME, sortObjects, type KubeObject } from '../../../src/model/manifest-set.js';

describe('canonical', () => {
  it('sorts keys at every depth and drops undefined, keeping array order', () => {
    const out = canonical({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    expect(JSON.stringify(out)).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  /** The full copy canonical() was before it reused canonical parts: the reference it must equal. */
  function fullCopy(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => fullCopy(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = fullCopy(v);
      }
      return out;
    }
    return value;
  }

  /** A deterministic pseudo-random JSON tree with sorted and unsorted keys, integer-like keys, undefined and nulls. */
  function randomTree(seed: number): unknown {
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const keyPool = ['a', 'b', 'c', 'B', '10', '9', 'z', 'é', 'metadata', 'apiVersion'];
    const gen = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.3) return [1, 'x', null, undefined, true, 0][Math.floor(next() * 6)];
      if (r < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => gen(depth + 1));
      const keys = keyPool.filter(() => next() < 0.4);
      if (next() < 0.5) keys.sort();
      return Object.fromEntries(keys.map((k) => [k, gen(depth + 1)]));
    };
    return gen(0);
  }

  it('equals a full sorted copy, key order included, and leaves its input unchanged', () => {
    let reused = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const input = randomTree(seed);
      const before = JSON.stringify(input);
      const out = canonical(input);
      expect(JSON.stringify(out)).toBe(JSON.stringify(fullCopy(input)));
      // Object.keys order too (JSON.stringify follows it), at every depth.
      expect(out).toEqual(fullCopy(input));
      expect(JSON.stringify(input)).toBe(before);
      if (out === input && typeof input === 'object' && input !== null) reused++;
    }
    // Trees canonical already come back as they are.
    expect(reused).toBeGreaterThan(50);
  });

  it('bounds the UTF-8 size of the JSON from above, escapes and non-ASCII text included', () => {
    const texts = ['', 'plain', 'quote " and \\ backslash', 'control \u0001\u001f', 'é ü 日本語', '😀 emoji', 'line\nbreak'];
    for (let seed = 1; seed <= 500; seed++) {
      const input = { tree: randomTree(seed), text: texts[seed % texts.length], n: -1.7976931348623157e308 * (seed % 2), list: [undefined, () => 1, null] };
      const { value, jsonBytesBound } = canonicalWithJsonBound(input);
      expect(value).toEqual(canonical(input));
      expect(jsonBytesBound).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(input), 'utf8'));
    }
    // Within a small factor for ordinary objects: the bound spares the serialisation, so it must be near the size.
    const ordinary = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: 'b' } }, data: { K: 'v'.repeat(1000) } };
    expect(canonicalWithJsonBound(ordinary).jsonBytesBound).toBeLessThan(7 * JSON.stringify(ordinary).length);
    // Anything JSON.stringify treats specially leaves the size to it.
    expect(canonicalWithJsonBound({ when: new Date(0) }).jsonBytesBound).toBe(Infinity);
    expect(canonicalWithJsonBound({ big: 1n }).jsonBytesBound).toBe(Infinity);
    expect(canonicalWithJsonBound({ custom: { toJSON: () => 'x'.repeat(10) } }).jsonBytesBound).toBe(Infinity);
  });

  it('copies what is not canonical: unsorted keys, undefined, a non-plain object', () => {
    const sorted = { a: 1, b: { c: [1, { d: 2 }] } };
    expect(canonical(sorted)).toBe(sorted);
    const withUndefined = { a: 1, b: undefined };
    expect(canonical(withUndefined)).not.toBe(withUndefined);
    expect(Object.keys(canonical(withUndefined))).toEqual(['a']);
    const inner = { y: 1, x: 2 };
    const outer = { a: inner };
    const out = canonical(outer);
    expect(out).not.toBe(outer);
    expect(Object.keys(out.a)).toEqual(['x', 'y']);
    class Box { a = 1; }
    const boxed = canonical({ box: new Box() });
    expect(Object.getPrototypeOf(boxed.box)).toBe(Object.prototype);
  });
});

describe('sortObjects', () => {
  const obj = (kind: string, name: string, service?: string): KubeObject => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, labels: service ? { 'app.kubernetes.io/name': service } : {} },
  });

  it('orders by kind rank, then service, then name; unknown kinds before ingress', () => {
    const sorted = sortObjects([
      obj('Ingress', 'a'),
      obj('Deployment', 'z', 'api'),
      obj('Widget', 'w'),
      obj('Deployment', 'b', 'web'),
      obj('ConfigMap', 'c'),
      obj('Namespace', 'n'),
    ]);
    expect(sorted.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/n',
      'ConfigMap/c',
      'Deployment/z',
      'Deployment/b',
      'Widget/w',
      'Ingress/a',
    ]);
  });

  it("orders names as localeCompare(…, 'en') does (case, hyphens, digits, accents), keeping the input order of equals", () => {
    const names = ['svc-010', 'svc-1', 'svc-01', 'svc001', 'Svc-001', 'svc-001', 'svc_001', 'svc.001', 'a-b', 'ab', 'a-B', 'é', 'e', 'f', 'Z', 'z', '10', '9', ''];
    const kinds = ['Deployment', 'Widget', 'widget', 'Gadget', 'ConfigMap'];
    const input = names.flatMap((n, i) => kinds.map((k, j) => obj(k, n, names[(i + j) % names.length] || undefined)));
    const byLocale = [...input].sort(
      (a, b) =>
        kindRank(a.kind) - kindRank(b.kind) ||
        a.kind.localeCompare(b.kind, 'en') ||
        (a.metadata.labels?.[LABEL_NAME] ?? '').localeCompare(b.metadata.labels?.[LABEL_NAME] ?? '', 'en') ||
        a.metadata.name.localeCompare(b.metadata.name, 'en'),
    );
    expect(sortObjects(input)).toEqual(byLocale);
    expect(sortObjects(input).every((o, i) => o === byLocale[i])).toBe(true);
  });
});
