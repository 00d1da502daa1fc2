import type { ShopConfig } from '../config.js';

// The secret values here are placeholders: a real deploy overrides them with `-f values.yaml`.
export default {
  logLevel: 'warn',
  gateway: {
    image: 'nginxinc/nginx-unprivileged:1.27.3',
    replicas: 3,
    host: 'shop.example.com',
    tlsSecret: 'shop-example-com-tls',
    minAvailable: 2,
    resources: { cpu: '250m', memory: '256Mi' },
  },
  orders: { image: 'ghcr.io/berth-examples/orders:1.4.0', minReplicas: 3, maxReplicas: 12, cpuTarget: 70, resources: { cpu: '500m', memory: '512Mi' } },
  catalog: { image: 'ghcr.io/berth-examples/catalog:2.1.0', minReplicas: 3, maxReplicas: 20, resources: { cpu: '500m', memory: '512Mi' }, cacheTtlSeconds: 600 },
  payments: {
    image: 'ghcr.io/berth-examples/payments:0.9.0',
    minReplicas: 2,
    maxReplicas: 6,
    cpuTarget: 60,
    resources: { cpu: '250m', memory: '512Mi' },
    providerUrl: 'https://api.payments.example.com',
    providerApiKey: 'placeholder-provider-key',
  },
  db: {
    image: 'postgres:16.4',
    database: 'shop',
    user: 'shop',
    password: 'placeholder-db-password',
    storageSize: '100Gi',
    resources: { cpu: '2', memory: '4Gi' },
  },
  cache: { image: 'redis:7.4.1', maxMemory: '900mb', resources: { cpu: '250m', memory: '1Gi' } },
  dbProxy: { image: 'edoburu/pgbouncer:v1.23.1-p3', replicas: 2, poolSize: 40 },
  backup: {
    image: 'eeshugerman/postgres-backup-s3:16',
    schedule: '30 1 * * *',
    timeZone: 'Europe/Berlin',
    bucket: 'shop-backups-prod',
    endpoint: 'https://s3.eu-central-1.amazonaws.com',
    accessKeyId: 'placeholder-access-key',
    secretAccessKey: 'placeholder-secret-key',
  },
  nodeAgent: { image: 'prom/node-exporter:v1.8.2', hostNetwork: true },
} satisfies ShopConfig;
