import { BatchJob, DaemonApp, StatefulApp, StatelessApp } from '../../../../lib/index.js';
import { makeApp } from '../util.js';

function describeWith(build: (app: ReturnType<typeof makeApp>) => void) {
  const app = makeApp();
  build(app);
  return Object.fromEntries(app.describe().services.map((s) => [s.name, s]));
}

describe('service graph edges (lib/private/graph.ts)', () => {
  test('a dependsOn() is an edge of kind dependsOn even when no address is configured', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', { image: 'api:1', ports: [{ port: 8080 }] }).dependsOn(db);
    });
    expect(s.api!.edges).toEqual([{ to: 'db', kinds: ['dependsOn'], via: [] }]);
    expect(s.db!.edges).toEqual([]);
  });

  test('an address in config, env or args is a reference edge naming where it was found', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      const cache = new StatelessApp(app, 'cache', { image: 'redis:8', ports: [{ port: 6379 }] });
      const search = new StatelessApp(app, 'search', { image: 'search:1', ports: [{ port: 9200 }] });
      new StatelessApp(app, 'api', {
        image: 'api:1',
        ports: [{ port: 8080 }],
        config: { DB_HOST: db.host },
        env: { CACHE_URL: cache.urlFor('redis') },
        args: [`--search=${search.fqdn}`],
      });
    });
    expect(s.api!.edges).toEqual([
      { to: 'cache', kinds: ['env'], via: ['env CACHE_URL'] },
      { to: 'db', kinds: ['config'], via: ['config DB_HOST'] },
      { to: 'search', kinds: ['args'], via: ['args'] },
    ]);
  });

  test('a service name that is a prefix of another is not a match (shop-prod-db inside shop-prod-db-proxy)', () => {
    const s = describeWith((app) => {
      new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      const proxy = new StatelessApp(app, 'db-proxy', { image: 'pgbouncer:1', ports: [{ port: 6432 }] });
      new StatelessApp(app, 'api', { image: 'api:1', ports: [{ port: 8080 }], config: { DB_HOST: proxy.host } });
    });
    expect(s.api!.edges!.map((e) => e.to)).toEqual(['db-proxy']);
  });

  test('a StatefulApp pod DNS name (through its headless Service) counts as its address', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', { image: 'api:1', ports: [{ port: 8080 }], config: { PRIMARY: db.podDnsNames[0]! } });
    });
    expect(s.api!.edges).toEqual([{ to: 'db', kinds: ['config'], via: ['config PRIMARY'] }]);
  });

  test('secret config is never read for addresses', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', { image: 'api:1', ports: [{ port: 8080 }], secretConfig: { DB_URL: `postgres://u:p@${db.host}:5432/x` } });
    });
    expect(s.api!.edges).toEqual([]);
  });

  test('both a dependsOn and a reference make one edge with both kinds, dependsOn first', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      new BatchJob(app, 'backup', { image: 'backup:1', schedule: '0 2 * * *', config: { PGHOST: db.host } }).dependsOn(db);
    });
    expect(s.backup!.edges).toEqual([{ to: 'db', kinds: ['dependsOn', 'config'], via: ['config PGHOST'] }]);
  });


  test('one string can name several services, and one service found in several strings keeps their order', () => {
    const s = describeWith((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432 }] });
      const cache = new StatelessApp(app, 'cache', { image: 'redis:8', ports: [{ port: 6379 }] });
      new StatelessApp(app, 'api', {
        image: 'api:1',
        ports: [{ port: 8080 }],
        config: { BACKENDS: `${cache.host},${db.fqdn}`, DB_HOST: db.host },
        env: { DB_URL: `postgres://${db.host}:5432/x` },
        args: [`--db=${db.host}`],
      });
    });
    expect(s.api!.edges).toEqual([
      { to: 'cache', kinds: ['config'], via: ['config BACKENDS'] },
      { to: 'db', kinds: ['config', 'env', 'args'], via: ['config BACKENDS', 'config DB_HOST', 'env DB_URL', 'args'] },
    ]);
  });
  test("ports are the client Service's ports, or a daemon's container ports", () => {
    const s = describeWith((app) => {
      new StatefulApp(app, 'db', { image: 'postgres:17', ports: [{ port: 5432, name: 'postgres' }] });
      new DaemonApp(app, 'agent', { image: 'agent:1', ports: [{ port: 9100, name: 'metrics' }] });
      new StatelessApp(app, 'web', { image: 'web:1', ports: [{ port: 8080, servicePort: 80 }] });
    });
    expect(s.db!.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
    expect(s.agent!.ports).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
    expect(s.web!.ports!.map((p) => p.port)).toEqual([80]);
  });
});
