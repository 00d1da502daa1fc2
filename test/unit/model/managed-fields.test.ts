import { ownsAllFields, fieldsOf, retainFields, sameJson, type FieldSet } from '../../../src/model/managed-fields.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';

const rendered: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'dev', labels: { app: 'api' }, annotations: { 'berth.dev/release': 'dev/shop' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'c', image: 'api:1', args: ['--port', '80'], ports: [{ containerPort: 80 }] }], volumes: [{ name: 'tmp', emptyDir: {} }] },
    },
  },
};

/** Berth's field set as kube-apiserver 1.34 records it for `rendered` (atomic selector, port key with the defaulted protocol). */
const serverFields = (): FieldSet => ({
  'f:metadata': { 'f:annotations': { '.': {}, 'f:berth.dev/release': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
        },
        'f:volumes': { 'k:{"name":"tmp"}': { '.': {}, 'f:emptyDir': {}, 'f:name': {} } },
      },
    },
  },
});

function live(fields: FieldSet, others: { manager: string; operation: string }[] = []): KubeObject {
  return { ...rendered, metadata: { ...rendered.metadata, managedFields: [{ manager: 'berth', operation: 'Apply', fieldsV1: fields }, ...others] } };
}

describe('ownsAllFields', () => {
  it('is true when Berth\'s apply owns every rendered field, atomic maps and lists whole, list items by their keys', () => {
    expect(ownsAllFields(live(serverFields(), [{ manager: 'kube-controller-manager', operation: 'Update' }]), rendered)).toBe(true);
  });

  it('is false when a field moved to another manager (kubectl set image) or was removed (a label deleted by hand)', () => {
    const image = serverFields();
    delete (image['f:spec']!['f:template']!['f:spec']!['f:containers']!['k:{"name":"c"}'] as FieldSet)['f:image'];
    expect(ownsAllFields(live(image), rendered)).toBe(false);
    const label = serverFields();
    delete label['f:metadata']!['f:labels']!['f:app'];
    expect(ownsAllFields(live(label), rendered)).toBe(false);
    // A list item taken over: the server serializes no emptied parent (an empty set means "owned whole").
    const volume = serverFields();
    delete volume['f:spec']!['f:template']!['f:spec']!['f:volumes'];
    expect(ownsAllFields(live(volume), rendered)).toBe(false);
  });

  it('is false without exactly one apply entry of Berth', () => {
    expect(ownsAllFields({ ...rendered, metadata: { ...rendered.metadata, managedFields: [] } }, rendered)).toBe(false);
    expect(ownsAllFields({ ...rendered, metadata: { ...rendered.metadata, managedFields: [{ manager: 'berth', operation: 'Update', fieldsV1: serverFields() }] } }, rendered)).toBe(false);
  });
});

describe('the in-memory field sets', () => {
  it('own what was applied, and lose what another manager changes', () => {
    const fields = fieldsOf(rendered);
    expect(ownsAllFields(live(fields), rendered)).toBe(true);
    const edited = { ...rendered, spec: { ...(rendered.spec as object), replicas: 3 } };
    expect(ownsAllFields(live(retainFields(fields, rendered, edited)), rendered)).toBe(false);
    expect(ownsAllFields(live(retainFields(fields, rendered, rendered)), rendered)).toBe(true);
  });
});

describe('sameJson', () => {
  /** What sameJson answered before it stopped writing text: the two as JSON with sorted keys, undefined keys dropped. */
  const sortedJson = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
        .join(',')}}`;
    }
    return JSON.stringify(value) as string;
  };
  const values: unknown[] = [
    null, undefined, 0, -0, 1, NaN, Infinity, '', '0', 'a', true, false,
    [], [1], [1, 2], [2, 1], [undefined], [null], [[]], [{}],
    {}, { a: 1 }, { a: 1, b: undefined }, { b: undefined, a: 1 }, { a: undefined }, { a: null }, { a: '1' }, { a: [1, { b: 2 }] },
    { a: [1, { b: 2, c: undefined }] }, { b: 2, a: 1 }, { a: 1, b: 2 }, { a: 1, b: 2, c: 3 }, { constructor: 1 }, { toString: 'x' },
    rendered, { ...rendered, spec: { ...(rendered.spec as object) } }, { ...rendered, status: undefined }, { ...rendered, metadata: { ...rendered.metadata, labels: { app: 'web' } } },
    JSON.parse(JSON.stringify(rendered)), new Date(0),
  ];
  it('answers what comparing sorted-key JSON text answered, for every pair', () => {
    const disagree: string[] = [];
    for (const a of values) for (const b of values) if (sameJson(a, b) !== (sortedJson(a) === sortedJson(b))) disagree.push(`${sortedJson(a)} vs ${sortedJson(b)}`);
    // One pair differs, rightly: the text wrote an array holding undefined as `[]`, where JSON has `[null]`.
    expect(disagree).toEqual(['[] vs []', '[] vs []']);
    expect(sameJson([undefined], [])).toBe(false);
    expect(sameJson([undefined], [undefined])).toBe(true);
  });
  it('tells key order and undefined keys apart from real differences', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [2, 1] }, a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson({ a: 1 }, Object.create({ a: 1 }))).toBe(false);
  });
});
