import { plan, type PlanInput } from '../../../src/model/plan.js';
import { renderPlan } from '../../../src/diff/render.js';
import { objectKey, type KubeObject } from '../../../src/model/manifest-set.js';

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'shop-db', namespace: 'dev', labels: { 'app.kubernetes.io/name': 'db' }, annotations: { 'berth.dev/release': 'dev/shop' } },
  data: { password: Buffer.from('hunter2').toString('base64') },
};
const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-api', namespace: 'dev', labels: { 'app.kubernetes.io/name': 'api' }, annotations: { 'berth.dev/release': 'dev/shop' } },
  data: { LOG_LEVEL: 'info' },
};

function input(): PlanInput {
  const cmLive = { ...cm, data: { LOG_LEVEL: 'debug' } };
  return {
    desired: { app: 'shop', version: '1.2.0', release: 'shop', namespace: 'dev', env: 'dev', services: [], objects: [cm, secret] },
    live: new Map([[objectKey(cm), { current: cmLive, applied: cm }]]),
    previous: [],
    recorded: new Set(),
    existing: [],
  };
}

describe('renderPlan', () => {
  it('renders text with one header per change, the diff and a summary', () => {
    const text = renderPlan(plan(input()), 'text');
    expect(text).toContain('~ update ConfigMap/shop-api (service api)');
    expect(text).toContain('    -  LOG_LEVEL: debug\n    +  LOG_LEVEL: info');
    expect(text).toContain('+ create Secret/shop-db (service db)');
    expect(text).toContain('    +  password: REDACTED (7 bytes)');
    expect(text).toContain('Plan: 1 to create, 1 to update, 0 to delete, 0 unchanged.');
    expect(text).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it('renders markdown with a table and diff blocks', () => {
    const md = renderPlan(plan(input()), 'markdown');
    expect(md).toContain('| update | `ConfigMap/shop-api` | api |');
    expect(md).toContain('```diff\n@@');
  });

  it('renders json without object bodies', () => {
    const json = JSON.parse(renderPlan(plan(input()), 'json'));
    expect(json.summary).toEqual({ create: 1, update: 1, delete: 0, unchanged: 0 });
    expect(json.changes[1]).toMatchObject({ action: 'create', kind: 'Secret', name: 'shop-db', service: 'db' });
    expect(JSON.stringify(json)).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it('says when there is nothing to change', () => {
    const i = input();
    const text = renderPlan(plan({ ...i, desired: { ...i.desired, objects: [] } }), 'text');
    expect(text).toContain('No changes: 0 to create, 0 to update, 0 to delete, 0 unchanged.');
  });
});
