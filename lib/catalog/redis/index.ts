import type { Construct } from 'constructs';
import { Application, Probe, StatefulApp, Volume, type ApplicationProps } from 'berth';
import type { RedisConfig } from './config.js';

/** The image's redis user and group (docker-library/redis: `groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis`). */
export const REDIS_UID = 999;
/** Where the image keeps its data (`VOLUME /data`, `WORKDIR /data`); the volume is mounted here. */
export const DATA_DIR = '/data';

/**
 * Redis as one StatefulSet replica with its own PersistentVolumeClaim (no replicas or Sentinel). The password never
 * appears in the pod spec or in the server's command line: the container writes it from its Secret into a config
 * file on a memory-backed emptyDir readable only by the redis user, and starts redis-server with that file.
 */
export default class Redis extends Application<RedisConfig> {
  /** The Redis service; `host` and `port` are what clients connect to. */
  readonly server: StatefulApp;

  constructor(scope: Construct, id: string, props: ApplicationProps<RedisConfig>) {
    super(scope, id, props);
    const c = props.config;
    const flags = [
      `--dir ${DATA_DIR}`,
      `--appendonly ${c.appendOnly === false ? 'no' : 'yes'}`,
      `--maxmemory ${c.maxMemory ?? '256mb'}`,
      `--maxmemory-policy ${c.maxMemoryPolicy ?? 'noeviction'}`,
    ].join(' ');
    // redis-cli reads the password from REDISCLI_AUTH; a ping that is not answered PONG (NOAUTH, LOADING) fails.
    const ping = ['sh', '-c', '[ "$(redis-cli ping)" = PONG ]'];
    this.server = new StatefulApp(this, 'redis', {
      image: c.image ?? 'redis:7.4.1',
      command: ['sh', '-c', `umask 077 && printf 'requirepass "%s"\\n' "$(printf '%s' "$REDIS_PASSWORD" | sed 's/[\\\\"]/\\\\&/g')" > /run/redis/auth.conf && exec redis-server /run/redis/auth.conf ${flags}`],
      ports: [{ port: 6379, name: 'redis' }],
      secretConfig: { REDIS_PASSWORD: c.password, REDISCLI_AUTH: c.password },
      storage: [{ name: 'data', mountPath: DATA_DIR, size: c.storage?.size ?? '2Gi', storageClassName: c.storage?.storageClass }],
      security: { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID },
      volumes: [
        { path: '/run/redis', volume: Volume.emptyDir('run', { medium: 'Memory', sizeLimit: '1Mi' }) },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
      ],
      readiness: Probe.exec(ping, { periodSeconds: 5 }),
      liveness: Probe.tcp({ initialDelaySeconds: 15, periodSeconds: 10 }),
      resources: {
        cpu: { request: c.resources?.cpu ?? '100m' },
        memory: { request: c.resources?.memory ?? '512Mi', limit: c.resources?.memory ?? '512Mi' },
      },
    });
  }
}
