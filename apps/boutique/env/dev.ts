import type { BoutiqueConfig } from '../config.js';

/**
 * The published manifests' settings, with their network-policies component: test/unit/apps/boutique.test.ts diffs
 * this env against them.
 */
export default {
  imageRepository: 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo',
  imageTag: 'v0.10.6',
  redisImage: 'redis:alpine',
  networkPolicies: true,
} satisfies BoutiqueConfig;
