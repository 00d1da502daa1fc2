import type { DbBackupConfig } from '../config.js';

// Dumps the database of a `@berth/postgresql` release named `db` (its defaults) into the claim `db-backups`.
// The password is a placeholder for the sample render: deploy with `--set password=...` or `-f values.yaml`.
export default {
  engine: 'postgresql',
  host: 'db-postgresql',
  database: 'app',
  user: 'app',
  password: 'placeholder-change-me',
  claimName: 'db-backups',
} satisfies DbBackupConfig;
