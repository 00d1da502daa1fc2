import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import { pidAlive, sleep } from '../util/process.js';
import { toYaml } from '../util/yaml.js';
import { ensureBinaries, formatSeconds } from './build.js';
import { execFile, tailLines, type ExecResult } from './exec.js';
import { initialContainerLogs, kwokConfigYaml, storageClassManifest } from './kwok-config.js';
import { binaryPath, cacheRoot, clusterDir, containerLogFiles, kubeconfigPath, kwokWorkdir } from './paths.js';
import {
  CONTROL_PLANE_COMPONENTS,
  readProcesses,
  removeStalePidFiles,
  stopProcesses,
  type ComponentProcess,
} from './processes.js';
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION } from './versions.js';

/**
 * `berth cluster up|down|status`: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kwok
 * controller as local processes on 127.0.0.1, started by `kwokctl --runtime binary` with the binaries from
 * build.ts. kwokctl writes the PKI, the kubeconfig and one pid file per component; Berth verifies every pid
 * against /proc before trusting or signalling it (processes.ts).
 */

export const DEFAULT_CLUSTER_NAME = 'berth';
export const DEFAULT_NODES = 3;

export interface ClusterOptions {
  readonly name?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly onProgress?: (line: string) => void;
}

/** The sha256 of the kwok configuration a cluster was created with, inside its directory. */
const CONFIG_DIGEST_FILE = 'berth-config.sha256';

export interface UpOptions extends ClusterOptions {
  /** Number of kwok nodes. @default 3 */
  readonly nodes?: number;
  /** How long to wait for the API server and the nodes. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * A cluster created by an earlier Berth with another kwok configuration (stages, container logs) keeps that
   * configuration while it exists. true: delete and recreate it (its objects are lost); false: reuse it and warn.
   * @default false
   */
  readonly recreateIfStale?: boolean;
}

export type ClusterState = 'running' | 'degraded' | 'stopped' | 'absent';

export interface ClusterStatus {
  readonly name: string;
  /** running: every component up and the API answering; degraded: some up; stopped: state on disk, nothing running. */
  readonly state: ClusterState;
  readonly kubeconfig: string;
  readonly server?: string;
  readonly components: readonly { component: string; pid: number; running: boolean }[];
  readonly nodes: { readonly total: number; readonly ready: number };
  readonly versions: { readonly kubernetes: string; readonly etcd: string; readonly kwok: string };
}

export interface UpResult extends ClusterStatus {
  /** True when a running cluster was reused as is. */
  readonly reused: boolean;
  /** Seconds from the start of `up` until the nodes were Ready (build time included). */
  readonly seconds: number;
  /** Seconds spent building binaries (0 when all were cached). */
  readonly buildSeconds: number;
}

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

export function validateClusterName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(`cluster name '${name}' is not valid`, {
      hint: 'use 1-40 lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. --name dev)',
    });
  }
  return name;
}

export function validateNodeCount(nodes: number): number {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 100) {
    throw new UserError(`--nodes ${nodes} is not valid`, { hint: 'give a whole number of nodes from 1 to 100 (default 3)' });
  }
  return nodes;
}

/** Environment for kwokctl: its work dir inside the Berth cache, and our kubectl first on PATH. */
function kwokEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    KWOK_WORKDIR: kwokWorkdir(env),
    PATH: [dirname(binaryPath('kubectl', env)), env.PATH ?? ''].join(delimiter),
  };
}

