import { ApiObject, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, StatelessApp, type ApplicationProps } from '../../../../lib/index.js';
import * as k8s from '../../../../lib/imports/k8s.js';
import { find, RELEASE, validationErrors, type KubeObj } from '../util.js';

function app(props: Partial<ApplicationProps<unknown>> = {}): Application {
  return new Application(Testing.app(), 'shop', { config: {}, release: RELEASE, ...props });
}

function render(a: Application): KubeObj[] {
  const errors = validationErrors(a);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return a.toJson() as KubeObj[];
}

const RELEASE_LABELS = {
  'app.kubernetes.io/instance': 'shop-prod',
  'app.kubernetes.io/managed-by': 'berth',
  'app.kubernetes.io/part-of': 'shop',
  'app.kubernetes.io/version': '0.1.0',
};

function includeFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'berth-include-')), 'upstream.yaml');
  writeFileSync(path, yaml);
  return path;
}

describe('objects not rendered by Berth constructs', () => {
  test('a berth/k8s binding, a cdk8s-plus construct and Include objects at the root carry the release labels and annotation, no service', () => {
    const a = app();
    new k8s.KubeConfigMap(a, 'extra', { data: { A: '1' } });
    new kplus.ConfigMap(a, 'settings', { data: { mode: 'slow' } });
    new Include(a, 'upstream', {
      url: includeFile('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n  labels:\n    app.kubernetes.io/name: upstream\n    team: a\n'),
    });
    const objects = render(a);
    for (const o of objects) {
      expect(o.metadata.annotations['berth.dev/release']).toBe('prod/shop-prod');
      expect(o.metadata.namespace).toBe('prod');
    }
    expect(find(objects, 'ConfigMap', 'shop-prod-extra').metadata.labels).toEqual(RELEASE_LABELS);
    expect(find(objects, 'ConfigMap', 'shop-prod-settings').metadata.labels).toEqual(RELEASE_LABELS);
    // The user's own app.kubernetes.io/name stays: the engine reads it as the service, here one the app does not have.
    expect(find(objects, 'ServiceAccount', 'robot').metadata.labels).toEqual({ ...RELEASE_LABELS, 'app.kubernetes.io/name': 'upstream', team: 'a' });
  });

  test('an object created in a service scope carries that service labels, and a generated name under the release', () => {
    const a = app();
    const web = new StatelessApp(a, 'web', { image: 'web:1', labels: { team: 'b' } });
    new k8s.KubeConfigMap(web, 'Extra_Conf', { metadata: { labels: { 'app.kubernetes.io/name': 'other' } }, data: { LEVEL: 'debug' } });
    new Include(web, 'upstream', { url: includeFile('apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n') });
    const objects = render(a);
    expect(find(objects, 'ServiceAccount', 'robot').metadata.labels['app.kubernetes.io/name']).toBe('web');
    const cm = find(objects, 'ConfigMap', 'shop-prod-web-extra-conf');
    expect(cm.metadata.labels).toEqual({ ...RELEASE_LABELS, 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/component': 'stateless' });
    expect(cm.metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod' });
  });

  test("Berth's own objects are left exactly as their constructs render them", () => {
    const a = app();
    const web = new StatelessApp(a, 'web', { image: 'web:1', annotations: { note: 'x' }, labels: { team: 'b' } });
    const before = web.deployment.toJson();
    expect(find(render(a), 'Deployment', 'shop-prod-web')).toEqual(before);
  });

  test('refuses a cluster-scoped object unless the application allows them, naming the object and the opt-in', () => {
    const a = app();
    new k8s.KubeClusterRole(a, 'reader', { metadata: { name: 'reader' }, rules: [] });
    expect(validationErrors(a)).toEqual([
      "ClusterRole/reader (shop/reader) is cluster-scoped, and application 'shop' renders namespaced objects only: allow cluster-scoped objects with `clusterScoped: 'allow'` in the Application's props (`super(scope, id, { ...props, clusterScoped: 'allow' })`; the release then owns, prunes and uninstalls them), or create the object out of band",
    ]);
  });

  test('renders allowed cluster-scoped objects without a namespace, custom ones by their CRD scope, and owned by the release', () => {
    const a = app({ clusterScoped: 'allow' });
    new k8s.KubeClusterRole(a, 'reader', { rules: [] });
    for (const scope of ['Cluster', 'Namespaced']) {
      new k8s.KubeCustomResourceDefinition(a, `crd-${scope}`, {
        metadata: { name: `${scope.toLowerCase()}s.example.com` },
        spec: { group: 'example.com', scope, names: { kind: scope, plural: `${scope.toLowerCase()}s` }, versions: [{ name: 'v1', served: true, storage: true }] },
      });
      new ApiObject(a, `obj-${scope}`, { apiVersion: 'example.com/v1', kind: scope, metadata: { name: 'one' } });
    }
    const objects = render(a);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name} ${o.metadata.namespace ?? '(cluster)'}`)).toEqual([
      'ClusterRole/shop-prod-reader (cluster)',
      'CustomResourceDefinition/clusters.example.com (cluster)',
      'Cluster/one (cluster)',
      'CustomResourceDefinition/namespaceds.example.com (cluster)',
      'Namespaced/one prod',
    ]);
    for (const o of objects) expect(o.metadata.annotations['berth.dev/release']).toBe('prod/shop-prod');
  });

  test('refuses an object naming another namespace, or moves it into the release namespace when told to', () => {
    const url = includeFile('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upstream\n  namespace: monitoring\ndata: {}\n');
    const refused = app();
    new Include(refused, 'upstream', { url });
    expect(validationErrors(refused)).toEqual([
      "ConfigMap/upstream (shop/upstream/upstream-configmap-monitoring) names namespace 'monitoring', but release shop-prod goes into namespace 'prod': remove its metadata.namespace (in the file it comes from, for an Include), or move it into the release's namespace with `otherNamespaces: 'rewrite'` in the Application's props",
    ]);
    const rewritten = app({ otherNamespaces: 'rewrite' });
    new Include(rewritten, 'upstream', { url });
    expect(find(render(rewritten), 'ConfigMap', 'upstream').metadata.namespace).toBe('prod');
  });
});
