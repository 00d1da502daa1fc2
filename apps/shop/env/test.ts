import type { ShopConfig } from '../config.js';

// Test values: credentials are fakes; a real test cluster gets its own through a values file.
export default {
  logLevel: 'info',
  gateway: {
    image: 'nginxinc/nginx-unprivileged:1.27.3',
    replicas: 2,
    host: 'shop.test.example.com',
    resources: { cpu: '100m', memory: '128Mi' },
  },
  orders: { image: 'ghcr.io/berth-examples/orders:1.4.0', minReplicas: 2, maxReplicas: 4, resources: { cpu: '100m', memory: '256Mi' } },
  catalog: { image: 'ghcr.io/berth-examples/catalog:2.1.0', minReplicas: 2, maxReplicas: 4, resources: { cpu: '100m', memory: '256Mi' } },
  payments: {
    image: 'ghcr.io/berth-examples/payments:0.9.0',
    minReplicas: 2,
    maxReplicas: 3,
    resources: { cpu: '100m', memory: '256Mi' },
    providerUrl: 'https://sandbox.payments.example.com',
    providerApiKey: 'test-fake-provider-key',
  },
  db: {
    image: 'postgres:16.4',
    database: 'shop',
    user: 'shop',
    password: 'test-password-not-secret',
    storageSize: '5Gi',
    resources: { cpu: '250m', memory: '512Mi' },
  },
  cache: { image: 'redis:7.4.1', maxMemory: '100mb', resources: { cpu: '100m', memory: '128Mi' } },
  dbProxy: { image: 'edoburu/pgbouncer:v1.23.1-p3', replicas: 2, poolSize: 10 },
  backup: {
    image: 'eeshugerman/postgres-backup-s3:16',
    bucket: 'shop-backups-test',
    endpoint: 'https://s3.test.example.com',
    accessKeyId: 'test-access-key',
    secretAccessKey: 'test-fake-secret-key',
  },
  nodeAgent: { image: 'prom/node-exporter:v1.8.2' },
} satisfies ShopConfig;
