import type { Construct } from 'constructs';
import { Application, Probe, StatefulApp, Volume, type ApplicationProps } from 'berth';
import type { MariadbConfig } from './config.js';

/**
 * The image's mysql user and group. MariaDB/mariadb-docker's Ubuntu images create them with `groupadd -r mysql &&
 * useradd -r -g mysql mysql`, which is 999 on Ubuntu; the UBI images pin `--gid 999 --uid 999` "for compatibility
 * with the ubuntu image".
 */
export const MYSQL_UID = 999;
/** Where the image keeps its data (`VOLUME /var/lib/mysql`); the volume is mounted here. */
export const DATA_DIR = '/var/lib/mysql';

/**
 * MariaDB as one StatefulSet replica with its own PersistentVolumeClaim. Runs as the image's mysql user (999) with a
 * read-only root filesystem: the server writes only its volume, /run/mysqld (socket, pid) and /tmp.
 */
export default class Mariadb extends Application<MariadbConfig> {
  /** The database service; `host` and `port` are what clients connect to. */
  readonly server: StatefulApp;

  constructor(scope: Construct, id: string, props: ApplicationProps<MariadbConfig>) {
    super(scope, id, props);
    const c = props.config;
    // `mariadb-admin ping` exits 0 as soon as the server answers, even with "access denied": it needs no password.
    const ping = ['mariadb-admin', 'ping', '--silent'];
    this.server = new StatefulApp(this, 'mariadb', {
      image: c.image ?? 'mariadb:11.4.4',
      ports: [{ port: 3306, name: 'mysql' }],
      config: { MARIADB_DATABASE: c.database ?? 'app', MARIADB_USER: c.user ?? 'app' },
      secretConfig: { MARIADB_PASSWORD: c.password, MARIADB_ROOT_PASSWORD: c.rootPassword },
      storage: [{ name: 'data', mountPath: DATA_DIR, size: c.storage?.size ?? '10Gi', storageClassName: c.storage?.storageClass }],
      security: { runAsUser: MYSQL_UID, runAsGroup: MYSQL_UID, fsGroup: MYSQL_UID },
      volumes: [
        { path: '/run/mysqld', volume: Volume.emptyDir('run') },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
      ],
      startup: Probe.exec(ping, { periodSeconds: 5, failureThreshold: 60 }),
      readiness: Probe.exec(ping, { periodSeconds: 5 }),
      liveness: Probe.exec(ping, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      resources: {
        cpu: { request: c.resources?.cpu ?? '250m' },
        memory: { request: c.resources?.memory ?? '512Mi', limit: c.resources?.memory ?? '512Mi' },
      },
    });
  }
}
