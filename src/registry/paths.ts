import { join } from 'node:path';
import { cacheRoot } from '../cluster/paths.js';

/**
 * Where the local registry keeps its state: `${XDG_CACHE_HOME:-~/.cache}/berth/registry/` (the control plane's cache
 * root, src/cluster/paths.ts), or `$BERTH_REGISTRY_HOME`. Tests use a home of their own each and share the installed
 * Verdaccio (`app`), which stays in the cache root.
 */
export function registryHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.BERTH_REGISTRY_HOME;
  return home && home.trim() !== '' ? home : join(cacheRoot(env), 'registry');
}

/** Verdaccio installed by `npm ci` from registry/verdaccio/ (shared by every registry home). */
export function verdaccioAppDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'registry', 'app');
}

/** Package documents (packuments) and search answers cached by ETag. */
export function packumentCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'registry-cache');
}

export interface RegistryFiles {
  readonly home: string;
  readonly config: string;
  readonly storage: string;
  readonly htpasswd: string;
  /** pid, port and start time of the running server. */
  readonly state: string;
  /** The owner's auth token (mode 0600), as npm keeps one in ~/.npmrc. */
  readonly token: string;
  readonly log: string;
}

export function registryFiles(home: string): RegistryFiles {
  return {
    home,
    config: join(home, 'config.yaml'),
    storage: join(home, 'storage'),
    htpasswd: join(home, 'htpasswd'),
    state: join(home, 'server.json'),
    token: join(home, 'owner.token'),
    log: join(home, 'verdaccio.log'),
  };
}
