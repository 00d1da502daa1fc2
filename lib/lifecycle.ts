import type { IConstruct } from 'constructs';
import * as k8s from './imports/k8s-lib.js';
import { propError } from './private/errors.js';
import { renderHeaders } from './private/http-headers.js';
import { checkInt, checkPort } from './private/validate.js';

/**
 * The hooks of a container (the main one or a sidecar).
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
export interface LifecycleHooks {
  /**
   * Runs right after the container is created, beside its entrypoint (not before it); the container is not
   * Running until it returns, and is killed if it fails.
   * @default none
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#container-hooks
   */
  readonly postStart?: LifecycleHook;
  /**
   * Runs before the container gets SIGTERM, within `terminationGracePeriodSeconds`. A short `LifecycleHook.sleep`
   * gives Services and load balancers time to drop the pod before it stops accepting connections.
   * @default none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
   */
  readonly preStop?: LifecycleHook;
}

/** Options of `LifecycleHook.http()`. */
export interface HttpHookOptions {
  /**
   * Container port the request goes to.
   * @default the container's first port
   */
  readonly port?: number;
  /**
   * `HTTP` or `HTTPS` (the certificate is not checked).
   * @default 'HTTP'
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
  /**
   * Request headers; names are HTTP token characters, each once (case-insensitive).
   * @default none
   */
  readonly headers?: Readonly<Record<string, string>>;
}

type HookAction =
  | { readonly type: 'exec'; readonly command: readonly string[] }
  | { readonly type: 'http'; readonly path: string; readonly options: HttpHookOptions }
  | { readonly type: 'sleep'; readonly seconds: number };

/** @internal Where a hook is rendered: the prop path for messages and the container's default port. */
export interface HookSite {
  /** `lifecycle.preStop`, `sidecars[0].lifecycle.preStop`. */
  readonly prop: string;
  readonly defaultPort: number | undefined;
  /** The pod's `terminationGracePeriodSeconds` (30 when unset): a preStop sleep must end before it. */
  readonly gracePeriodSeconds: number;
  readonly preStop: boolean;
}

/**
 * What a lifecycle hook does: run a command, send an HTTP GET, or sleep (done by the kubelet, so it needs no
 * `sleep` binary in the image: works with distroless images).
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
 */
export class LifecycleHook {
  /** Runs `command` in the container (no shell unless you call one: `['sh', '-c', '...']`). */
  static exec(command: readonly string[]): LifecycleHook {
    return new LifecycleHook({ type: 'exec', command });
  }

  /** Sends `GET <path>` to the container, e.g. `LifecycleHook.http('/drain', { port: 8081 })`. */
  static http(path: string, options: HttpHookOptions = {}): LifecycleHook {
    return new LifecycleHook({ type: 'http', path, options });
  }

  /** Waits `seconds` (an integer >= 1) before going on, e.g. before SIGTERM in `preStop`. */
  static sleep(seconds: number): LifecycleHook {
    return new LifecycleHook({ type: 'sleep', seconds });
  }

  private constructor(private readonly action: HookAction) {}

  /** @internal Renders the hook, checking it where it was set. */
  _render(scope: IConstruct, at: HookSite): k8s.LifecycleHandler {
    const a = this.action;
    if (a.type === 'exec') {
      if (!Array.isArray(a.command) || a.command.length === 0 || a.command.some((c) => typeof c !== 'string')) {
        throw propError(scope, `${at.prop}.command`, a.command, "must be a non-empty list of strings, e.g. ['sh', '-c', 'nginx -s quit']");
      }
      return { exec: { command: [...a.command] } };
    }
    if (a.type === 'sleep') {
      checkInt(scope, `${at.prop}.seconds`, a.seconds, 1);
      if (at.preStop && a.seconds >= at.gracePeriodSeconds) {
        throw propError(
          scope,
          `${at.prop}.seconds`,
          a.seconds,
          `is not less than the pod's terminationGracePeriodSeconds (${at.gracePeriodSeconds}): the container would be killed before it gets SIGTERM; sleep less or raise 'terminationGracePeriodSeconds'`,
        );
      }
      return { sleep: { seconds: a.seconds } };
    }
    if (typeof a.path !== 'string' || !a.path.startsWith('/')) throw propError(scope, `${at.prop}.path`, a.path, "must start with '/'");
    const port = a.options.port ?? at.defaultPort;
    if (port === undefined) throw propError(scope, `${at.prop}.port`, undefined, 'must be set when the container has no ports');
    checkPort(scope, `${at.prop}.port`, port);
    return {
      httpGet: {
        path: a.path,
        port: k8s.IntOrString.fromNumber(port),
        scheme: a.options.scheme,
        httpHeaders: renderHeaders(scope, `${at.prop}.headers`, a.options.headers),
      },
    };
  }
}
