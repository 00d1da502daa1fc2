/**
 * A real Verdaccio for integration tests: `berth registry up` (src/registry/server.ts) with a home of its own (config,
 * storage, htpasswd in a temp directory) on a free port of 127.0.0.1. The Verdaccio install in
 * ~/.cache/berth/registry/app is shared (installed on first use, ~10 s).
 *
 *   const reg = await startVerdaccio();              // { url, token, npmrcPath, home, storage, stop }
 *   ... npm / berth with NPM_CONFIG_USERCONFIG=reg.npmrcPath, or copy reg.npmrcPath into a project ...
 *   await reg.stop();                                 // stops it by its recorded pid and removes the home
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerToken, registryDown, registryUp } from '../../../src/registry/server.js';

export interface TestRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** The test user's (the owner's) auth token. */
  readonly token: string;
  /** An .npmrc with `<scope>:registry=<url>` for each scope and the token line. */
  readonly npmrcPath: string;
  /** The registry's state directory (BERTH_REGISTRY_HOME for CLI runs against it). */
  readonly home: string;
  /** Verdaccio's storage: `<storage>/@scope/name/<name>-<version>.tgz` and package.json. */
  readonly storage: string;
  readonly user: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Scopes whose `@scope:registry=` line the .npmrc gets. @default ['@berth', '@test'] */
  readonly scopes?: readonly string[];
  /** Also `registry=<url>`: every package from this registry. @default false */
  readonly defaultRegistry?: boolean;
  /** Reading needs the token too (a bad token is refused on every request). @default false */
  readonly privateReads?: boolean;
}

export async function startVerdaccio(options: StartOptions = {}): Promise<TestRegistry> {
  const home = mkdtempSync(join(tmpdir(), 'berth-verdaccio-'));
  const scopes = options.scopes ?? ['@berth', '@test'];
  try {
    const up = await registryUp({ home, port: await freePort(), privateReads: options.privateReads });
    const { token, user } = await ownerToken({ home });
    const npmrcPath = join(home, 'test.npmrc');
    const host = new URL(up.url).host;
    const lines = [...(options.defaultRegistry ? [`registry=${up.url}`] : []), ...scopes.map((s) => `${s}:registry=${up.url}`), `//${host}/:_authToken=${token}`];
    writeFileSync(npmrcPath, `${lines.join('\n')}\n`, { mode: 0o600 });
    return {
      url: up.url,
      token,
      npmrcPath,
      home,
      storage: up.storage,
      user,
      async stop() {
        await registryDown({ home });
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await registryDown({ home }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}
