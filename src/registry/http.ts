import { UserError } from '../errors.js';

/**
 * HTTP to an npm-protocol registry with the failures a user can act on turned into UserErrors: the registry is not
 * reachable, the token is missing or refused. Node's own fetch (undici): no client library is needed for a handful
 * of JSON requests.
 */

export interface RegistryRequest {
  readonly method?: string;
  readonly token?: string;
  /** Basic credentials, only for logging in. */
  readonly basic?: { readonly user: string; readonly password: string };
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export interface RegistryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = unknown>(): T;
}

/** Sends a request; never throws for an HTTP status (callers decide), only for a registry that does not answer. */
export async function registryRequest(url: string, req: RegistryRequest = {}): Promise<RegistryResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.basic) headers.authorization = `Basic ${Buffer.from(`${req.basic.user}:${req.basic.password}`).toString('base64')}`;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, { method: req.method ?? 'GET', headers, body, signal: AbortSignal.timeout(req.timeoutMs ?? 30_000) });
  } catch (err) {
    throw unreachable(url, err);
  }
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new UserError(`${req.method ?? 'GET'} ${redactUrl(url)} answered ${res.status} with something that is not JSON: ${text.slice(0, 120)}`, {
          hint: 'is this URL an npm registry? Check the registry lines in .npmrc',
        });
      }
    },
  };
}

/** The registry's own words for a refusal (`{"error": "..."}` or `{"message": "..."}`), else the status. */
export function registryMessage(res: RegistryResponse): string {
  try {
    const body = JSON.parse(res.text) as { error?: string; message?: string; reason?: string };
    const said = body.error ?? body.message ?? body.reason;
    if (typeof said === 'string' && said.trim() !== '') return `${res.status} ${said.trim()}`;
  } catch {
    // not JSON: the status says enough
  }
  return `HTTP ${res.status}`;
}

export function unreachable(url: string, err: unknown): UserError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why =
    (err as Error).name === 'TimeoutError'
      ? 'no answer within the timeout'
      : (cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  const origin = safeOrigin(url);
  return new UserError(`the registry ${origin}/ is unreachable (${why})`, {
    hint: /127\.0\.0\.1|localhost/.test(origin)
      ? 'start the local registry with `berth registry up`, or fix the registry lines in .npmrc'
      : 'check the network and the registry lines in .npmrc (`@scope:registry=...`, `registry=...`)',
    cause: err,
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** A URL as it may be printed: no credentials in it. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}
