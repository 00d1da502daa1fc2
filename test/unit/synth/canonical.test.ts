import { canonical } from '../../../src/synth/canonical.js';
import { kindRank, LABEL_NAME, sortObjects, type KubeObject } from '../../../src/model/manifest-set.js';

describe('canonical', () => {
  it('sorts keys at every depth and drops undefined, keeping array order', () => {
    const out = canonical({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } });
    expect(JSON.stringify(out)).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
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
