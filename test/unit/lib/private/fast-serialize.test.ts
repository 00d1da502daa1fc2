/**
 * lib/private/fast-serialize.ts replaces cdk8s's ApiObject / metadata toJson for apps with only the built-in resolvers. Every object of
 * every example app must serialise exactly as with cdk8s's own function (key order included), cdk8s-plus constructs
 * (which render through `Lazy`) and union values (`IntOrString`) too, and an app with its own resolver must still
 * get cdk8s's function, called with key paths.
 */
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing, type IResolver, type ResolutionContext } from 'cdk8s';
import * as plus from 'cdk8s-plus-27';
import type { IConstruct } from 'constructs';
import Boutique from '../../../../apps/boutique/index.js';
import boutiqueDev from '../../../../apps/boutique/env/dev.js';
import boutiqueProd from '../../../../apps/boutique/env/prod.js';
import Hello from '../../../../apps/hello/index.js';
import helloProd from '../../../../apps/hello/env/prod.js';
import Shop from '../../../../apps/shop/index.js';
import shopDev from '../../../../apps/shop/env/dev.js';
import shopProd from '../../../../apps/shop/env/prod.js';
import { Application, StatelessApp } from '../../../../lib/index.js';
import { IntOrString, KubeConfigMap, KubeService } from '../../../../lib/imports/k8s.js';
import { installFastSerialize, synthSimpleChart, withCdk8sSerialize } from '../../../../lib/private/fast-serialize.js';

