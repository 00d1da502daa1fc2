import { canonical } from '../../../src/synth/canonical.js';
import { kindRank, LABEL_NAME, sortObjects, type KubeObject } from '../../../src/model/manifest-set.js';

describe('canonical', () => {
  it('sorts keys at every depth and drops undefined, keeping array order', () => {
    const out = canonical({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    expect(JSON.stringify(out)).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('returns the parts that are canonical already as they are, and copies only the paths to the others', () => {
    const sorted = { a: [1, { b: 'x' }], c: { d: true } };
    expect(canonical(sorted)).toBe(sorted);
    const mixed = { a: { b: 1 }, c: { e: 1, d: 2 }, f: [{ g: 1 }, { i: 1, h: 2 }] };
    const out = canonical(mixed);
    expect(out).not.toBe(mixed);
    expect(out.a).toBe(mixed.a);
    expect(out.f[0]).toBe(mixed.f[0]);
    expect(JSON.stringify(out)).toBe('{"a":{"b":1},"c":{"d":2,"e":1},"f":[{"g":1},{"h":2,"i":1}]}');
    // Not plain data: copied into a plain object, as before (a Date has no own keys).
    const date = new Date(0);
    expect(canonical({ a: date }).a).toEqual({});
    expect(Object.getPrototypeOf(canonical(Object.assign(Object.create(null), { a: 1 })))).toBe(Object.prototype);
  });

  it('gives the same keys in the same order at every depth as a full sorted copy, for random data', () => {
    const full = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(full);
      if (v !== null && typeof v === 'object') {
        const o: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) o[k] = full((v as Record<string, unknown>)[k]);
        return o;
      }
      return v;
    };
    const shape = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(shape) : v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [k, shape(x)]) : v;
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const keys = ['a', 'b', 'c', 'B', '_', '1', '10', '2', 'é', 'aa'];
    const gen = (depth: number): unknown => {
      const r = rand(depth > 3 ? 3 : 5);
      if (r === 0) return rand(2) ? 'x' : undefined;
      if (r === 1) return rand(100);
      if (r === 2) return null;
      if (r === 3) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(5) }, () => [keys[rand(keys.length)]!, gen(depth + 1)]));
    };
    for (let i = 0; i < 3000; i++) {
      const v = gen(0);
      expect(shape(canonical(v))).toEqual(shape(full(v)));
    }
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

  it('orders names as localeCompare does (case, hyphens, digits, accents), keeping the input order of equals', () => {
    const names = ['svc-010', 'svc-1', 'svc-01', 'svc001', 'Svc-001', 'svc-001', 'svc_001', 'svc.001', 'a-b', 'ab', 'a-B', 'é', 'e', 'f', 'Z', 'z', '10', '9', ''];
    const kinds = ['Deployment', 'Widget', 'widget', 'Gadget', 'ConfigMap'];
    const input = names.flatMap((n, i) => kinds.map((k, j) => obj(k, n, names[(i + j) % names.length] || undefined)));
    const byLocale = [...input].sort(
      (a, b) =>
        kindRank(a.kind) - kindRank(b.kind) ||
        a.kind.localeCompare(b.kind) ||
        (a.metadata.labels?.[LABEL_NAME] ?? '').localeCompare(b.metadata.labels?.[LABEL_NAME] ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
    expect(sortObjects(input)).toEqual(byLocale);
    expect(sortObjects(input).every((o, i) => o === byLocale[i])).toBe(true);
  });
});
