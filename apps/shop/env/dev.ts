import type { ShopConfig } from '../config.js';

// Dev values only: every credential below is a fake, readable on purpose.
export default {
  logLevel: 'debug',
  gateway: {
    image: 'nginxinc/nginx-unprivileged:1.27.3',
    host: 'shop.dev.localhost',
    resources: { cpu: '50m', memory: '64Mi' },
  },
  orders: { image: 'ghcr.io/berth-examples/orders:1.4.0-dev', maxReplicas: 2, resources: { cpu: '50m', memory: '128Mi' } },
  catalog: { image: 'ghcr.io/berth-examples/catalog:2.1.0-dev', maxReplicas: 2, resources: { cpu: '50m', memory: '128Mi' }, cacheTtlSeconds: 10 },
  payments: {
    image: 'ghcr.io/berth-examples/payments:0.9.0-dev',
    maxReplicas: 2,
    resources: { cpu: '50m', memory: '128Mi' },
    providerUrl: 'https://sandbox.payments.example.com',
    providerApiKey: 'dev-fake-provider-key',
  },
  db: {
    image: 'postgres:16.4',
    database: 'shop',
    user: 'shop',
    password: 'dev-password-not-secret',
    storageSize: '1Gi',
    resources: { cpu: '100m', memory: '256Mi' },
  },
  cache: { image: 'redis:7.4.1', maxMemory: '48mb', resources: { cpu: '50m', memory: '64Mi' } },
  dbProxy: { image: 'edoburu/pgbouncer:v1.23.1-p3', poolSize: 5 },
  backup: {
    image: 'eeshugerman/postgres-backup-s3:16',
    bucket: 'shop-backups-dev',
    endpoint: 'http://minio.dev.localhost:9000',
    accessKeyId: 'dev-access-key',
    secretAccessKey: 'dev-fake-secret-key',
    suspend: true,
  },
  nodeAgent: { image: 'prom/node-exporter:v1.8.2' },
} satisfies ShopConfig;
