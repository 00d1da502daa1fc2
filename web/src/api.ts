import type { ApiError, SessionInfo } from '../../src/ui/api-types.js';

/** A refused or failed API request, with the server's message (the CLI's wording). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

let session: SessionInfo | undefined;

/** `GET /api/session`, once: the CSRF value every POST carries, the version and the kube contexts. */
export async function loadSession(): Promise<SessionInfo> {
  session ??= await getJson<SessionInfo>('/api/session');
  return session;
}

// The session cookie that `GET /?token=` set goes with every same-origin request by itself; nothing here holds the
// token, so no script on the page can read it.
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return answer<T>(await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal }));
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const { csrf } = await loadSession();
  const response = await fetch(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Berth-CSRF': csrf },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiFailure(response.status, { message: `The server answered ${response.status} with something that is not JSON.` });
  }
  if (!response.ok) {
    const error = (body as { error?: ApiError } | undefined)?.error;
    throw new ApiFailure(response.status, error ?? { message: `The server answered ${response.status} ${response.statusText}.` });
  }
  return body as T;
}

/**
 * Listens to an event stream (`event: <type>`, one JSON document per `data:` line); returns the function that
 * closes it. The browser reconnects a dropped stream by itself.
 */
export function listen(path: string, handlers: Record<string, (data: unknown) => void>, onError?: () => void): () => void {
  const source = new EventSource(path, { withCredentials: true });
  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => handle(JSON.parse((event as MessageEvent<string>).data)));
  }
  if (onError) source.onerror = onError;
  return () => source.close();
}
