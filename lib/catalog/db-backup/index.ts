import type { Construct } from 'constructs';
import { Application, BatchJob, Volume, type ApplicationProps } from 'berth';
import type { DbBackupConfig } from './config.js';

/**
 * The user the dump runs as: the dump tool's image's own user, 999 in both (docker-library/postgres Debian images:
 * `groupadd -r postgres --gid=999`; MariaDB/mariadb-docker: the mysql user, 999). fsGroup 999 makes the volume
 * writable for it.
 */
export const BACKUP_UID = 999;
/** Where the claim is mounted; the dumps are `<database>-<UTC time>.dump` (or `.sql.gz`) in it. */
export const BACKUP_DIR = '/backup';

const ENGINES = {
  postgresql: {
    image: 'postgres:17.2',
    port: 5432,
    // Custom format: compressed, and pg_restore can restore single tables from it.
    dump: 'pg_dump -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" --format=custom --file="$out.partial"',
    suffix: 'dump',
    secret: 'PGPASSWORD',
  },
  mariadb: {
    image: 'mariadb:11.4.4',
    port: 3306,
    // The password goes through an option file, not the command line (where `ps` would show it).
    dump:
      'printf "[client]\\npassword=%s\\n" "$DB_PASSWORD" > /tmp/client.cnf && ' +
      'mariadb-dump --defaults-extra-file=/tmp/client.cnf -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" ' +
      '--single-transaction --routines --triggers --databases "$DB_NAME" --result-file="$out.sql" && ' +
      'gzip -c "$out.sql" > "$out.partial" && rm -f "$out.sql"',
    suffix: 'sql.gz',
    secret: 'DB_PASSWORD',
  },
} as const;

/** The job's shell script: dump into a `.partial` file, rename it when complete, then drop all but the newest `keep`. */
export function backupScript(engine: DbBackupConfig['engine']): string {
  const e = ENGINES[engine];
  return [
    'set -eu',
    'umask 077',
    `out="${BACKUP_DIR}/$DB_NAME-$(date -u +%Y%m%dT%H%M%SZ)"`,
    e.dump,
    `mv "$out.partial" "$out.${e.suffix}"`,
    `ls -1t ${BACKUP_DIR}/"$DB_NAME"-*.${e.suffix} | tail -n +$((KEEP + 1)) | xargs -r rm -f --`,
    `echo "backup written: $out.${e.suffix}"`,
  ].join('\n');
}

/**
 * A database backup: a CronJob (concurrency `Forbid`: a slow dump is never overlapped by the next) that runs
 * `pg_dump` or `mariadb-dump` against a database server and writes the dump to an existing PersistentVolumeClaim.
 */
export default class DbBackup extends Application<DbBackupConfig> {
  /** The backup job. */
  readonly job: BatchJob;

  constructor(scope: Construct, id: string, props: ApplicationProps<DbBackupConfig>) {
    super(scope, id, props);
    const c = props.config;
    const e = ENGINES[c.engine];
    this.job = new BatchJob(this, 'backup', {
      image: c.image ?? e.image,
      command: ['sh', '-c', backupScript(c.engine)],
      schedule: c.schedule ?? '0 3 * * *',
      timeZone: c.timeZone ?? 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      suspend: c.suspend ?? false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      backoffLimit: 2,
      activeDeadlineSeconds: 3 * 3600,
      restartPolicy: 'Never',
      config: { DB_HOST: c.host, DB_PORT: c.port ?? e.port, DB_NAME: c.database, DB_USER: c.user, KEEP: c.keep ?? 7 },
      secretConfig: { [e.secret]: c.password },
      security: { runAsUser: BACKUP_UID, runAsGroup: BACKUP_UID, fsGroup: BACKUP_UID },
      volumes: [
        { path: BACKUP_DIR, volume: Volume.fromPvc('backup', c.claimName) },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
      ],
      resources: {
        cpu: { request: c.resources?.cpu ?? '100m' },
        memory: { request: c.resources?.memory ?? '256Mi', limit: c.resources?.memory ?? '256Mi' },
      },
    });
  }
}
