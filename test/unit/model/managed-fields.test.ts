import { ownsAllFields, fieldsOf, retainFields, type FieldSet } from '../../../src/model/managed-fields.js';
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
