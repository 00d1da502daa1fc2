import type { Construct } from 'constructs';
import { Application, DaemonApp, Probe, Volume, type ApplicationProps } from 'berth';
import type { LogAgentConfig } from './config.js';

/**
 * The user the agent runs as: root. fluent/fluent-bit's production image is distroless (a
 * `gcr.io/distroless/cc-debian` base) with no `USER`, so it runs as uid 0; the kubelet writes container log files as
 * root with mode 0640, so only root (or the file's group) can read them. The agent keeps every other restriction:
 * all capabilities dropped (reading files one owns needs none), no privilege escalation, read-only root filesystem,
 * /var/log mounted read-only.
 */
export const FLUENT_BIT_UID = 0;
/** The node directory the agent reads, mounted read-only at the same path. */
export const LOG_DIR = '/var/log';
/** Where the tail input keeps its file offsets (an emptyDir: they survive container restarts, not a new pod). */
export const STATE_DIR = '/var/lib/fluent-bit';
/** Port of Fluent Bit's built-in HTTP server, for the probes. */
export const HTTP_PORT = 2020;

/** Fluent Bit's command line: the tail input, the output, the HTTP server. No config file is needed. */
export function fluentBitArgs(c: LogAgentConfig): string[] {
  const input = [
    '-i', 'tail',
    '-p', `path=${c.path ?? '/var/log/containers/*.log'}`,
    '-p', 'multiline.parser=cri,docker',
    '-p', 'tag=kube.*',
    '-p', `db=${STATE_DIR}/tail.db`,
    '-p', `mem_buf_limit=${c.bufferLimit ?? '50MB'}`,
    '-p', 'skip_long_lines=on',
    '-p', 'refresh_interval=10',
  ];
  const output = c.forward
    ? [
        '-o', 'forward',
        '-p', `host=${c.forward.host}`,
        '-p', `port=${c.forward.port ?? 24224}`,
        '-p', `tls=${c.forward.tls ? 'on' : 'off'}`,
        '-p', 'match=*',
      ]
    : ['-o', 'stdout', '-p', 'match=*', '-p', 'format=json_lines'];
  return [...input, ...output, '-H', '-P', String(HTTP_PORT), '-f', '1'];
}

/**
 * A log-shipping agent: Fluent Bit as a DaemonSet on every node (control-plane nodes included), tailing the
 * containers' log files from the node's /var/log, read-only.
 */
export default class LogAgent extends Application<LogAgentConfig> {
  /** The agent. */
  readonly agent: DaemonApp;

  constructor(scope: Construct, id: string, props: ApplicationProps<LogAgentConfig>) {
    super(scope, id, props);
    const c = props.config;
    this.agent = new DaemonApp(this, 'fluent-bit', {
      image: c.image ?? 'fluent/fluent-bit:3.2.2',
      args: fluentBitArgs(c),
      ports: [{ port: HTTP_PORT, name: 'http' }],
      hostPaths: [{ name: 'varlog', hostPath: LOG_DIR, mountPath: LOG_DIR, readOnly: true, type: 'Directory' }],
      volumes: [{ path: STATE_DIR, volume: Volume.emptyDir('state') }],
      security: { runAsNonRoot: false, runAsUser: FLUENT_BIT_UID, runAsGroup: FLUENT_BIT_UID },
      tolerations: [{ operator: 'Exists' }],
      readiness: Probe.http('/', { periodSeconds: 10 }),
      liveness: Probe.http('/', { initialDelaySeconds: 10, periodSeconds: 30 }),
      resources: {
        cpu: { request: c.resources?.cpu ?? '50m' },
        memory: { request: c.resources?.memory ?? '128Mi', limit: c.resources?.memory ?? '128Mi' },
      },
      maxUnavailable: '10%',
    });
  }
}
