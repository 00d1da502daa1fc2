import type { RedisConfig } from '../config.js';

// The password is a placeholder for the sample render: deploy with `--set password=...` or `-f values.yaml`.
export default {
  password: 'placeholder-change-me',
} satisfies RedisConfig;
