import Shop from '../../../apps/shop/index.js';
import type { ShopConfig } from '../../../apps/shop/config.js';
import dev from '../../../apps/shop/env/dev.js';
import prod from '../../../apps/shop/env/prod.js';
import testEnv from '../../../apps/shop/env/test.js';
import { find, testApp, validationErrors, type KubeObj } from '../lib/util.js';

const ENVS: Record<string, ShopConfig> = { dev, test: testEnv, prod };

function build(config: ShopConfig, env = 'prod', releaseKey?: Buffer) {
  const app = new Shop(testApp(releaseKey), 'shop', { config, release: { name: 'shop', namespace: env, env } });
  return { app, objects: app.toJson() as KubeObj[], errors: validationErrors(app) };
}

/** config-hash and secret-hash annotations of every pod template, by object name. */
function podHashes(objects: KubeObj[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const o of objects) {
    const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec?.template;
    const a = template?.metadata.annotations;
    if (template) out[`${o.kind}/${o.metadata.name}`] = `${a?.['berth.dev/config-hash']} ${a?.['berth.dev/secret-hash']}`;
  }
  return out;
}

describe('apps/shop', () => {
  test.each(Object.keys(ENVS))('%s synthesizes without validation errors', (env) => {
    const { errors, objects } = build(ENVS[env]!, env);
    expect(errors).toEqual([]);
    expect(objects.length).toBeGreaterThan(30);
  });

  test('has every kind the reference application needs', () => {
    const kinds = new Set(build(prod).objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'StatefulSet', 'DaemonSet', 'CronJob', 'ConfigMap', 'Secret', 'PodDisruptionBudget']) {
      expect(kinds).toContain(kind);
    }
  });

  test('labels and namespaces every object and never uses cdk8s construct-path labels', () => {
    const { objects } = build(prod);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('prod');
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'berth',
        'app.kubernetes.io/instance': 'shop',
        'app.kubernetes.io/part-of': 'shop',
      });
      expect(o.metadata.annotations['berth.dev/release']).toBe('prod/shop');
    }
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io');
  });

  test('never renders secret values in clear', () => {
    const json = JSON.stringify(build(prod).objects);
    for (const secret of [prod.db.password, prod.payments.providerApiKey, prod.backup.secretAccessKey]) {
      expect(json).not.toContain(secret);
    }
    expect(json).not.toContain('stringData');
  });

  test('wires services through release-prefixed names', () => {
    const { objects } = build(prod);
    expect(find(objects, 'ConfigMap', 'shop-db-proxy-config').data).toMatchObject({ DB_HOST: 'shop-db', DB_PORT: '5432' });
    expect(find(objects, 'ConfigMap', 'shop-gateway-config').data).toMatchObject({
      ORDERS_URL: 'http://shop-orders:80',
      CATALOG_URL: 'http://shop-catalog:80',
      PAYMENTS_URL: 'http://shop-payments:80',
    });
    expect(find(objects, 'ConfigMap', 'shop-orders-config').data).toMatchObject({ DB_HOST: 'shop-db-proxy', CACHE_URL: 'redis://shop-cache:6379' });
  });

  test('runs the backup nightly as a CronJob that forbids overlapping runs', () => {
    const cron = find(build(prod).objects, 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
  });

  test('describes services and their dependencies for deploy ordering', () => {
    const services = build(prod).app.describe().services;
    expect(services.map((s) => [s.name, s.kind, s.dependsOn])).toEqual([
      ['db', 'stateful', []],
      ['cache', 'stateless', []],
      ['db-proxy', 'stateless', ['db']],
      ['orders', 'stateless', ['db-proxy', 'cache']],
      ['catalog', 'stateless', ['db-proxy', 'cache']],
      ['payments', 'stateless', ['db-proxy']],
      ['gateway', 'stateless', ['orders', 'catalog', 'payments']],
      ['backup', 'batch', ['db']],
      ['node-agent', 'daemon', []],
    ]);
    const hashes = podHashes(build(prod).objects);
    for (const s of services) {
      if (s.configHash) expect(Object.values(hashes).map((h) => h?.split(' ')[0])).toContain(s.configHash);
    }
  });

  test('changing one config value changes the config hash only on the pod templates that consume it', () => {
    const before = podHashes(build(prod).objects);
    const after = podHashes(build({ ...prod, catalog: { ...prod.catalog, cacheTtlSeconds: 900 } }).objects);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    expect(changed).toEqual(['Deployment/shop-catalog']);
  });

  test('changing the database password rolls exactly the services that use it, when rendered with the release key', () => {
    const key = Buffer.alloc(32, 7);
    const before = podHashes(build(prod, 'prod', key).objects);
    const after = podHashes(build({ ...prod, db: { ...prod.db, password: 'another-placeholder' } }, 'prod', key).objects);
    expect(podHashes(build({ ...prod, db: { ...prod.db, password: 'another-placeholder' } }).objects)).toEqual(podHashes(build(prod).objects));
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]).sort();
    expect(changed).toEqual([
      'CronJob/shop-backup',
      'Deployment/shop-catalog',
      'Deployment/shop-db-proxy',
      'Deployment/shop-orders',
      'Deployment/shop-payments',
      'StatefulSet/shop-db',
    ]);
  });

  test('environments differ in config only: same objects in dev and test, plus the budget in prod', () => {
    const names = (c: ShopConfig, env: string) => build(c, env).objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names(dev, 'dev')).toEqual(names(testEnv, 'test'));
    const inProd = names(prod, 'prod');
    expect(inProd.filter((n) => n !== 'PodDisruptionBudget/shop-gateway')).toEqual(names(dev, 'dev'));
    expect(inProd).toContain('PodDisruptionBudget/shop-gateway');
    expect(inProd).toMatchSnapshot();
  });

  test('a bad value fails naming the construct, the field and the value', () => {
    expect(() => build({ ...prod, gateway: { ...prod.gateway, replicas: -1 } })).toThrow("shop/gateway: 'replicas' (-1) must be an integer >= 0");
    expect(() => build({ ...prod, db: { ...prod.db, storageSize: '100 GB' } })).toThrow(
      "shop/db: 'storage[0].size' ('100 GB') is not a Kubernetes quantity",
    );
    expect(() => build({ ...prod, backup: { ...prod.backup, schedule: 'nightly' } })).toThrow(
      "shop/backup: 'schedule' ('nightly') has 1 fields",
    );
  });
});