function apiObjects(root: IConstruct): ApiObject[] {
  return root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** Each object's JSON text with the fast resolve and with cdk8s's own. */
function bothWays(root: IConstruct): Array<{ path: string; fast: string; cdk8s: string }> {
  return apiObjects(root).map((o) => ({
    path: o.node.path,
    fast: JSON.stringify(o.toJson()),
    cdk8s: withCdk8sSerialize(() => JSON.stringify(o.toJson())),
  }));
}

const RELEASE = (env: string) => ({ name: 'r', namespace: env, env });

describe('fast serialisation', () => {
  test('is installed on the cdk8s the library uses', () => {
    expect(installFastSerialize()).toBe(true);
    const fastToJson = ApiObject.prototype.toJson;
    const cdk8sToJson = withCdk8sSerialize(() => ApiObject.prototype.toJson);
    expect(fastToJson).not.toBe(cdk8sToJson);
    expect(fastToJson.name).toBe('apiObjectToJson');
    // put back after the comparison run
    expect(ApiObject.prototype.toJson).toBe(fastToJson);
  });

  test.each([
    ['hello prod', () => new Hello(Testing.app(), 'hello', { config: helloProd, release: RELEASE('prod') })],
    ['shop dev', () => new Shop(Testing.app(), 'shop', { config: shopDev, release: RELEASE('dev') })],
    ['shop prod', () => new Shop(Testing.app(), 'shop', { config: shopProd, release: RELEASE('prod') })],
    ['boutique dev', () => new Boutique(Testing.app(), 'boutique', { config: boutiqueDev, release: RELEASE('dev') })],
    ['boutique prod', () => new Boutique(Testing.app(), 'boutique', { config: boutiqueProd, release: RELEASE('prod') })],
  ])('%s: every object serialises as with the toJson of cdk8s', (_name, build) => {
    const results = bothWays(build());
    expect(results.length).toBeGreaterThan(2);
    for (const r of results) expect({ path: r.path, json: r.fast }).toEqual({ path: r.path, json: r.cdk8s });
  });

  test('cdk8s-plus constructs (Lazy), union values and tokens serialise as with cdk8s resolve', () => {
    const app = Testing.app();
    const chart = new Application(app, 'plus', { config: {}, release: RELEASE('dev') });
    new StatelessApp(chart, 'web', { image: 'nginx:1.27', ports: [{ port: 8080, servicePort: 80 }] });
    const d = new plus.Deployment(chart, 'extra', { containers: [{ image: 'busybox', portNumber: 80, securityContext: { ensureNonRoot: false } }] });
    d.exposeViaService({ ports: [{ port: 80, targetPort: 80 }] });
    let produced = 0;
    new KubeService(chart, 'union', {
      spec: {
        ports: [{ port: 80, targetPort: IntOrString.fromString('http') }, { port: 81, targetPort: IntOrString.fromNumber(8081) }],
        selector: Lazy.any({ produce: () => (produced++, { app: 'lazy', nested: undefined, nothing: null }) }),
      },
    });
    new KubeConfigMap(chart, 'token', {
      data: { a: { resolve: () => 'from a token' } as unknown as string, list: [1, null, 'x'] as unknown as string, empty: undefined as unknown as string },
    });
    const results = bothWays(app);
    expect(results.map((r) => r.path)).toEqual(expect.arrayContaining(['plus/extra/Resource', 'plus/union', 'plus/token']));
    for (const r of results) expect({ path: r.path, json: r.fast }).toEqual({ path: r.path, json: r.cdk8s });
    // The lazy was produced once by each way: the fast resolve calls produce() exactly where cdk8s does.
    expect(produced).toBe(2);
    expect(results.find((r) => r.path === 'plus/union')!.fast).toContain('"targetPort":"http"');
    expect(results.find((r) => r.path === 'plus/token')!.fast).toContain('"a":"from a token"');
  });

  test('edge cases serialise exactly as cdk8s does: __proto__ keys, null prototypes, empties, patches, unsorted keys', () => {
    const app = Testing.app();
    const chart = new Application(app, 'edge', { config: {}, release: RELEASE('dev') });
    const protoKey = JSON.parse('{"b": 1, "__proto__": {"x": 1}, "a": null}') as Record<string, string>;
    new KubeConfigMap(chart, 'proto', { data: protoKey });
    const protoArray = JSON.parse('{"__proto__": [1]}') as Record<string, string>;
    new KubeConfigMap(chart, 'proto-array', { data: protoArray });
    new KubeConfigMap(chart, 'null-proto', { data: Object.assign(Object.create(null), { a: 'x' }) as Record<string, string> });
    const empties = new KubeConfigMap(chart, 'empties', { metadata: { labels: {}, annotations: { a: undefined as unknown as string }, finalizers: [] }, data: { z: 'last', a: 'first', '10': 'ten', '9': 'nine' } });
    empties.metadata.addFinalizers();
    empties.addJsonPatch(JsonPatch.add('/data/added', 'by a patch'), JsonPatch.remove('/data/z'), JsonPatch.add('/metadata/labels', { patched: 'yes' }));
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i % 5 === 0 ? null : `v${i}`])) as Record<string, string>;
    new KubeConfigMap(chart, 'many-keys', { data: many });
    const outcome = (o: ApiObject): string => {
      try {
        return JSON.stringify(o.toJson());
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    };
    const objects = apiObjects(app);
    expect(objects.length).toBe(5);
    for (const sort of [undefined, '1']) {
      if (sort) process.env.CDK8S_DISABLE_SORT = sort;
      try {
        for (const o of objects) expect({ path: o.node.path, out: outcome(o) }).toEqual({ path: o.node.path, out: withCdk8sSerialize(() => outcome(o)) });
      } finally {
        delete process.env.CDK8S_DISABLE_SORT;
      }
    }
    const byPath = new Map(objects.map((o) => [o.node.path, outcome(o)]));
    expect(byPath.get('edge/proto')).toContain('"data":{"b":1}');
    expect(byPath.get('edge/proto-array')).toContain("can't render non-simple object of type 'Array'");
    expect(byPath.get('edge/empties')).toContain('"data":{"9":"nine","10":"ten","a":"first","added":"by a patch"}');
    expect(byPath.get('edge/empties')).not.toContain('finalizers');
    expect(byPath.get('edge/empties')).toContain('"labels":{"patched":"yes"}');
  });

  test('metadata built directly (strings only) and every other kind of metadata serialise as cdk8s does', () => {
    const app = Testing.app();
    const chart = new Application(app, 'meta', { config: {}, release: RELEASE('dev') });
    const meta = (id: string, metadata: Record<string, unknown>) => new KubeConfigMap(chart, id, { metadata, data: { k: 'v' } });
    meta('unsorted', { name: 'n', namespace: 'ns', labels: { 'z.io/b': 'b', 'a.io/a': 'a', '10': 'ten', '9': 'nine' }, annotations: { z: '', a: 'x' } });
    meta('no-namespace', { name: 'n', labels: { only: 'one' } });
    meta('empty-string-name', { name: '', namespace: '' });
    meta('number-label', { name: 'n', labels: { replicas: 3 } });
    meta('lazy-label', { name: 'n', labels: { a: Lazy.any({ produce: () => 'produced' }), b: 'plain' } });
    meta('undefined-label', { name: 'n', labels: { gone: undefined, kept: 'k' } });
    meta('constructor-key', { name: 'n', annotations: { constructor: 'x' } });
    meta('proto-key', { name: 'n', labels: JSON.parse('{"__proto__": "x", "a": "b"}') as Record<string, string> });
    meta('null-proto-labels', { name: 'n', labels: Object.assign(Object.create(null), { a: 'x' }) as Record<string, string> });
    meta('extra-attribute', { name: 'n', generateName: 'gen-', labels: { a: 'b' } });
    meta('lazy-name', { name: Lazy.any({ produce: () => 'lazy-name' }) });
    const owned = meta('owner', { name: 'n' });
    owned.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' });
    const finalized = meta('finalizer', { name: 'n' });
    finalized.metadata.addFinalizers('example.com/f');
    const added = meta('added-later', { name: 'n', labels: { b: 'b' } });
    added.metadata.addLabel('a', 'a');
    added.metadata.add('uid', 'given');
    const objects = apiObjects(app);
    expect(objects.length).toBe(14);
    const outcome = (o: ApiObject): string => {
      try {
        return JSON.stringify(o.toJson());
      } catch (err) {
        return `error: ${(err as Error).message}`;
      }
    };
    for (const o of objects) expect({ path: o.node.path, out: outcome(o) }).toEqual({ path: o.node.path, out: withCdk8sSerialize(() => outcome(o)) });
    const byPath = new Map(objects.map((o) => [o.node.path, outcome(o)]));
    expect(byPath.get('meta/unsorted')).toContain('"metadata":{"annotations":{"a":"x","z":""},"labels":{"9":"nine","10":"ten","a.io/a":"a","z.io/b":"b"},"name":"n","namespace":"ns"}');
    expect(byPath.get('meta/empty-string-name')).toContain('"metadata":{"name":"","namespace":""}');
    expect(byPath.get('meta/lazy-label')).toContain('"labels":{"a":"produced","b":"plain"}');
    expect(byPath.get('meta/constructor-key')).toContain("can't render non-simple object");
    expect(byPath.get('meta/added-later')).toContain('"metadata":{"labels":{"a":"a","b":"b"},"name":"n","namespace":"dev","uid":"given"}');
  });

  test('a string that is not plain to the resolvers (a String.prototype.resolve) is resolved as cdk8s does', () => {
    const app = Testing.app();
    const chart = new Application(app, 'strings', { config: {}, release: RELEASE('dev') });
    const cm = new KubeConfigMap(chart, 'cm', { data: { a: 'x', b: 'y' } });
    // Every string becomes its length: a number, which has no resolve, so resolution ends.
    const proto = String.prototype as unknown as { resolve?: () => number };
    proto.resolve = function (this: string) {
      return this.length;
    };
    try {
      const fast = JSON.stringify(cm.toJson());
      expect(fast).toBe(withCdk8sSerialize(() => JSON.stringify(cm.toJson())));
      expect(fast).toContain('"data":{"a":1,"b":1}');
    } finally {
      delete proto.resolve;
    }
    expect(JSON.stringify(cm.toJson())).toContain('"data":{"a":"x","b":"y"}');
  });

  test('an object that is not plain data fails with cdk8s own message', () => {
    const app = Testing.app();
    const chart = new Application(app, 'bad', { config: {}, release: RELEASE('dev') });
    const cm = new KubeConfigMap(chart, 'date', { data: { when: new Date(0) as unknown as string } });
    const fast = (() => { try { cm.toJson(); return 'no error'; } catch (err) { return (err as Error).message; } })();
    const cdk8s = withCdk8sSerialize(() => { try { cm.toJson(); return 'no error'; } catch (err) { return (err as Error).message; } });
    expect(fast).toContain("can't render non-simple object of type 'Date'");
    expect(fast).toBe(cdk8s);
  });

  test('an app with its own resolver gets cdk8s resolve, with key paths', () => {
    const seen: string[] = [];
    const upper: IResolver = {
      resolve(context: ResolutionContext) {
        // cdk8s resolves a replaced value again: replace only the original.
        if (context.value === 'hello') {
          seen.push(context.key.join('.'));
          context.replaceValue(context.value.toUpperCase());
        }
      },
    };
    const app = new App({ outdir: Testing.app().outdir, resolvers: [upper] });
    const chart = new Application(app, 'own', { config: {}, release: RELEASE('dev') });
    const cm = new KubeConfigMap(chart, 'cm', { data: { greeting: 'hello' } });
    expect((cm.toJson() as { data: Record<string, string> }).data.greeting).toBe('HELLO');
    expect(seen).toEqual(['data.greeting']);
  });
});

