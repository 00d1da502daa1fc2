import * as k8s from './imports/k8s-lib.js';
import type { IConstruct } from 'constructs';
import { propError } from './private/errors.js';
import { renderHeaders } from './private/http-headers.js';
import { checkKnownKeys, PROBE_OPTIONS } from './private/known-keys.js';
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
  /**
   * Request headers, e.g. `{ Host: 'api.example.com', 'X-Probe': 'kubelet' }`. Names are HTTP token characters
   * (letters, digits and '-') and compared case-insensitively, so each name once.
   * @default none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes
   */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TcpProbeOptions extends ProbeOptions {
  /**
   * Container port to connect to.
   * @default the workload's first port
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
   */
  readonly port?: number;
}

export interface GrpcProbeOptions extends ProbeOptions {
  /**
   * Container port of the gRPC server.
   * @default the container's first port
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-grpc-liveness-probe
   */
  readonly port?: number;
  /**
   * Service name sent in the `HealthCheckRequest`, e.g. `hipstershop.CartService`.
   * @default '' (the health of the whole server)
   * @see https://github.com/grpc/grpc/blob/master/doc/health-checking.md
   */
  readonly service?: string;
}

type ProbeAction =
  | { readonly type: 'http'; readonly path: string; readonly port?: number; readonly scheme?: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly type: 'tcp'; readonly port?: number }
  | { readonly type: 'grpc'; readonly port?: number; readonly service?: string }
  | { readonly type: 'exec'; readonly command: readonly string[] };

/**
 * A liveness, readiness or startup check of a container.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export class Probe {
  /** Healthy when `GET path` answers 2xx or 3xx. */
  static http(path: string, options: HttpProbeOptions = {}): Probe {
    return new Probe({ type: 'http', path, port: options.port, scheme: options.scheme, headers: options.headers }, options);
  }

  /** Healthy when a TCP connection to the port opens. */
  static tcp(options: TcpProbeOptions = {}): Probe {
    return new Probe({ type: 'tcp', port: options.port }, options);
  }

  /**
   * Healthy when the server answers `SERVING` to the standard gRPC health check (`grpc.health.v1.Health/Check`),
   * in plain text: the kubelet supports neither TLS nor authentication on gRPC probes.
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-grpc-liveness-probe
   */
  static grpc(options: GrpcProbeOptions = {}): Probe {
    return new Probe({ type: 'grpc', port: options.port, service: options.service }, options);
  }

  /** Healthy when the command exits 0 inside the container. */
  static exec(command: readonly string[], options: ProbeOptions = {}): Probe {
    return new Probe({ type: 'exec', command }, options);
  }

  private constructor(
    private readonly action: ProbeAction,
    private readonly options: ProbeOptions,
  ) {}

  /**
   * @internal Refuses options the probe's factory does not know (an app in JavaScript): at construction, since the
   * main container's probes render only at synth.
   */
  _checkKeys(scope: IConstruct, prop: string): void {
    checkKnownKeys(scope, prop, this.options, PROBE_OPTIONS[this.action.type]);
  }

  /**
   * @internal Renders the probe. `at.prop` is the prop path in messages (`readiness`, `sidecars[0].readiness`);
   * `at.defaultPort` is the container's first port and `at.portsProp` names where ports are set.
   */
  _render(scope: IConstruct, at: ProbeSite): k8s.Probe {
    const { prop, kind } = at;
    const o = this.options;
    this._checkKeys(scope, prop);
    checkInt(scope, `${prop}.initialDelaySeconds`, o.initialDelaySeconds, 0);
    checkInt(scope, `${prop}.periodSeconds`, o.periodSeconds, 1);
    checkInt(scope, `${prop}.timeoutSeconds`, o.timeoutSeconds, 1);
    checkInt(scope, `${prop}.failureThreshold`, o.failureThreshold, 1);
    checkInt(scope, `${prop}.successThreshold`, o.successThreshold, 1);
    if (kind !== 'readiness' && o.successThreshold !== undefined && o.successThreshold !== 1) {
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
    const port = a.port ?? at.defaultPort;
    if (port === undefined) {
      throw propError(scope, `${prop}.port`, undefined, `must be set when the ${at.portsOwner} has no '${at.portsProp}'`);
    }
    checkPort(scope, `${prop}.port`, port);
    if (a.type === 'tcp') return { ...timing, tcpSocket: { port: k8s.IntOrString.fromNumber(port) } };
    if (a.type === 'grpc') {
      if (a.service !== undefined && typeof a.service !== 'string') {
        throw propError(scope, `${prop}.service`, a.service, "must be a string, the gRPC service name, e.g. 'hipstershop.CartService'");
      }
      return { ...timing, grpc: { port, service: a.service } };
    }
    if (!a.path.startsWith('/')) throw propError(scope, `${prop}.path`, a.path, "must start with '/'");
    return {
      ...timing,
      httpGet: { path: a.path, port: k8s.IntOrString.fromNumber(port), scheme: a.scheme, httpHeaders: renderHeaders(scope, `${prop}.headers`, a.headers) },
    };
  }
}

/** @internal Where a probe is rendered: what its messages name and which port it defaults to. */
export interface ProbeSite {
  /** Prop path of the probe: `readiness`, `sidecars[0].readiness`. */
  readonly prop: string;
  readonly kind: 'liveness' | 'readiness' | 'startup';
  /** The container's first port, the default of `port`. */
  readonly defaultPort: number | undefined;
  /** Who owns the ports and under which prop, for the message when there is none: `workload` / `ports`. */
  readonly portsOwner: string;
  readonly portsProp: string;
}
