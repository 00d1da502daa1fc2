import type { MariadbConfig } from '../config.js';

// The passwords are placeholders for the sample render: deploy with `--set password=... --set rootPassword=...`.
export default {
  password: 'placeholder-change-me',
  rootPassword: 'placeholder-change-me-too',
} satisfies MariadbConfig;
