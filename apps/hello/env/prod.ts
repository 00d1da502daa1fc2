import type { HelloConfig } from '../config.js';

export default {
  image: 'hashicorp/http-echo:1.0.0',
  replicas: 3,
  message: 'hello',
  logLevel: 'warn',
} satisfies HelloConfig;
