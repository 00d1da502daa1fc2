import { parseOnly, restrictToServices } from '../../../src/deploy/only.js';
import type { Revision } from '../../../src/model/revision.js';
import type { KubeObject, ManifestSet, ServiceInfo } from '../../../src/model/manifest-set.js';

const obj = (kind: string, service: string, image: string): KubeObject => ({
  apiVersion: kind === 'ConfigMap' ? 'v1' : 'apps/v1',
  kind,
  metadata: { name: `shop-${service}`, namespace: 'dev', labels: { 'app.kubernetes.io/name': service } },
  spec: { image },
});
const svc = (name: string, configHash: string): ServiceInfo => ({ name, kind: 'stateless', dependsOn: [], configHash });

const rendered: ManifestSet = {
  app: 'shop',
  version: '2',
  release: 'shop',
  namespace: 'dev',
  env: 'dev',
  services: [svc('api', 'new-api'), svc('cache', 'new-cache'), svc('worker', 'new-worker')],
  objects: [obj('Deployment', 'api', 'api:2'), obj('Deployment', 'cache', 'redis:8'), obj('Deployment', 'worker', 'worker:2')],
};

const last = {
  release: 'shop',
  namespace: 'dev',
  revision: 4,
  status: 'deployed',
  services: [svc('api', 'old-api'), svc('cache', 'old-cache'), svc('worker', 'old-worker')],
  manifests: [obj('Deployment', 'api', 'api:1'), obj('Deployment', 'cache', 'redis:7'), obj('Deployment', 'worker', 'worker:1')],
} as unknown as Revision;

describe('restrictToServices', () => {
  it('takes the selected services from the new rendering and the others from the last deployed revision', () => {
    const set = restrictToServices(rendered, ['api', 'worker'], last);
    const images = Object.fromEntries(set.objects.map((o) => [o.metadata.labels!['app.kubernetes.io/name'], (o.spec as { image: string }).image]));
    expect(images).toEqual({ api: 'api:2', cache: 'redis:7', worker: 'worker:2' });
    expect(set.services.map((s) => s.configHash)).toEqual(['new-api', 'old-cache', 'new-worker']);
  });

  it('keeps release-level objects (no service of the app) as last deployed, and takes them anew with _release', () => {
    const loose = (data: string, service?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `shop-${service ?? 'extra'}-cm`, namespace: 'dev', labels: service ? { 'app.kubernetes.io/name': service } : {} },
      data: { v: data },
    });
    const now = { ...rendered, objects: [...rendered.objects, loose('2'), loose('2', 'upstream')] };
    const before = { ...last, manifests: [...last.manifests, loose('1'), loose('1', 'upstream')] } as Revision;
    const data = (set: ManifestSet) => set.objects.filter((o) => o.kind === 'ConfigMap').map((o) => (o.data as { v: string }).v);
    expect(data(restrictToServices(now, ['api'], before))).toEqual(['1', '1']);
    expect(data(restrictToServices(now, ['_release'], before))).toEqual(['2', '2']);
  });

  it('refuses unknown service names and lists the known ones', () => {
    expect(() => restrictToServices(rendered, ['api', 'wroker'], last)).toThrow('--only names a service the app shop does not have: wroker');
  });

  it('refuses a partial deploy of a release that was never deployed', () => {
    expect(() => restrictToServices(rendered, ['api'], undefined)).toThrow(/has no deployed revision/);
  });
});

describe('parseOnly', () => {
  it('splits on commas, trims and drops empties and duplicates', () => {
    expect(parseOnly(' api, worker,,api ')).toEqual(['api', 'worker']);
  });
});
