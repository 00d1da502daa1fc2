import type { Secret } from 'berth';

/** Config of the database backup: a CronJob that dumps one database into files on an existing volume. */
export interface DbBackupConfig {
  /** Which dump tool runs: `pg_dump` (custom format, `.dump`) or `mariadb-dump` (SQL, gzip, `.sql.gz`). */
  readonly engine: 'postgresql' | 'mariadb';
  /**
   * Image with the dump tool, pinned by tag; its major version must be at least the server's.
   * @default - 'postgres:17.2' for postgresql, 'mariadb:11.4.4' for mariadb
   */
  readonly image?: string;
  /** Host name of the database server, e.g. the Service of a catalog database: '<release>-postgresql'. */
  readonly host: string;
  /**
   * Port of the database server.
   * @default - 5432 for postgresql, 3306 for mariadb
   * @integer
   * @minimum 1
   * @maximum 65535
   */
  readonly port?: number;
  /**
   * Database to dump.
   * @pattern ^[A-Za-z0-9_]+$
   */
  readonly database: string;
  /** User the dump connects as; it needs read access to every table. */
  readonly user: string;
  /** Password of `user`. */
  readonly password: Secret;
  /**
   * Existing PersistentVolumeClaim the dumps are written to. It is not part of the release, so uninstalling the
   * release never deletes the backups: create it once, e.g. with `kubectl apply`.
   */
  readonly claimName: string;
  /**
   * Newest dumps kept on the volume; older ones are deleted after a successful dump.
   * @default 7
   * @integer
   * @minimum 1
   */
  readonly keep?: number;
  /**
   * Cron schedule of the backups.
   * @default '0 3 * * *'
   */
  readonly schedule?: string;
  /**
   * IANA time zone of `schedule`.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * Pause the backups.
   * @default false
   */
  readonly suspend?: boolean;
  /** CPU and memory of the dump. */
  readonly resources?: {
    /**
     * CPU request; no CPU limit.
     * @default '100m'
     */
    readonly cpu?: string;
    /**
     * Memory request and limit.
     * @default '256Mi'
     */
    readonly memory?: string;
  };
}
