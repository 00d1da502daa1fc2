import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { BerthError, ClusterError, UserError } from '../errors.js';
import type { ApiError } from './api-types.js';
import { HttpError } from './http-error.js';
import { routes, type Handler, type RouteContext } from './routes.js';
import { allowedHosts, checkHost, checkMutation, checkOrigin, checkToken, newSecret, SESSION_COOKIE, tokenOf, type Refusal, type RequestHeaders } from './security.js';
import { UiState, type UiOptions } from './state.js';

/**
 * `berth ui`'s HTTP server (node:http, no framework: a dozen routes and a static directory do not need one). Every
 * request passes the Host and Origin checks; `/api/` and the static files need the session token; POSTs the CSRF
 * header and a JSON body. Errors are `{ error: ApiError }`, never a stack.
 */

export interface ServerOptions extends UiOptions {
  /** 0: a free port. */
  readonly port: number;
  /** @default 127.0.0.1 */
  readonly listen?: string;
  /** The built console (`npm run build:web`). */
  readonly webDir: string;
}

export interface RunningServer {
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:PORT/?token=...` */
  readonly url: string;
  readonly webMissing: boolean;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // The first request carries the token in its URL: no page may pass it on as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'Cache-Control': 'no-store',
};

/** The error answer of a failure: the status from its kind, a BerthError's message and hint as they are. */
export function apiErrorOf(err: unknown): { status: number; body: { error: ApiError } } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.error } };
  if (err instanceof UserError) {
    // The stores' "not found" refusals are UserErrors (the CLI exits 1 for both); the API tells them apart.
    const notFound = / not found in namespace |has no revision \d+|^no application '/.test(err.message);
    return { status: notFound ? 404 : 400, body: { error: { message: err.message, ...(err.hint ? { hint: err.hint } : {}) } } };
  }
  if (err instanceof ClusterError) {
    const status = err.status === 403 || err.status === 404 || err.status === 409 ? err.status : err.status === 401 ? 403 : 500;
    return { status, body: { error: { message: err.message, ...(err.hint ? { hint: err.hint } : {}) } } };
  }
  if (err instanceof BerthError) return { status: 500, body: { error: { message: err.message, ...(err.hint ? { hint: err.hint } : {}) } } };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { message: `internal error: ${message}`, hint: 'this is a bug in Berth; the server log has the details' } } };
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function refuse(res: ServerResponse, r: Refusal, html: boolean): void {
  if (html) return send(res, r.status, page('Berth console', `${escapeHtml(r.message)}${r.hint ? `<br>${escapeHtml(r.hint)}` : ''}`), 'text/html; charset=utf-8');
  sendJson(res, r.status, { error: { message: r.message, ...(r.hint ? { hint: r.hint } : {}) } });
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(400, { message: `the request body is larger than ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, { message: `the request body is not JSON: ${(err as Error).message}` });
  }
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = newSecret();
  const csrf = newSecret();
  const listen = options.listen ?? '127.0.0.1';
  const state = new UiState(options, csrf);
  const webMissing = !existsSync(join(options.webDir, 'index.html'));
  let hosts: string[] = [];
  const streams = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = req.headers as RequestHeaders;
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const api = url.pathname.startsWith('/api/');
    const hostRefusal = checkHost(headers.host, hosts) ?? checkOrigin(headers.origin, hosts);
    if (hostRefusal) return refuse(res, hostRefusal, !api);
    if (!api) return serveStatic(req, res, url);
    const tokenRefusal = checkToken(headers, token);
    if (tokenRefusal) return refuse(res, tokenRefusal, false);
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    if (!match) {
      const other = routes.some((r) => r.pattern.test(url.pathname));
      return other
        ? sendJson(res, 405, { error: { message: `${method} is not allowed on ${url.pathname}` } })
        : sendJson(res, 404, { error: { message: `no API route ${url.pathname}`, hint: 'src/ui/api-types.ts lists the routes' } });
    }
    if (method === 'POST') {
      const refusal = checkMutation(headers, csrf);
      if (refusal) return refuse(res, refusal, false);
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const ctx: RouteContext = {
      params: match.params,
      query: url.searchParams,
      body: method === 'POST' ? await readJson(req) : undefined,
      state,
      signal: controller.signal,
      stream: (event, data) => {
        if (!res.headersSent) {
          res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
          streams.add(res);
          res.on('close', () => streams.delete(res));
        }
        if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
    };
    const result = await match.handler(ctx);
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    sendJson(res, 200, result);
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const headers = req.headers as RequestHeaders;
    const given = url.searchParams.get('token');
    if (given !== null) {
      const refusal = checkToken({ authorization: `Bearer ${given}` }, token);
      if (refusal) return refuse(res, refusal, true);
      url.searchParams.delete('token');
      // The cookie is the session from now on; the URL loses the token so it stays out of history and bookmarks.
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
        'Content-Length': '0',
      });
      return res.end();
    }
    // Every file needs the session, the built scripts too: no exception to get wrong, and a page of another local
    // user learns nothing about which console runs here.
    if (!tokenOf(headers) || checkToken(headers, token)) {
      return refuse(res, { status: 401, message: 'this console needs its session token', hint: 'open the URL that berth ui printed (it ends in ?token=...)' }, true);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
    if (webMissing) {
      return send(res, 200, page('Berth console', 'The web console is not built: run <code>npm run build:web</code> in the Berth checkout, then start <code>berth ui</code> again. The JSON API under /api/ works without it.'), 'text/html; charset=utf-8');
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'bad path\n', 'text/plain; charset=utf-8');
    }
    let path = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(options.webDir, path);
    if (!file.startsWith(options.webDir + sep) && file !== options.webDir) return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
    if (!existsSync(file) || !statSync(file).isFile()) {
      // A page of the single-page app (`/releases/dev/shop`): index.html routes it. A missing asset is a 404.
      if (extname(path) !== '') return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
      path = 'index.html';
      file = join(options.webDir, path);
    }
    const immutable = path.startsWith('assets/');
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(statSync(file).size),
      // Vite names assets by content hash: they never change; index.html always may.
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const { status, body } = apiErrorOf(err);
      if (status === 500 && !(err instanceof BerthError) && process.env.BERTH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      if (!res.headersSent) return sendJson(res, status, body);
      // An event stream that failed after it started: its last event says why.
      if (!res.writableEnded) res.end(`event: error\ndata: ${JSON.stringify(body.error)}\n\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UserError(`port ${options.port} on ${listen} is in use`, { hint: 'pick another with --port, or --port 0 for a free one' }) : err),
    );
    server.listen(options.port, listen, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  hosts = allowedHosts(listen, port, Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
  const pings = setInterval(() => {
    for (const s of streams) s.write('event: ping\ndata: {}\n\n');
  }, 15_000);
  return {
    port,
    token,
    url: `http://${listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen}:${port}/?token=${token}`,
    webMissing,
    close: async () => {
      clearInterval(pings);
      state.shutdown.abort(new Error('the console stopped'));
      await state.operations.settled();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matchRoute(method: string, path: string): { handler: Handler; params: string[] } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { handler: r.handler, params: m.slice(1).map(decodeSegment) };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, { message: `the path segment '${segment}' is not valid percent-encoding` });
  }
}
