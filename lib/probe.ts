import * as k8s from './imports/k8s-lib.js';
import type { IConstruct } from 'constructs';
import { propError } from './private/errors.js';
import { checkInt, checkPort } from './private/validate.js';

/** Timing shared by every probe. Unset fields use the Kubernetes defaults. */
export interface ProbeOptions {
  /**
   * Seconds after the container starts before the first probe.
   * @default 0
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default 10
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly periodSeconds?: number;
  /**
   * Seconds after which one probe times out.
   * @default 1
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe counts as failed.
   * @default 3
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes before a failed probe counts as passing again (must be 1 for liveness and startup).
   * @default 1
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly successThreshold?: number;
}

export interface HttpProbeOptions extends ProbeOptions {
  /**
   * Container port to probe.
   * @default the workload's first port
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly port?: number;
  /**
   * `HTTP` or `HTTPS` (certificates are not verified).
   * @default 'HTTP'
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
}

export interface TcpProbeOptions extends ProbeOptions {
  /**
   * Container port to connect to.
   * @default the workload's first port
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly port?: number;
}

type ProbeAction =
  | { readonly type: 'http'; readonly path: string; readonly port?: number; readonly scheme?: string }
  | { readonly type: 'tcp'; readonly port?: number }
  | { readonly type: 'exec'; readonly command: readonly string[] };

/**
 * A liveness, readiness or startup check of a container.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export class Probe {
  /** Healthy when `GET path` answers 2xx or 3xx. */
  static http(path: string, options: HttpProbeOptions = {}): Probe {
    return new Probe({ type: 'http', path, port: options.port, scheme: options.scheme }, options);
  }

  /** Healthy when a TCP connection to the port opens. */
  static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ type: 'tcp', port: options.port }, options);
  }

  /** Healthy when the command exits 0 inside the container. */
  static exec(command: readonly string[], options: ProbeOptions = {}): Probe {
    return new Probe({ type: 'exec', command }, options);
  }

  private constructor(
    private readonly action: ProbeAction,
    private readonly options: ProbeOptions,
  ) {}

  /** @internal Renders the probe; `defaultPort` is the workload's first container port. */
  _render(scope: IConstruct, prop: string, defaultPort: number | undefined): k8s.Probe {
    const o = this.options;
    checkInt(scope, `${prop}.initialDelaySeconds`, o.initialDelaySeconds, 0);
    checkInt(scope, `${prop}.periodSeconds`, o.periodSeconds, 1);
    checkInt(scope, `${prop}.timeoutSeconds`, o.timeoutSeconds, 1);
    checkInt(scope, `${prop}.failureThreshold`, o.failureThreshold, 1);
    checkInt(scope, `${prop}.successThreshold`, o.successThreshold, 1);
    if (prop !== 'readiness' && o.successThreshold !== undefined && o.successThreshold !== 1) {
      throw propError(scope, `${prop}.successThreshold`, o.successThreshold, 'must be 1 for liveness and startup probes');
    }
    const timing = {
      initialDelaySeconds: o.initialDelaySeconds,
      periodSeconds: o.periodSeconds,
      timeoutSeconds: o.timeoutSeconds,
      failureThreshold: o.failureThreshold,
      successThreshold: o.successThreshold,
    };
    const a = this.action;
    if (a.type === 'exec') {
      if (a.command.length === 0) throw propError(scope, `${prop}.command`, a.command, 'must not be empty');
      return { ...timing, exec: { command: [...a.command] } };
    }
    const port = a.port ?? defaultPort;
    if (port === undefined) {
      throw propError(scope, `${prop}.port`, undefined, "must be set when the workload has no 'ports'");
    }
    checkPort(scope, `${prop}.port`, port);
    if (a.type === 'tcp') return { ...timing, tcpSocket: { port: k8s.IntOrString.fromNumber(port) } };
    if (!a.path.startsWith('/')) throw propError(scope, `${prop}.path`, a.path, "must start with '/'");
    return { ...timing, httpGet: { path: a.path, port: k8s.IntOrString.fromNumber(port), scheme: a.scheme } };
  }
}
