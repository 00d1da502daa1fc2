import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Testing } from 'cdk8s';
import Hello from '../../../apps/hello/index.js';
import helloProd from '../../../apps/hello/env/prod.js';
import Shop from '../../../apps/shop/index.js';
import shopProd from '../../../apps/shop/env/prod.js';
import type { KubeObject, ServiceInfo } from '../../../src/model/manifest-set.js';
import { computeWaves } from '../../../src/model/plan.js';
import { buildGraph, renderDot, renderMermaid, renderText, renderWaves, type ServiceGraph } from '../../../src/operate/graph.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function graphOf(AppClass: typeof Shop | typeof Hello, config: unknown, name: string): ServiceGraph {
  const app = new (AppClass as new (...a: unknown[]) => InstanceType<typeof Shop>)(Testing.app(), name, {
    config,
    release: { name, namespace: 'prod', env: 'prod' },
  });
  const objects = app.toJson() as KubeObject[];
  const services = app.describe(objects).services as ServiceInfo[];
  return buildGraph({ app: name, services, objects });
}

const apps = { shop: () => graphOf(Shop, shopProd, 'shop'), hello: () => graphOf(Hello, helloProd, 'hello') };

describe('berth graph renderers (golden files per reference app)', () => {
  for (const [name, make] of Object.entries(apps)) {
    test(`${name}: text`, () => golden(`${name}.txt`, renderText(make(), { waves: true })));
    test(`${name}: dot`, () => golden(`${name}.dot`, renderDot(make())));
    test(`${name}: mermaid`, () => golden(`${name}.mmd`, renderMermaid(make())));
    test(`${name}: json`, () => golden(`${name}.json`, `${JSON.stringify(make(), null, 2)}\n`));
  }

  test('lists the objects of no service as the release-level group, in text and JSON', () => {
    const cm = (name: string, service?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: service ? { 'app.kubernetes.io/name': service } : {} },
    });
    const services: ServiceInfo[] = [{ name: 'web', kind: 'stateless', dependsOn: [], configHash: '' }];
    const g = buildGraph({ app: 'x', services, objects: [cm('x-web-config', 'web'), cm('x-extra'), cm('upstream-cm', 'upstream')] });
    expect(g.releaseLevel).toEqual(['ConfigMap/upstream-cm', 'ConfigMap/x-extra']);
    expect(renderText(g)).toBe('x: 1 service, 0 edges\n\nweb  stateless  wave 1\n\n_release  2 objects of no service  wave 1\n  ConfigMap/upstream-cm, ConfigMap/x-extra\n');
    expect(buildGraph({ app: 'x', services, objects: [cm('x-web-config', 'web')] }).releaseLevel).toBeUndefined();
  });

  test('shop: every dependsOn of the services is a dependsOn edge, and the config references are found', () => {
    const g = apps.shop();
    const edge = (from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);
    expect(edge('gateway', 'orders')).toEqual({ from: 'gateway', to: 'orders', kinds: ['dependsOn', 'config'], via: ['config ORDERS_URL'] });
    expect(edge('db-proxy', 'db')?.kinds).toEqual(['dependsOn', 'config']);
    expect(edge('orders', 'cache')?.via).toEqual(['config CACHE_URL']);
    expect(g.edges.some((e) => e.from === 'node-agent')).toBe(false);
  });

  test("grouping the mermaid nodes by wave gives the plan's waves", () => {
    const g = apps.shop();
    const mmd = renderMermaid(g);
    const waves = [...mmd.matchAll(/subgraph wave\d+\["wave \d+"\]\n((?: {4}\S+\[.*\]\n)+) {2}end/g)].map((m) =>
      [...m[1]!.matchAll(/^ {4}(\S+?)\[/gm)].map((x) => x[1]!.replace(/_/g, '-')),
    );
    const services = g.nodes.map((n) => ({ name: n.name, dependsOn: g.edges.filter((e) => e.from === n.name && e.kinds.includes('dependsOn')).map((e) => e.to) }));
    expect(waves).toEqual(computeWaves(services as unknown as ServiceInfo[]));
    expect(waves.length).toBe(4);
  });

  test('reference edges do not order deploy waves: a config reference back to a later service is no cycle', () => {
    const services: ServiceInfo[] = [
      { name: 'a', kind: 'stateless', dependsOn: [], configHash: '', edges: [{ to: 'b', kinds: ['config'], via: ['config B_URL'] }] },
      { name: 'b', kind: 'stateless', dependsOn: ['a'], configHash: '', edges: [{ to: 'a', kinds: ['dependsOn', 'env'], via: ['env A_URL'] }] },
    ];
    const g = buildGraph({ app: 'x', services, objects: [] });
    expect(g.waves).toEqual([['a'], ['b']]);
    expect(renderWaves(g)).toBe('wave 1: a\nwave 2: b\n');
    expect(renderMermaid(g)).toContain('a -. "B_URL" .-> b');
    expect(renderDot(g)).toContain('"a" -> "b" [label="B_URL", style=dashed];');
  });

  test('a revision recorded before edges existed still shows its dependsOn edges', () => {
    const services: ServiceInfo[] = [
      { name: 'db', kind: 'stateful', dependsOn: [], configHash: '' },
      { name: 'api', kind: 'stateless', dependsOn: ['db'], configHash: '' },
    ];
    expect(buildGraph({ app: 'x', services, objects: [] }).edges).toEqual([{ from: 'api', to: 'db', kinds: ['dependsOn'], via: [] }]);
  });

  test('readiness shows on nodes of a deployed release', () => {
    const services: ServiceInfo[] = [{ name: 'web', kind: 'stateless', dependsOn: [], configHash: '' }];
    const readiness = new Map([['web', { state: 'failed' as const, message: 'x', pods: { ready: 1, total: 3 } }]]);
    const g = buildGraph({ app: 'x', services, objects: [], release: 'x', namespace: 'dev', revision: 2, readiness });
    expect(renderText(g)).toContain('web  stateless  wave 1 [failed 1/3 pods]');
    expect(renderMermaid(g)).toContain('class web failed');
    expect(renderDot(g)).toContain('color=red');
  });
});
