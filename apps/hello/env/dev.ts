import type { HelloConfig } from '../config.js';

export default {
  image: 'hashicorp/http-echo:1.0.0',
  message: 'hello from dev',
  logLevel: 'debug',
} satisfies HelloConfig;
