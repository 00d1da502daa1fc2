import { ClusterError } from '../errors.js';

/** The `Status` object the API server answers failures with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** A non-2xx answer, before it is turned into a user-facing `ClusterError`. */
export class ApiResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiStatus | string | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(typeof body === 'object' && body?.message ? body.message : `HTTP ${status}`);
    this.name = 'ApiResponseError';
  }

  get reason(): string | undefined {
    return typeof this.body === 'object' ? this.body.reason : undefined;
  }
}

/** What a failed request was about, so the message can name it. */
export interface RequestSubject {
  /** `apply`, `read`, `list`, ... */
  readonly verb: string;
  /** `Deployment/shop-api`, or `Deployments` for a list. */
  readonly what: string;
  readonly namespace?: string;
  /** API server URL and kubeconfig context, for connection and auth failures. */
  readonly server: string;
  readonly context: string;
}

function where(s: RequestSubject): string {
  return s.namespace ? ` in namespace ${s.namespace}` : '';
}

/**
 * Turns an API failure into a message that names the object, the verb and, for validation errors, the fields
 * (from Status.details.causes), with a hint for the failures people hit most: 401, 403, 409, 422.
 */
export function toClusterError(err: ApiResponseError, s: RequestSubject): ClusterError {
  const body = typeof err.body === 'object' ? err.body : undefined;
  const serverMessage = body?.message ?? (typeof err.body === 'string' && err.body.trim() ? err.body.trim() : `HTTP ${err.status}`);
  const opts = { status: err.status, reason: body?.reason, cause: err };
  const subject = `${s.verb} ${s.what}${where(s)}`;
  switch (err.status) {
    case 401:
      return new ClusterError(
        `the Kubernetes API at ${s.server} (context ${s.context}) rejected the credentials (401 Unauthorized) while trying to ${subject}`,
        { ...opts, hint: 'the kubeconfig credentials are missing or expired; refresh them or pick another --context' },
      );
    case 403:
      return new ClusterError(`not allowed to ${subject} (403 Forbidden): ${serverMessage}`, {
        ...opts,
        hint: forbiddenHint(serverMessage, s),
      });
    case 404:
      return new ClusterError(`cannot ${subject}: not found (${serverMessage})`, opts);
    case 409:
      if (body?.reason === 'AlreadyExists') {
        return new ClusterError(`cannot ${subject}: it already exists`, opts);
      }
      if (body?.reason === 'Conflict' && /resourceVersion|modified/i.test(serverMessage)) {
        return new ClusterError(`cannot ${subject}: it was changed by someone else meanwhile (${serverMessage})`, {
          ...opts,
          hint: 'run the command again; it reads the latest version first',
        });
      }
      return new ClusterError(`cannot ${subject}: conflict with another field manager: ${serverMessage}`, {
        ...opts,
        hint: 'another tool or person manages these fields; change them there, or let Berth take them over (--force-conflicts / --adopt)',
      });
    case 422: {
      const causes = (body?.details?.causes ?? [])
        .map((c) => (c.field ? `${c.field}: ${c.message ?? c.reason ?? 'invalid'}` : (c.message ?? c.reason ?? '')))
        .filter(Boolean);
      const detail = causes.length > 0 ? causes.join('; ') : serverMessage;
      return new ClusterError(`${s.what}${where(s)} is invalid: ${detail}`, {
        ...opts,
        hint: 'fix the field(s) named above in the template or its config values',
      });
    }
    default:
      return new ClusterError(`cannot ${subject}: ${serverMessage} (HTTP ${err.status})`, opts);
  }
}

/**
 * The RBAC rule a 403 asks for, read from the authorizer's message (`User "u" cannot patch resource "deployments"
 * in API group "apps" in the namespace "ns"`): the verb and resource are the authorizer's, not Berth's (apply is
 * `patch`, read is `get`), so the rule is exactly what to add.
 */
export function forbiddenRule(serverMessage: string): { apiGroup: string; resource: string; verb: string; namespace?: string } | undefined {
  const m = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(serverMessage);
  return m ? { verb: m[1]!, resource: m[2]!, apiGroup: m[3]!, namespace: m[4] } : undefined;
}

function forbiddenHint(serverMessage: string, s: RequestSubject): string {
  const rule = forbiddenRule(serverMessage);
  if (!rule) return `the user of context ${s.context} needs RBAC permission for this; ask a cluster admin or pick another --context`;
  const yaml = `{apiGroups: ["${rule.apiGroup}"], resources: ["${rule.resource}"], verbs: ["${rule.verb}"]}`;
  if (!rule.namespace) {
    return `the user of context ${s.context} needs RBAC permission for this: add the rule ${yaml} to a ClusterRole bound to it, or pick another --context`;
  }
  return (
    `the user of context ${s.context} needs RBAC permission for this: add the rule ${yaml} to a Role in namespace ${rule.namespace} bound to it ` +
    `(berth rbac -n ${rule.namespace} prints the Role and RoleBinding Berth needs there)`
  );
}

/** The failure when the API server cannot be reached at all, after the retries. */
export function unreachable(err: Error, s: Pick<RequestSubject, 'server' | 'context'>): ClusterError {
  const code = (err as NodeJS.ErrnoException).code;
  const detail = err.message || code || 'connection failed';
  const tls = typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/i.test(code);
  return new ClusterError(`cannot reach the Kubernetes API at ${s.server} (context ${s.context}): ${detail}`, {
    cause: err,
    reason: code,
    hint: tls
      ? 'the server certificate is not trusted: check certificate-authority-data of the cluster in the kubeconfig'
      : 'is the cluster running (`berth cluster status`)? check --kubeconfig and --context',
  });
}
