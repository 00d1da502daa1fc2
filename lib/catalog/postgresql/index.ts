import type { Construct } from 'constructs';
import { Application, Probe, StatefulApp, Volume, type ApplicationProps } from 'berth';
import type { PostgresqlConfig } from './config.js';

/** The image's postgres user and group (docker-library/postgres, Debian variants: `groupadd -r postgres --gid=999`). */
export const POSTGRES_UID = 999;
/** Where the image keeps its data (`VOLUME /var/lib/postgresql/data`); the volume is mounted here. */
export const DATA_DIR = '/var/lib/postgresql/data';
/**
 * PGDATA is a directory inside the volume, not its root: a fresh filesystem's root holds `lost+found`, and initdb
 * refuses a directory that is not empty.
 */
export const PGDATA = `${DATA_DIR}/pgdata`;

/**
 * PostgreSQL as one StatefulSet replica with its own PersistentVolumeClaim. Runs as the image's own postgres user
 * (999) with a read-only root filesystem: the server writes only its volume, its socket directory and /tmp.
 */
export default class Postgresql extends Application<PostgresqlConfig> {
  /** The database service; `host` and `port` are what clients connect to. */
  readonly server: StatefulApp;

  constructor(scope: Construct, id: string, props: ApplicationProps<PostgresqlConfig>) {
    super(scope, id, props);
    const c = props.config;
    const database = c.database ?? 'app';
    const user = c.user ?? 'app';
    // Over the socket, as the server's own user: pg_isready needs no password and reports "accepting connections".
    const ready = ['pg_isready', '-U', user, '-d', database];
    this.server = new StatefulApp(this, 'postgresql', {
      image: c.image ?? 'postgres:17.2',
      ports: [{ port: 5432, name: 'postgres' }],
      config: { POSTGRES_DB: database, POSTGRES_USER: user, PGDATA },
      secretConfig: { POSTGRES_PASSWORD: c.password },
      storage: [{ name: 'data', mountPath: DATA_DIR, size: c.storage?.size ?? '10Gi', storageClassName: c.storage?.storageClass }],
      security: { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID },
      volumes: [
        { path: '/var/run/postgresql', volume: Volume.emptyDir('run') },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
      ],
      // initdb on a new volume takes a while: up to 5 minutes before liveness counts.
      startup: Probe.exec(ready, { periodSeconds: 5, failureThreshold: 60 }),
      readiness: Probe.exec(ready, { periodSeconds: 5 }),
      liveness: Probe.exec(ready, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      resources: {
        cpu: { request: c.resources?.cpu ?? '250m' },
        memory: { request: c.resources?.memory ?? '512Mi', limit: c.resources?.memory ?? '512Mi' },
      },
    });
  }
}
