import type { Construct } from 'constructs';
import { Application, Probe, StatelessApp, Volume, type ApplicationProps } from 'berth';
import type { NginxConfig } from './config.js';

/** The image's nginx user and group (nginxinc/docker-nginx-unprivileged: `ARG UID=101`, `ARG GID=101`, `USER $UID`). */
export const NGINX_UID = 101;
/** Port the unprivileged image listens on (`listen 8080`). */
export const LISTEN_PORT = 8080;
/** Where the image serves its static files from. */
export const HTML_DIR = '/usr/share/nginx/html';

/** The server block: a health endpoint for the probes, then static files or the upstream. */
export function serverConf(c: NginxConfig): string {
  const site = c.upstream
    ? [
        '  location / {',
        `    proxy_pass ${c.upstream};`,
        '    proxy_set_header Host $host;',
        '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        '    proxy_set_header X-Forwarded-Proto $scheme;',
        '  }',
      ]
    : ['  location / {', `    root ${HTML_DIR};`, '    index index.html;', '  }'];
  return [
    'server {',
    `  listen ${LISTEN_PORT};`,
    '  server_tokens off;',
    `  client_max_body_size ${c.maxBodySize ?? '1m'};`,
    '  location = /healthz {',
    '    access_log off;',
    "    return 200 'ok';",
    '  }',
    ...site,
    '}',
    '',
  ].join('\n');
}

/**
 * nginx as a Deployment behind a Service (and an Ingress when `host` is set). Runs as the image's nginx user (101)
 * with a read-only root filesystem; the server block comes from the ConfigMap (key NGINX_SERVER_CONF) and is written
 * to an emptyDir at /etc/nginx/conf.d when the container starts, so a config change rolls the pods.
 */
export default class Nginx extends Application<NginxConfig> {
  /** The web service. */
  readonly web: StatelessApp;

  constructor(scope: Construct, id: string, props: ApplicationProps<NginxConfig>) {
    super(scope, id, props);
    const c = props.config;
    const replicas = c.replicas ?? 2;
    this.web = new StatelessApp(this, 'nginx', {
      image: c.image ?? 'nginxinc/nginx-unprivileged:1.27.3',
      replicas,
      command: ['sh', '-c', 'printf "%s" "$NGINX_SERVER_CONF" > /etc/nginx/conf.d/default.conf && exec nginx -g "daemon off;"'],
      config: { NGINX_SERVER_CONF: serverConf(c) },
      ports: [{ port: LISTEN_PORT, servicePort: c.servicePort ?? 80 }],
      security: { runAsUser: NGINX_UID, runAsGroup: NGINX_UID },
      // The unprivileged image keeps its pid file and *_temp_path directories in /tmp, its cache in /var/cache/nginx.
      volumes: [
        { path: '/etc/nginx/conf.d', volume: Volume.emptyDir('conf') },
        { path: '/tmp', volume: Volume.emptyDir('tmp') },
        { path: '/var/cache/nginx', volume: Volume.emptyDir('cache') },
      ],
      readiness: Probe.http('/healthz', { periodSeconds: 5 }),
      liveness: Probe.http('/healthz', { periodSeconds: 10 }),
      resources: {
        cpu: { request: c.resources?.cpu ?? '100m' },
        memory: { request: c.resources?.memory ?? '128Mi', limit: c.resources?.memory ?? '128Mi' },
      },
      ingress: c.host === undefined ? undefined : { host: c.host, tlsSecret: c.tlsSecret },
      disruptionBudget: replicas > 1 ? { maxUnavailable: 1 } : undefined,
    });
  }
}