async function kwokctl(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<ExecResult> {
  return execFile(binaryPath('kwokctl', env), args, { env: kwokEnv(env), timeoutMs });
}

/** Runs the built kubectl against a cluster's kubeconfig. */
export async function kubectlFor(
  kubeconfig: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const env = options.env ?? process.env;
  return execFile(binaryPath('kubectl', env), ['--kubeconfig', kubeconfig, ...args], {
    env,
    input: options.input,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

function binaryRoot(env: NodeJS.ProcessEnv): string {
  return join(cacheRoot(env), 'cluster');
}

/**
 * Serialises `up` and `down` of one cluster across processes (two test runs starting at once must not both
 * create it). The lock file holds the holder's pid; a lock whose holder is gone is taken over.
 */
async function withClusterLock<T>(name: string, env: NodeJS.ProcessEnv, progress: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const lock = join(kwokWorkdir(env), 'locks', `${name}.lock`);
  mkdirSync(dirname(lock), { recursive: true });
  // A first build can hold the lock for many minutes.
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    } catch {
      continue; // released between our write and read
    }
    if (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (!announced) progress(`waiting for another berth process (pid ${holder}) working on cluster '${name}'`);
    announced = true;
    if (Date.now() > deadline) {
      throw new UserError(`cluster '${name}' is locked by process ${holder} (${lock})`, {
        hint: `wait for that process to finish, or stop it; the lock is released when it exits`,
      });
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

export async function up(options: UpOptions = {}): Promise<UpResult> {
  const env = options.env ?? process.env;
  const name = validateClusterName(options.name ?? DEFAULT_CLUSTER_NAME);
  const nodes = validateNodeCount(options.nodes ?? DEFAULT_NODES);
  return withClusterLock(name, env, (line) => options.onProgress?.(line), () => upLocked(name, nodes, options, env));
}

async function upLocked(name: string, nodes: number, options: UpOptions, env: NodeJS.ProcessEnv): Promise<UpResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const start = Date.now();
  const progress = (line: string) => options.onProgress?.(line);
  const since = () => formatSeconds((Date.now() - start) / 1000);

  const built = await ensureBinaries({ onProgress: progress, env });
  const buildSeconds = built.reduce((s, b) => s + b.seconds, 0);

  const dir = clusterDir(name, env);
  const kubeconfig = kubeconfigPath(name, env);
  const configFile = join(kwokWorkdir(env), 'configs', `${name}.yaml`);
  mkdirSync(dirname(configFile), { recursive: true });
  const logFiles = containerLogFiles(name, env);
  const configYaml = kwokConfigYaml(env, logFiles);
  writeFileSync(configFile, configYaml);
  ensureContainerLogs(logFiles);
  // kwokctl copies the configuration into the cluster at creation; the digest beside it tells whether this Berth
  // would create the same cluster.
  const digestFile = join(dir, CONFIG_DIGEST_FILE);
  const digest = sha256(configYaml);
  if (existsSync(join(dir, 'kwok.yaml')) && (existsSync(digestFile) ? readFileSync(digestFile, 'utf8').trim() : '') !== digest) {
    if (options.recreateIfStale) {
      progress(`cluster '${name}' was created with another kwok configuration (an earlier Berth): recreating it`);
      await stopProcesses(readProcesses(dir, binaryRoot(env)), binaryRoot(env));
      rmSync(dir, { recursive: true, force: true });
    } else {
      progress(
        `warning: cluster '${name}' was created with another kwok configuration (an earlier Berth), so container logs or ` +
          `failure stages may be missing; \`berth cluster down --name ${name}\` then \`berth cluster up --name ${name}\` recreates it (its objects are lost)`,
      );
    }
  }

  let reused = false;
  if (existsSync(join(dir, 'kwok.yaml'))) {
    const processes = readProcesses(dir, binaryRoot(env));
    const missing = CONTROL_PLANE_COMPONENTS.filter((c) => !processes.some((p) => p.component === c && p.running));
    if (missing.length === 0) {
      reused = true;
      progress(`cluster '${name}' is already running; reusing it`);
    } else {
      const stale = removeStalePidFiles(processes);
      if (stale.length > 0) progress(`removed stale pid files: ${stale.map((p) => `${p.component} (${p.pid})`).join(', ')}`);
      progress(`starting stopped components of cluster '${name}': ${missing.join(', ')}`);
      const res = await kwokctl(['start', 'cluster', '--name', name], env);
      if (res.code !== 0) throw startFailure(name, 'kwokctl start cluster', res, dir);
    }
  } else {
    if (existsSync(dir)) {
      // A half-created cluster (interrupted `up`): stop whatever of it runs and start over.
      await stopProcesses(readProcesses(dir, binaryRoot(env)), binaryRoot(env));
      rmSync(dir, { recursive: true, force: true });
    }
    progress(`starting control plane '${name}' (etcd ${ETCD_VERSION}, Kubernetes ${KUBERNETES_VERSION}, kwok ${KWOK_VERSION})`);
    const res = await kwokctl(
      ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', '', '--timeout', '3m'],
      env,
    );
    if (res.code !== 0) throw startFailure(name, 'kwokctl create cluster', res, dir);
    writeFileSync(digestFile, `${digest}\n`);
  }

  await waitFor(`the API server of cluster '${name}' to be ready`, timeoutMs, dir, async () => {
    const res = await kubectlFor(kubeconfig, ['get', '--raw', '/readyz'], { env, timeoutMs: 5_000 });
    return res.code === 0;
  });
  progress(`API server ready (${since()})`);

  const sc = await kubectlFor(kubeconfig, ['apply', '-f', '-'], { env, input: toYaml(storageClassManifest()) });
  if (sc.code !== 0) throw new UserError(`creating the default StorageClass failed: ${sc.stderr.trim()}`);

  const current = await nodeCounts(kubeconfig, env);
  if (current.total !== nodes) {
    progress(`scaling to ${nodes} node${nodes === 1 ? '' : 's'}`);
    const res = await kwokctl(['scale', 'node', '--name', name, '--replicas', String(nodes)], env, 60_000);
    if (res.code !== 0) throw startFailure(name, 'kwokctl scale node', res, dir);
  }
  await waitFor(`${nodes} nodes of cluster '${name}' to be Ready`, timeoutMs, dir, async () => {
    const n = await nodeCounts(kubeconfig, env);
    return n.total === nodes && n.ready === nodes;
  });
  progress(`${nodes} node${nodes === 1 ? '' : 's'} Ready (${since()})`);

  const status = await clusterStatus({ name, env });
  return { ...status, reused, seconds: (Date.now() - start) / 1000, buildSeconds };
}

/** kwok fails every log request of a cluster whose log files are missing, so they are (re)created on each `up`. */
function ensureContainerLogs(files: { current: string; previous: string }): void {
  mkdirSync(dirname(files.current), { recursive: true });
  const initial = initialContainerLogs(files);
  if (!existsSync(files.current)) writeFileSync(files.current, initial.current);
  if (!existsSync(files.previous)) writeFileSync(files.previous, initial.previous);
}

export interface DownResult {
  readonly name: string;
  /** Components that were running and were stopped. */
  readonly stopped: readonly { component: string; pid: number }[];
  /** False when there was no such cluster. */
  readonly existed: boolean;
}

/**
 * Stops exactly the processes recorded for the cluster (verified pids only) and deletes its state (etcd
 * data, PKI, logs), so the next `up` starts clean. The built binaries stay cached.
 */
export async function down(options: ClusterOptions = {}): Promise<DownResult> {
  const env = options.env ?? process.env;
  const name = validateClusterName(options.name ?? DEFAULT_CLUSTER_NAME);
  return withClusterLock(name, env, (line) => options.onProgress?.(line), () => downLocked(name, env));
}

async function downLocked(name: string, env: NodeJS.ProcessEnv): Promise<DownResult> {
  const dir = clusterDir(name, env);
  if (!existsSync(dir)) return { name, stopped: [], existed: false };
  const stopped = await stopProcesses(readProcesses(dir, binaryRoot(env)), binaryRoot(env));
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(kwokWorkdir(env), 'configs', `${name}.yaml`), { force: true });
  rmSync(dirname(containerLogFiles(name, env).current), { recursive: true, force: true });
  return { name, stopped: stopped.map((p) => ({ component: p.component, pid: p.pid })), existed: true };
}

export async function clusterStatus(options: ClusterOptions = {}): Promise<ClusterStatus> {
  const env = options.env ?? process.env;
  const name = validateClusterName(options.name ?? DEFAULT_CLUSTER_NAME);
  const dir = clusterDir(name, env);
  const kubeconfig = kubeconfigPath(name, env);
  const versions = { kubernetes: KUBERNETES_VERSION, etcd: ETCD_VERSION, kwok: KWOK_VERSION };
  if (!existsSync(join(dir, 'kwok.yaml'))) {
    return { name, state: 'absent', kubeconfig, components: [], nodes: { total: 0, ready: 0 }, versions };
  }
  const processes: ComponentProcess[] = readProcesses(dir, binaryRoot(env));
  const components = CONTROL_PLANE_COMPONENTS.map((component) => {
    const p = processes.find((x) => x.component === component);
    return { component, pid: p?.pid ?? 0, running: p?.running ?? false };
  });
  const running = components.filter((c) => c.running).length;
  const server = existsSync(kubeconfig) ? serverOf(readFileSync(kubeconfig, 'utf8')) : undefined;
  let nodes = { total: 0, ready: 0 };
  let apiOk = false;
  if (components.find((c) => c.component === 'kube-apiserver')?.running) {
    const res = await kubectlFor(kubeconfig, ['get', '--raw', '/readyz'], { env, timeoutMs: 5_000 });
    apiOk = res.code === 0;
    if (apiOk) nodes = await nodeCounts(kubeconfig, env);
  }
  const state: ClusterState =
    running === components.length && apiOk ? 'running' : running === 0 ? 'stopped' : 'degraded';
  return { name, state, kubeconfig, ...(server ? { server } : {}), components, nodes, versions };
}

export function serverOf(kubeconfigYaml: string): string | undefined {
  return /^\s*server:\s*(\S+)/m.exec(kubeconfigYaml)?.[1];
}

interface NodeList {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

export async function nodeCounts(kubeconfig: string, env: NodeJS.ProcessEnv): Promise<{ total: number; ready: number }> {
  const res = await kubectlFor(kubeconfig, ['get', 'nodes', '-o', 'json'], { env, timeoutMs: 10_000 });
  if (res.code !== 0) return { total: 0, ready: 0 };
  const list = JSON.parse(res.stdout) as NodeList;
  const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  return { total: list.items.length, ready };
}

async function waitFor(what: string, timeoutMs: number, dir: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new UserError(`timed out after ${formatSeconds(timeoutMs / 1000)} waiting for ${what}`, {
    hint: `the component logs are in ${join(dir, 'logs')}; \`berth cluster down\` and \`berth cluster up\` start over`,
  });
}

function startFailure(name: string, step: string, res: ExecResult, dir: string): UserError {
  const logs = join(dir, 'logs');
  const logTails = existsSync(logs)
    ? readdirSync(logs)
        .filter((f) => f.endsWith('.log'))
        .map((f) => `--- ${f}\n${tailLines(readFileSync(join(logs, f), 'utf8'), 5)}`)
        .join('\n')
    : '';
  return new UserError(
    `starting cluster '${name}' failed (${step} exited with ${res.code}):\n${tailLines(res.stderr + res.stdout, 20)}${logTails ? `\n${logTails}` : ''}`,
    { hint: `the component logs are in ${logs}; \`berth cluster down --name ${name}\` removes the half-started cluster` },
  );
}
