import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The console's request checks, pure so that each is unit-tested on its own (api-types.ts states the rules):
 * the session token (Bearer header or the `berth_session` cookie), the Host header (DNS rebinding), the Origin header
 * (cross-site requests), and on mutations the CSRF header and a JSON body.
 */

export const SESSION_COOKIE = 'berth_session';
export const CSRF_HEADER = 'x-berth-csrf';

/** 32 random bytes, base64url: the token printed in the URL, and the CSRF secret. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time (through digests, so lengths leak nothing either). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface RequestHeaders {
  readonly host?: string;
  readonly origin?: string;
  readonly authorization?: string;
  readonly cookie?: string;
  readonly 'content-type'?: string;
  readonly [CSRF_HEADER]?: string;
}

/** What a refused request gets: the HTTP status and one sentence. */
export interface Refusal {
  readonly status: 401 | 403 | 415;
  readonly message: string;
  readonly hint?: string;
}

/** `Cookie: a=1; berth_session=xyz` → `xyz`. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token a request carries: the Bearer header wins over the cookie. */
export function tokenOf(headers: RequestHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  return cookieValue(headers.cookie, SESSION_COOKIE);
}

/**
 * The Host header must name the address the server listens on: a page of another site that rebinds its DNS name to
 * 127.0.0.1 sends its own name as Host, and is refused even though it reached the port.
 */
export function checkHost(host: string | undefined, allowedHosts: readonly string[]): Refusal | undefined {
  if (host !== undefined && allowedHosts.includes(host.toLowerCase())) return undefined;
  return { status: 403, message: `Host header '${host ?? ''}' is not the console's address`, hint: `open ${allowedHosts[0] ? `http://${allowedHosts[0]}/` : 'the printed URL'}` };
}

/** A request with an Origin header (every cross-site fetch and form post has one) must come from the console itself. */
export function checkOrigin(origin: string | undefined, allowedHosts: readonly string[]): Refusal | undefined {
  if (origin === undefined) return undefined;
  if (allowedHosts.some((h) => origin.toLowerCase() === `http://${h}`)) return undefined;
  return { status: 403, message: `requests from origin '${origin}' are refused: only the console's own pages may call its API` };
}

export function checkToken(headers: RequestHeaders, token: string): Refusal | undefined {
  if (sameSecret(tokenOf(headers), token)) return undefined;
  return {
    status: 401,
    message: 'no valid session token',
    hint: 'open the URL berth ui printed (with ?token=...), or send Authorization: Bearer <token>',
  };
}

/** A mutation carries the CSRF secret of GET /api/session and a JSON body (a cross-site form can send neither). */
export function checkMutation(headers: RequestHeaders, csrf: string): Refusal | undefined {
  if (!sameSecret(headers[CSRF_HEADER], csrf)) {
    return { status: 403, message: `missing or wrong ${CSRF_HEADER} header`, hint: 'send the csrf value of GET /api/session in the X-Berth-CSRF header' };
  }
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, message: `a POST needs Content-Type: application/json, got '${headers['content-type'] ?? ''}'` };
  }
  return undefined;
}

/**
 * Host header values that name this server: `127.0.0.1:<port>` and `localhost:<port>`, plus the `--listen` address;
 * for a wildcard one (`0.0.0.0`, `::`) the addresses of this machine's interfaces (`interfaces`), never any name.
 */
export function allowedHosts(listen: string, port: number, interfaces: readonly string[] = []): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const wildcard = listen === '0.0.0.0' || listen === '::';
  for (const address of wildcard ? interfaces : [listen]) {
    const own = (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`).toLowerCase();
    if (!hosts.includes(own)) hosts.push(own);
  }
  return hosts;
}