/** cdk8s's own rendering of a chart (`Chart.toJson` without Application's release step): validation, order, objects. */
function cdk8sSynth(chart: Chart): unknown[] {
  return (App as unknown as { _synthChart(c: Chart): unknown[] })._synthChart(chart);
}

function outcome(fn: () => unknown): string {
  try {
    return JSON.stringify(fn());
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe('synthSimpleChart', () => {
  test.each([
    ['shop prod', () => new Shop(Testing.app(), 'shop', { config: shopProd, release: RELEASE('prod') })],
    ['boutique prod', () => new Boutique(Testing.app(), 'boutique', { config: boutiqueProd, release: RELEASE('prod') })],
  ])('%s: the same objects in the same order as cdk8s renders the chart', (_name, build) => {
    const chart = build();
    const fast = synthSimpleChart(chart);
    expect(fast).toBeDefined();
    expect(fast!.length).toBeGreaterThan(5);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(cdk8sSynth(chart)));
  });

  test('objects of loose constructs and cdk8s-plus among Berth\'s: the order of cdk8s', () => {
    const app = Testing.app();
    const chart = new Application(app, 'mixed', { config: {}, release: RELEASE('dev') });
    new KubeConfigMap(chart, 'z-first', { data: { a: '1' } });
    new plus.ConfigMap(chart, 'plus-map', { data: { b: '2' } });
    new StatelessApp(chart, 'web', { image: 'nginx:1.27', ports: [{ port: 8080 }] });
    new KubeConfigMap(chart, 'a-last', { data: { c: '3' } });
    const fast = synthSimpleChart(chart);
    expect(fast).toBeDefined();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(cdk8sSynth(chart)));
  });

  test('a dependency between constructs, or a second chart, leaves the order to cdk8s', () => {
    const app = Testing.app();
    const chart = new Application(app, 'deps', { config: {}, release: RELEASE('dev') });
    const first = new KubeConfigMap(chart, 'first', { data: { a: '1' } });
    const second = new KubeConfigMap(chart, 'second', { data: { b: '2' } });
    expect(synthSimpleChart(chart)).toBeDefined();
    first.node.addDependency(second);
    expect(synthSimpleChart(chart)).toBeUndefined();
    const names = (chart.toJson() as Array<{ metadata: { name: string } }>).map((o) => o.metadata.name);
    // cdk8s's dependency order: the object depended on comes first, against the tree order.
    expect(names).toEqual(['r-second', 'r-first']);

    const app2 = Testing.app();
    const outer = new Application(app2, 'outer', { config: {}, release: RELEASE('dev') });
    new Chart(outer, 'inner');
    expect(synthSimpleChart(outer)).toBeUndefined();
  });

  test('validates every construct as cdk8s does, unless the caller validated that many constructs just before', () => {
    const app = Testing.app();
    const chart = new Application(app, 'val', { config: {}, release: RELEASE('dev') });
    const cm = new KubeConfigMap(chart, 'cm', { data: { a: '1' } });
    let runs = 0;
    let fail = false;
    cm.node.addValidation({ validate: () => (runs++, fail ? ['no good'] : []) });
    const count = app.node.findAll().length;

    synthSimpleChart(chart, count);
    expect(runs).toBe(0);
    synthSimpleChart(chart, count - 1);
    expect(runs).toBe(1);
    synthSimpleChart(chart);
    expect(runs).toBe(2);

    fail = true;
    const fast = outcome(() => synthSimpleChart(chart));
    expect(fast).toContain('[val/cm] no good');
    expect(fast).toBe(outcome(() => cdk8sSynth(chart)));
  });
});
