import { homedir } from 'node:os';
import { join } from 'node:path';
import { COMPONENTS, type Component } from './versions.js';

/**
 * Everything the local control plane keeps lives outside the repository, under
 * `${XDG_CACHE_HOME:-~/.cache}/berth/`: built binaries in `cluster/<component>-<version>/bin/<binary>`
 * (shared by every checkout and every CI run on the machine) and the clusters' state in `kwok/`.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.trim() !== '' ? xdg : join(homedir(), '.cache'), 'berth');
}

export function componentBinDir(component: Component, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'cluster', `${component.name}-${component.version}`, 'bin');
}

/** Absolute path of a pinned binary in the cache (it may not be built yet). */
export function binaryPath(binary: string, env: NodeJS.ProcessEnv = process.env): string {
  const component = COMPONENTS.find((c) => c.binaries.includes(binary));
  if (!component) throw new Error(`unknown control-plane binary '${binary}'`);
  return join(componentBinDir(component, env), binary);
}

/** kwokctl's work directory (KWOK_WORKDIR): one sub-directory per cluster under `clusters/`. */
export function kwokWorkdir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'kwok');
}

export function clusterDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(kwokWorkdir(env), 'clusters', name);
}

/** The kubeconfig kwokctl writes for the host (admin client certificate, https://127.0.0.1:<port>). */
export function kubeconfigPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(clusterDir(name, env), 'kubeconfig.yaml');
}

/**
 * The files kwok serves as container logs (kwok-config.ts clusterLogs). Beside, not inside, the cluster's
 * directory: kwokctl creates that one and a directory left before `create` counts as a half-created cluster.
 */
export function containerLogFiles(name: string, env: NodeJS.ProcessEnv = process.env): { current: string; previous: string } {
  const dir = join(kwokWorkdir(env), 'pod-logs', name);
  return { current: join(dir, 'containers.log'), previous: join(dir, 'previous.log') };
}
