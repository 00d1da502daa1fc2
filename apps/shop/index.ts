import type { Construct } from 'constructs';
import {
  Application,
  BatchJob,
  DaemonApp,
  Probe,
  StatefulApp,
  StatelessApp,
  Volume,
  type ApplicationProps,
  type ResourcesProps,
} from 'berth';
import type { ApiConfig, ResourceConfig, ShopConfig } from './config.js';

/** The reference application of DESIGN.md: gateway, business APIs, database, cache, DB proxy, backup, node agent. */
export default class Shop extends Application<ShopConfig> {
  constructor(scope: Construct, id: string, props: ApplicationProps<ShopConfig>) {
    super(scope, id, props);
    const c = props.config;
    const logLevel = c.logLevel ?? 'info';

    const db = new StatefulApp(this, 'db', {
      image: c.db.image,
      replicas: c.db.replicas ?? 1,
      ports: [{ port: 5432, name: 'postgres' }],
      config: { POSTGRES_DB: c.db.database, POSTGRES_USER: c.db.user, PGDATA: '/var/lib/postgresql/data/pgdata' },
      secretConfig: { POSTGRES_PASSWORD: c.db.password },
      storage: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: c.db.storageSize, storageClassName: c.db.storageClass }],
      // The postgres image's own user; it writes its socket and temp files outside the volume.
      security: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
      volumes: [
        { path: '/var/run/postgresql', volume: Volume.emptyDir('run') },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
      ],
      readiness: Probe.exec(['pg_isready', '-U', c.db.user, '-d', c.db.database], { periodSeconds: 5 }),
      liveness: Probe.tcp({ initialDelaySeconds: 30 }),
      resources: resources(c.db.resources),
    });

    const cache = new StatelessApp(this, 'cache', {
      image: c.cache.image,
      // A pure cache: no RDB snapshots (append-only is off by default).
      args: ['--maxmemory', c.cache.maxMemory, '--maxmemory-policy', 'allkeys-lru', '--save', ''],
      ports: [{ port: 6379, name: 'redis' }],
      security: { runAsUser: 999, runAsGroup: 999 },
      volumes: [{ path: '/data', volume: Volume.emptyDir('data') }],
      readiness: Probe.tcp(),
      resources: resources(c.cache.resources),
    });

    const dbProxy = new StatelessApp(this, 'db-proxy', {
      image: c.dbProxy.image,
      replicas: c.dbProxy.replicas ?? 1,
      ports: [{ port: 6432, name: 'pgbouncer' }],
      config: {
        DB_HOST: db.host,
        DB_PORT: db.port,
        DB_NAME: c.db.database,
        DB_USER: c.db.user,
        POOL_MODE: 'transaction',
        DEFAULT_POOL_SIZE: c.dbProxy.poolSize ?? 20,
        AUTH_TYPE: 'scram-sha-256',
      },
      secretConfig: { DB_PASSWORD: c.db.password },
      security: { runAsUser: 70, runAsGroup: 70 },
      volumes: [{ path: '/etc/pgbouncer', volume: Volume.emptyDir('config') }],
      readiness: Probe.tcp(),
    }).dependsOn(db, { waitForPort: true });

    const api = (
      name: 'orders' | 'catalog' | 'payments',
      a: ApiConfig,
      extra: Record<string, string | number>,
      extraSecret: Record<string, string> = {},
    ) =>
      new StatelessApp(this, name, {
        image: a.image,
        ports: [{ port: 8080, servicePort: 80 }],
        config: {
          LOG_LEVEL: logLevel,
          DB_HOST: dbProxy.host,
          DB_PORT: dbProxy.port,
          DB_NAME: c.db.database,
          DB_USER: c.db.user,
          ...extra,
        },
        secretConfig: { DB_PASSWORD: c.db.password, ...extraSecret },
        readiness: Probe.http('/healthz/ready'),
        liveness: Probe.http('/healthz/live', { initialDelaySeconds: 10 }),
        volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }],
        resources: resources(a.resources),
        autoscaling: { minReplicas: a.minReplicas ?? 1, maxReplicas: a.maxReplicas, cpuUtilization: a.cpuTarget ?? 80 },
      }).dependsOn(dbProxy);

    const cacheUrl = cache.urlFor('redis');
    const orders = api('orders', c.orders, { CACHE_URL: cacheUrl }).dependsOn(cache);
    const catalog = api('catalog', c.catalog, {
      CACHE_URL: cacheUrl,
      CACHE_TTL_SECONDS: c.catalog.cacheTtlSeconds ?? 300,
    }).dependsOn(cache);
    const payments = api(
      'payments',
      c.payments,
      { PROVIDER_URL: c.payments.providerUrl },
      { PROVIDER_API_KEY: c.payments.providerApiKey },
    );

    new StatelessApp(this, 'gateway', {
      image: c.gateway.image,
      replicas: c.gateway.replicas ?? 1,
      ports: [{ port: 8080, servicePort: 80 }],
      config: {
        LOG_LEVEL: logLevel,
        ORDERS_URL: orders.url,
        CATALOG_URL: catalog.url,
        PAYMENTS_URL: payments.url,
      },
      readiness: Probe.http('/healthz'),
      liveness: Probe.tcp(),
      // nginx writes its pid and caches here.
      volumes: [
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
        { path: '/var/cache/nginx', volume: Volume.emptyDir('cache') },
      ],
      resources: resources(c.gateway.resources),
      ingress: { host: c.gateway.host, tlsSecret: c.gateway.tlsSecret },
      disruptionBudget: c.gateway.minAvailable === undefined ? undefined : { minAvailable: c.gateway.minAvailable },
    })
      .dependsOn(orders)
      .dependsOn(catalog)
      .dependsOn(payments);

    new BatchJob(this, 'backup', {
      image: c.backup.image,
      command: ['sh', 'backup.sh'],
      schedule: c.backup.schedule ?? '0 2 * * *',
      timeZone: c.backup.timeZone ?? 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      suspend: c.backup.suspend ?? false,
      backoffLimit: 2,
      activeDeadlineSeconds: 3 * 3600,
      restartPolicy: 'Never',
      config: {
        POSTGRES_HOST: db.host,
        POSTGRES_PORT: db.port,
        POSTGRES_DATABASE: c.db.database,
        POSTGRES_USER: c.db.user,
        S3_BUCKET: c.backup.bucket,
        S3_ENDPOINT: c.backup.endpoint,
        S3_ACCESS_KEY_ID: c.backup.accessKeyId,
        S3_PREFIX: props.release.name,
      },
      secretConfig: { POSTGRES_PASSWORD: c.db.password, S3_SECRET_ACCESS_KEY: c.backup.secretAccessKey },
      volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }],
    }).dependsOn(db);

    new DaemonApp(this, 'node-agent', {
      image: c.nodeAgent.image,
      args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root'],
      ports: [{ port: 9100, name: 'metrics' }],
      hostNetwork: c.nodeAgent.hostNetwork ?? false,
      hostPaths: [
        { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
        { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
        { name: 'root', hostPath: '/', mountPath: '/host/root' },
      ],
      security: { runAsUser: 65534, runAsGroup: 65534 },
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
      readiness: Probe.http('/'),
      resources: { cpu: { request: '50m' }, memory: { request: '64Mi', limit: '128Mi' } },
      maxUnavailable: '10%',
    });
  }
}

function resources(r: ResourceConfig): ResourcesProps {
  return { cpu: { request: r.cpu }, memory: { request: r.memory, limit: r.memory } };
}
