import { MAX_DATA_BYTES, MAX_OBJECT_BYTES, oversizedObjects } from '../../../src/model/object-size.js';
import { canonicalWithJsonBound } from '../../../src/synth/canonical.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';

const object = (kind: string, name: string, rest: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name }, ...rest });

describe('oversizedObjects', () => {
  it('accepts a ConfigMap whose data is exactly 1 MiB, keys included', () => {
    const cm = object('ConfigMap', 'ok', { data: { k: 'x'.repeat(MAX_DATA_BYTES - 1) } });
    expect(oversizedObjects([cm])).toEqual([]);
  });

  it('refuses a ConfigMap over 1 MiB of data, naming the biggest key', () => {
    const cm = object('ConfigMap', 'shop-orders-config', { data: { SMALL: 'x', BIG: 'y'.repeat(MAX_DATA_BYTES) } });
    expect(oversizedObjects([cm]).map((o) => `${o.ref}: ${o.problem}`)).toEqual([
      'ConfigMap/shop-orders-config: its data is 1 MiB (key BIG: 1 MiB); a ConfigMap holds at most 1 MiB',
    ]);
  });

  it('counts a Secret by its decoded bytes, not its base64 text', () => {
    const justUnder = Buffer.alloc(MAX_DATA_BYTES - 10).toString('base64');
    expect(oversizedObjects([object('Secret', 's', { data: { k: justUnder } })])).toEqual([]);
    const over = Buffer.alloc(MAX_DATA_BYTES).toString('base64');
    expect(oversizedObjects([object('Secret', 's', { data: { k: over } })])[0]!.problem).toBe(
      'its data is 1 MiB (key k: 1 MiB); a Secret holds at most 1 MiB',
    );
  });

  it('refuses annotations over 256 KiB and any object over etcd\'s 1.5 MiB', () => {
    const annotated = object('Service', 'a', { metadata: { name: 'a', annotations: { note: 'n'.repeat(300 * 1024) } } });
    const huge = object('Deployment', 'd', { spec: { blob: 'b'.repeat(MAX_OBJECT_BYTES) } });
    expect(oversizedObjects([annotated, huge]).map((o) => `${o.ref}: ${o.problem}`)).toEqual([
      'Service/a: its annotations are 300 KiB; the API allows at most 256 KiB',
      'Deployment/d: it is 1.5 MiB as JSON; etcd stores at most 1.5 MiB per object',
    ]);
  });

  it('serialises only objects whose JSON bound may pass the limit, and still finds those', () => {
    const huge = object('Deployment', 'd', { spec: { blob: 'b'.repeat(MAX_OBJECT_BYTES) } });
    const small = object('Service', 's', { spec: { ports: [{ port: 80 }] } });
    const bounds = [huge, small].map((o) => canonicalWithJsonBound(o).jsonBytesBound);
    expect(oversizedObjects([huge, small], bounds).map((o) => o.ref)).toEqual(['Deployment/d']);
    // A bound under the limit is trusted: the object is not serialised.
    expect(oversizedObjects([huge], [MAX_OBJECT_BYTES])).toEqual([]);
  });
});
