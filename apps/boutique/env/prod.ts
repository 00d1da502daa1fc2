import type { BoutiqueConfig } from '../config.js';

export default {
  imageRepository: 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo',
  imageTag: 'v0.10.6',
  redisImage: 'redis:7.4.1-alpine',
  frontend: { replicas: 3 },
  loadGenerator: { enabled: false },
} satisfies BoutiqueConfig;
