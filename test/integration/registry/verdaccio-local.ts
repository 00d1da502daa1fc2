/**
 * A real Verdaccio 6.8.0 for tests on 127.0.0.1 with its own temp storage, htpasswd auth and a test user (the
 * registry engineer's `verdaccio.ts` does the same for `berth registry up`; the lead makes one serve both).
 * Verdaccio is installed once into `~/.cache/berth/reg-deploy-verdaccio/app` with the npm `overrides` entry pinning
 * node-fetch 2.7.0, which Verdaccio 6.8.0 needs on Node 20. Stopped by its recorded pid.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from '../../../src/cluster/exec.js';
import { cacheRoot } from '../../../src/cluster/paths.js';

export interface TestRegistry {
  readonly url: string;
  readonly token: string;
  /** A user config (`NPM_CONFIG_USERCONFIG`) with `registry=` and the token. */
  readonly npmrcPath: string;
  /** Verdaccio's storage directory (tarballs under `<storage>/<scope>/<name>/`). */
  readonly storage: string;
  stop(): Promise<void>;
}

const APP_DIR = join(cacheRoot(), 'reg-deploy-verdaccio', 'app');
const BIN = join(APP_DIR, 'node_modules', 'verdaccio', 'bin', 'verdaccio');

async function installVerdaccio(): Promise<void> {
  if (existsSync(BIN)) return;
  mkdirSync(APP_DIR, { recursive: true });
  writeFileSync(
    join(APP_DIR, 'package.json'),
    JSON.stringify({ name: 'berth-test-verdaccio', version: '1.0.0', private: true, dependencies: { verdaccio: '6.8.0' }, overrides: { 'node-fetch': '2.7.0' } }, null, 2),
  );
  const res = await execFile('npm', ['install', '--prefix', APP_DIR, '--no-audit', '--no-fund', '--prefer-offline'], { timeoutMs: 300_000 });
  if (res.code !== 0 || !existsSync(BIN)) throw new Error(`installing verdaccio 6.8.0 failed: ${res.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts Verdaccio and registers user `tester`; everything needs a login (so a bad token is refused). */
export async function startVerdaccio(): Promise<TestRegistry> {
  await installVerdaccio();
  const dir = mkdtempSync(join(tmpdir(), 'berth-verdaccio-'));
  const storage = join(dir, 'storage');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${storage}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 100',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $authenticated',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const out = openSync(join(dir, 'verdaccio.log'), 'a');
  const child = spawn(process.execPath, [BIN, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', out, out], detached: false });
  const pid = child.pid!;
  const stop = async () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await fetch(`${url}-/ping`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`verdaccio did not start: ${readFileSync(join(dir, 'verdaccio.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`${url}-/user/org.couchdb.user:tester`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tester', password: 'tester-password-1' }),
    });
    if (!res.ok) throw new Error(`adding the test user failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { token: string }).token;
    const npmrcPath = join(dir, 'npmrc');
    writeFileSync(npmrcPath, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, token, npmrcPath, storage, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
