import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../src/ui/server.js';

/** The server's static half and its checks over real HTTP; no route here reaches a cluster. */

let web: string;
let server: RunningServer;
let missing: RunningServer;

beforeAll(async () => {
  web = mkdtempSync(join(tmpdir(), 'berth-ui-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(web, 'assets', 'app-1a2b.js'), 'console.log(1)');
  const options = { version: 'test', root: web, kubeconfig: join(web, 'no-kubeconfig') };
  server = await startServer({ ...options, port: 0, webDir: web });
  missing = await startServer({ ...options, port: 0, webDir: join(web, 'nothing') });
});

afterAll(async () => {
  await server.close();
  await missing.close();
  rmSync(web, { recursive: true, force: true });
});

/** A raw request (fetch cannot set Host); returns status, headers and body. */
function get(s: RunningServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path, headers: { Host: `127.0.0.1:${s.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const session = (s: RunningServer) => ({ Cookie: `berth_session=${s.token}` });

describe('berth ui static files', () => {
  it('prints a URL with a 43-character token on 127.0.0.1', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a page and an asset without the session with 401', async () => {
    expect((await get(server, '/')).status).toBe(401);
    expect((await get(server, '/assets/app-1a2b.js')).status).toBe(401);
  });

  it('serves the page and hashed assets with the session, assets cached, the page not', async () => {
    const page = await get(server, '/', session(server));
    expect(page).toMatchObject({ status: 200, body: '<!doctype html><title>console</title>' });
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const asset = await get(server, '/assets/app-1a2b.js', session(server));
    expect(asset).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('private, max-age=31536000, immutable');
  });

  it('answers a page of the app with index.html, a missing asset with 404, and never leaves the directory', async () => {
    expect((await get(server, '/releases/dev/shop', session(server))).body).toContain('<title>console</title>');
    expect((await get(server, '/assets/gone.js', session(server))).status).toBe(404);
    expect((await get(server, '/%E0%A4%A', session(server))).status).toBe(400);
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const res = await get(server, path, session(server));
      expect(res.body).not.toContain('root:');
    }
  });

  it('refuses a foreign Host header even with the session', async () => {
    const res = await get(server, '/', { ...session(server), Host: 'rebind.example' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('Host header');
  });

  it('says to run npm run build:web when the console is not built', async () => {
    expect(missing.webMissing).toBe(true);
    const res = await get(missing, '/', session(missing));
    expect(res.status).toBe(200);
    expect(res.body).toContain('npm run build:web');
  });

  it('answers an unknown API route with a JSON 404 and a known one with the wrong method with 405', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const unknown = await get(server, '/api/nothing', auth);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toBe('no API route /api/nothing');
    expect((await get(server, '/api/deploy', auth)).status).toBe(405);
    const bad = await get(server, '/api/releases/%E0%A4%A/shop', auth);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe("the path segment '%E0%A4%A' is not valid percent-encoding");
  });

  it("answers a kubeconfig problem as the CLI's message in JSON, not a stack", async () => {
    const res = await get(server, '/api/releases', { Authorization: `Bearer ${server.token}` });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toBe(`kubeconfig ${join(web, 'no-kubeconfig')} does not exist`);
  });
});
