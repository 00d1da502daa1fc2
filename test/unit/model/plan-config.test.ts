import { plan } from '../../../src/model/plan.js';
import { renderPlan } from '../../../src/diff/render.js';
import type { ManifestSet } from '../../../src/model/manifest-set.js';

const desired: ManifestSet = {
  app: 'shop',
  version: '1',
  release: 'shop',
  namespace: 'prod',
  env: 'prod',
  services: [{ name: 'cache', kind: 'stateless', dependsOn: [], configHash: '' }],
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-cache-config', namespace: 'prod', labels: { 'app.kubernetes.io/name': 'cache' } },
      data: { MAX_MEMORY: '1200mb' },
    },
  ],
};

const HASH_A = `sha256:${'a'.repeat(64)}`;
const HASH_B = `sha256:${'b'.repeat(64)}`;

describe('plan config changes', () => {
  const p = plan({
    desired,
    live: new Map(),
    previous: [],
    recorded: new Set(),
    existing: [],
    values: {
      before: { cache: { maxMemory: '900mb' }, db: { password: HASH_A } },
      after: { cache: { maxMemory: '1200mb' }, db: { password: HASH_B } },
    },
  });

  it('lists changed config paths, secret ones flagged by their stored hashes', () => {
    expect(p.config).toEqual([
      { path: 'cache.maxMemory', before: '900mb', after: '1200mb', secret: false },
      { path: 'db.password', before: HASH_A, after: HASH_B, secret: true },
    ]);
  });

  it('puts the config table above the object changes in markdown, with no hash or secret value', () => {
    const md = renderPlan(p, 'markdown');
    expect(md.indexOf('| `cache.maxMemory` | "900mb" | "1200mb" |')).toBeGreaterThan(-1);
    expect(md.indexOf('| `cache.maxMemory`')).toBeLessThan(md.indexOf('| action | object | service |'));
    expect(md).toContain('| `db.password` | (secret) | (secret) |');
    expect(md).not.toContain('sha256:');
  });

  it('shows config changes first in text and without secret values in json', () => {
    const text = renderPlan(p, 'text');
    expect(text.indexOf('cache.maxMemory: "900mb" → "1200mb"')).toBeLessThan(text.indexOf('+ create ConfigMap/shop-cache-config'));
    expect(renderPlan(p, 'json')).not.toContain('sha256:');
  });
});
