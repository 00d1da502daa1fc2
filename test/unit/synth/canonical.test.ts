import { canonical } from '../../../src/synth/canonical.js';
import { sortObjects, type KubeObject } from '../../../src/model/manifest-set.js';

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
});
