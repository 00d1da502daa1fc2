import { diffRevisions, renderRevisionDiff } from '../../../src/diff/revisions.js';
import type { Revision } from '../../../src/model/revision.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';

function rev(revision: number, values: unknown, manifests: KubeObject[]): Revision {
  return {
    release: 'shop',
    namespace: 'prod',
    revision,
    status: 'deployed',
    app: 'shop',
    version: '1.0.0',
    env: 'prod',
    manifests,
    services: [],
    values,
    description: '',
    createdAt: '',
    updatedAt: '',
    user: 'me@host',
  };
}

const cm = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'prod' }, data });
const secret = (value: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'shop-db-secret', namespace: 'prod' },
  data: { PASSWORD: Buffer.from(value).toString('base64') },
});

describe('diffRevisions', () => {
  const a = rev(1, { api: { image: 'api:1' }, db: { password: `sha256:${'a'.repeat(64)}` } }, [cm('shop-api', { LEVEL: 'info' }), cm('shop-old', {}), secret('hunter2')]);
  const b = rev(2, { api: { image: 'api:2' }, db: { password: `sha256:${'b'.repeat(64)}` } }, [cm('shop-api', { LEVEL: 'debug' }), cm('shop-new', {}), secret('s3cret!')]);

  it('shows config changes first as path: old → new, then object changes, Secret values redacted', () => {
    const text = renderRevisionDiff(diffRevisions(a, b));
    expect(text).toBe(
      [
        'Release prod/shop: revision 1 → 2',
        '',
        'Config:',
        '  api.image: "api:1" → "api:2"',
        '  db.password: (secret) changed',
        '',
        'Objects:',
        '~ update ConfigMap/shop-api',
        '    @@ -4,4 +4,4 @@',
        '       name: shop-api',
        '       namespace: prod',
        '     data:',
        '    -  LEVEL: info',
        '    +  LEVEL: debug',
        '+ create ConfigMap/shop-new',
        '~ update Secret/shop-db-secret',
        '    @@ -4,4 +4,4 @@',
        '       name: shop-db-secret',
        '       namespace: prod',
        '     data:',
        '    -  PASSWORD: REDACTED (7 bytes)',
        '    +  PASSWORD: REDACTED (7 bytes, changed)',
        '- delete ConfigMap/shop-old',
        '',
      ].join('\n'),
    );
  });

  it('reports no changes between a revision and itself', () => {
    const d = diffRevisions(a, a);
    expect([d.values, d.objects]).toEqual([[], []]);
    expect(renderRevisionDiff(d)).toContain('Config:\n  (no changes)\n\nObjects:\n  (no changes)');
  });
});
