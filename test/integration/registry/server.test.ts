import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from '../../../src/util/process.js';
import { freePort, startVerdaccio, type TestRegistry } from './verdaccio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function berth(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'berth.cjs'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
}

describe('the local registry (a real Verdaccio)', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startVerdaccio();
  }, 180_000);
  afterAll(async () => {
    await reg?.stop();
  });

  it('listens on 127.0.0.1 only and answers ping', async () => {
    expect(reg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${reg.url}-/ping`)).status).toBe(200);
    const port = new URL(reg.url).port;
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      await expect(fetch(`http://${external.address}:${port}/-/ping`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    }
    expect(readFileSync(join(reg.home, 'config.yaml'), 'utf8')).toContain(`listen: 127.0.0.1:${port}`);
  });

  it('knows the owner by the token, refuses self-signup and refuses a publish without a token', async () => {
    const who = await fetch(`${reg.url}-/whoami`, { headers: { authorization: `Bearer ${reg.token}` } });
    expect(await who.json()).toEqual({ username: reg.user });
    const signup = await fetch(`${reg.url}-/user/org.couchdb.user:mallory`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mallory', password: 'long-enough-password' }),
    });
    expect(signup.status).toBe(409);
    expect(await signup.json()).toEqual({ error: 'user registration disabled' });
    const publish = await fetch(`${reg.url}@test%2fnobody`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '@test/nobody', versions: {} }),
    });
    expect(publish.status).toBe(401);
  });

  it('keeps the token only in a 0600 file and no password anywhere in its home', () => {
    expect(statSync(join(reg.home, 'owner.token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(reg.home, 'htpasswd'), 'utf8')).toMatch(new RegExp(`^${reg.user}:\\$2[aby]\\$10\\$`));
    expect(readFileSync(reg.npmrcPath, 'utf8')).toContain(`//${new URL(reg.url).host}/:_authToken=${reg.token}`);
  });
});

describe('berth registry up|status|login|down (CLI)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let port: number;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'berth-registry-cli-'));
    env = { BERTH_REGISTRY_HOME: home };
    port = await freePort();
  });
  afterAll(() => {
    berth(env, 'registry', 'down');
    rmSync(home, { recursive: true, force: true });
  });

  it('starts, reports, reuses, writes .npmrc lines without printing the token, and stops by the recorded pid', () => {
    const up = berth(env, 'registry', 'up', '--port', String(port));
    expect(up.stderr).toContain(`registry ready in`);
    expect(up.status).toBe(0);
    expect(up.stdout).toBe(`@berth:registry=http://127.0.0.1:${port}/\n//127.0.0.1:${port}/:_authToken=(hidden; berth registry login writes it)\n`);

    const status = berth(env, 'registry', 'status', '-o', 'json');
    expect(status.status).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ state: 'running', url: `http://127.0.0.1:${port}/`, port, version: '6.8.0', installed: true, home, packages: [] });
    expect(pidAlive(s.pid)).toBe(true);

    const again = berth(env, 'registry', 'up', '-o', 'json');
    expect(JSON.parse(again.stdout)).toMatchObject({ reused: true, pid: s.pid });

    const other = berth(env, 'registry', 'up', '--port', String(port + 1));
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`error: the local registry already runs on port ${port} (pid ${s.pid}), not ${port + 1}`);

    const npmrc = join(home, 'project.npmrc');
    writeFileSync(npmrc, 'fund=false\n@acme:registry=http://old.example/\n');
    const login = berth(env, 'registry', 'login', '--scope', '@acme', '--scope', 'berth', '--npmrc', npmrc);
    expect(login.status).toBe(0);
    const token = readFileSync(join(home, 'owner.token'), 'utf8').trim();
    expect(login.stderr).toContain(`//127.0.0.1:${port}/:_authToken=(hidden)`);
    expect(login.stderr + login.stdout).not.toContain(token);
    expect(readFileSync(npmrc, 'utf8')).toBe(
      `fund=false\n@acme:registry=http://127.0.0.1:${port}/\n@berth:registry=http://127.0.0.1:${port}/\n//127.0.0.1:${port}/:_authToken=${token}\n`,
    );
    expect(statSync(npmrc).mode & 0o777).toBe(0o600);

    const badScope = berth(env, 'registry', 'login', '--scope', '@Not Valid', '--npmrc', npmrc);
    expect(badScope.status).toBe(1);
    expect(badScope.stderr).toContain("error: '@Not Valid' is not an npm scope");

    const down = berth(env, 'registry', 'down');
    expect(down.status).toBe(0);
    expect(down.stderr).toContain(`registry stopped (pid ${s.pid})`);
    expect(pidAlive(s.pid)).toBe(false);
    expect(existsSync(join(home, 'server.json'))).toBe(false);
    const after = berth(env, 'registry', 'status');
    expect(after.status).toBe(1);
    expect(after.stderr).toContain('the local registry is not running; start it with: berth registry up');
  }, 180_000);

  it('refuses a port another process holds, naming the port and another to use', async () => {
    const busy = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(busy, '127.0.0.1', resolve));
    try {
      const up = berth({ BERTH_REGISTRY_HOME: join(home, 'busy') }, 'registry', 'up', '--port', String(busy));
      expect(up.status).toBe(1);
      expect(up.stderr).toContain(`error: cannot start the local registry: 127.0.0.1:${busy} is in use by another process`);
      expect(up.stderr).toContain(`hint: choose another port: berth registry up --port ${busy + 1}`);
    } finally {
      server.close();
    }
  }, 120_000);
});

describe('berth registry up: bad ports', () => {
  it.each([
    ['22', "error: option '--port <port>' argument '22' is invalid. --port must be a whole number >= 1024"],
    ['70000', "error: --port must be a whole number from 1024 to 65535, got '70000'"],
    ['6000', 'error: --port 6000 is one that HTTP clients (fetch, browsers) refuse to connect to'],
  ])('refuses --port %s before starting anything', (port, message) => {
    const res = berth({ BERTH_REGISTRY_HOME: join(tmpdir(), 'berth-registry-never-created') }, 'registry', 'up', '--port', port);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(message);
    expect(existsSync(join(tmpdir(), 'berth-registry-never-created'))).toBe(false);
  });
});
