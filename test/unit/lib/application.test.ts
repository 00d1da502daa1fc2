import { Chart, Testing } from 'cdk8s';
import { Application, BatchJob, StatefulApp, StatelessApp } from '../../../lib/index.js';
import { makeApp, RELEASE, validationErrors } from './util.js';

describe('Application', () => {
  test('is a chart in the release namespace exposing config, release, name and version', () => {
    const app = new Application(Testing.app(), 'shop', { config: { replicas: 2 }, release: RELEASE, version: '1.2.3' });
    expect(app.namespace).toBe('prod');
    expect(app.config).toEqual({ replicas: 2 });
    expect(app.release).toBe(RELEASE);
    expect(app.appName).toBe('shop');
    expect(app.version).toBe('1.2.3');
    expect(makeApp().version).toBe('0.1.0');
  });

  test('describe() lists services with kind, same-app dependencies, config hash, containers on default resources, ports and graph edges', () => {
    const app = makeApp();
    const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
    const api = new StatelessApp(app, 'api', {
      image: 'api:1',
      ports: [{ port: 8080 }],
      config: { A: 1 },
      resources: { cpu: { request: '200m' }, memory: { request: '1Gi' } },
      sidecars: [{ name: 'envoy', image: 'envoy:1' }],
    });
    api.dependsOn(db);
    new BatchJob(app, 'migrate', { image: 'api:1' }).dependsOn(db);
    expect(app.services).toEqual([db, api, expect.any(BatchJob)]);
    expect(app.describe()).toEqual({
      app: 'shop',
      version: '0.1.0',
      services: [
        { name: 'db', kind: 'stateful', dependsOn: [], configHash: '', defaultResources: ['db'], ports: [{ name: 'http', port: 5432, targetPort: 'http', protocol: 'TCP' }], edges: [] },
        {
          name: 'api',
          kind: 'stateless',
          dependsOn: ['db'],
          configHash: api.configHash,
          defaultResources: ['envoy'],
          ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
          edges: [{ to: 'db', kinds: ['dependsOn'], via: [] }],
        },
        { name: 'migrate', kind: 'batch', dependsOn: ['db'], configHash: '', defaultResources: ['migrate'], ports: [], edges: [{ to: 'db', kinds: ['dependsOn'], via: [] }] },
      ],
    });
    expect(api.configHash).toMatch(/^[0-9a-f]{16}$/);
    // Without the graph (what a synth to files asks for): the same services, no ports and no edges.
    const full = app.describe();
    expect(app.describe(undefined, { graph: false })).toEqual({
      ...full,
      services: full.services.map(({ ports: _ports, edges: _edges, ...rest }) => rest),
    });
    expect(app.describe(undefined, { graph: false }).services[1]).not.toHaveProperty('edges');
  });

  test('sets the namespace on every object', () => {
    const app = makeApp();
    new StatelessApp(app, 'api', { image: 'api:1', ports: [{ port: 8080 }], config: { A: 1 }, secretConfig: { B: 'x' } });
    const objects = app.toJson() as { metadata: { namespace?: string } }[];
    expect(objects.length).toBe(4);
    for (const o of objects) expect(o.metadata.namespace).toBe('prod');
  });

  test('rejects a release name that cannot prefix a Service name', () => {
    expect(() => makeApp({ name: 'Shop_Prod', namespace: 'prod', env: 'prod' })).toThrow(
      "shop: the release name 'Shop_Prod' is not a DNS-1035 label (contains 'S', '_', 'P'): use lower-case letters, digits and '-', start with a letter and end with a letter or digit; choose another release name",
    );
  });

  test('rejects a bad namespace, application name and version', () => {
    expect(() => makeApp({ name: 'shop', namespace: 'Prod', env: 'prod' })).toThrow(
      "shop: the namespace 'Prod' is not a DNS-1123 label",
    );
    expect(() => new Application(Testing.app(), 'my_shop', { config: {}, release: RELEASE })).toThrow(
      "my_shop: the application name 'my_shop' is not a DNS-1123 label",
    );
    expect(() => new Application(Testing.app(), 'shop', { config: {}, release: RELEASE, version: '1.0 beta' })).toThrow(
      "shop: 'version' ('1.0 beta') is not a valid label value",
    );
  });

  test('reports duplicate service names at synth', () => {
    const app = makeApp();
    new StatelessApp(app, 'api', { image: 'api:1' });
    new StatelessApp(app, 'api2', { image: 'api:2', name: 'api' });
    expect(validationErrors(app)).toEqual([
      "shop/api2: service name 'api' is already used by shop/api: service names must be unique within an application; set a different 'name'",
    ]);
  });

  test('reports dependency cycles at synth, naming the services in order', () => {
    const app = makeApp();
    const a = new StatelessApp(app, 'a', { image: 'x:1' });
    const b = new StatelessApp(app, 'b', { image: 'x:1' });
    const c = new StatelessApp(app, 'c', { image: 'x:1' });
    a.dependsOn(b);
    b.dependsOn(c);
    c.dependsOn(a);
    expect(validationErrors(app)).toEqual(['shop: dependency cycle a -> b -> c -> a: remove one of these dependsOn() calls']);
  });

  test('reports a dependency on a service of another application at synth', () => {
    const root = Testing.app();
    const shop = new Application(root, 'shop', { config: {}, release: RELEASE });
    const billing = new Application(root, 'billing', { config: {}, release: { ...RELEASE, name: 'billing-prod' } });
    const db = new StatefulApp(billing, 'db', { image: 'postgres:16' });
    new StatelessApp(shop, 'api', { image: 'api:1' }).dependsOn(db);
    expect(validationErrors(shop)).toEqual([
      "shop/api: depends on 'billing/db', a service of application 'billing': dependencies must stay inside application 'shop'; reach other applications by address (config) instead",
    ]);
    expect(shop.describe().services[0]!.dependsOn).toEqual([]);
  });

  test('has no validation errors for a sound application', () => {
    const app = makeApp();
    const db = new StatefulApp(app, 'db', { image: 'postgres:16' });
    new StatelessApp(app, 'api', { image: 'api:1' }).dependsOn(db);
    expect(validationErrors(app)).toEqual([]);
  });

  test('a workload outside an application fails with a fix', () => {
    const chart = new Chart(Testing.app(), 'plain');
    expect(() => new StatelessApp(chart, 'api', { image: 'api:1' })).toThrow(
      'plain/api: must be created inside an Application: pass the application (`this` in its constructor) as the scope',
    );
  });
});
