import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { cacheRoot, componentBinDir } from './paths.js';
import { pidAlive } from '../util/process.js';
import {
  COMPONENTS,
  ETCD_VERSION,
  KUBERNETES_STAGING_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  type Component,
} from './versions.js';

/**
 * Builds the pinned control-plane binaries from the Go module proxy into the cache (paths.ts) and never
 * rebuilds what is there. A binary is written as `<name>.tmp-<pid>` and renamed into place, so an
 * interrupted or concurrent build never leaves a half-written file under the final name.
 */

export interface BuildOptions {
  /** One line per event: which binary, and how long it took. */
  readonly onProgress?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** How often a long build prints that it is still running. @default 30000 */
  readonly heartbeatMs?: number;
}

export interface BuiltBinary {
  readonly binary: string;
  readonly component: string;
  readonly version: string;
  readonly path: string;
  /** True when it was already in the cache. */
  readonly cached: boolean;
  /** Wall-clock build time; 0 when cached. */
  readonly seconds: number;
}

/** Oldest Go that builds Kubernetes v1.34 (its go.mod says `go 1.24.0`). */
export const MIN_GO_MINOR = 24;
const TAIL_LINES = 30;

/** Makes sure every pinned binary is in the cache, building the missing ones. Returns all of them. */
export async function ensureBinaries(options: BuildOptions = {}): Promise<BuiltBinary[]> {
  const env = options.env ?? process.env;
  const missing = COMPONENTS.flatMap((c) => c.binaries.filter((b) => !isExecutable(join(componentBinDir(c, env), b))));
  if (missing.length > 0) await checkGo(env);
  const result: BuiltBinary[] = [];
  for (const component of COMPONENTS) {
    const todo = component.binaries.filter((b) => missing.includes(b));
    const built = todo.length === 0 ? new Map<string, number>() : await buildComponent(component, todo, options, env);
    for (const binary of component.binaries) {
      result.push({
        binary,
        component: component.name,
        version: component.version,
        path: join(componentBinDir(component, env), binary),
        cached: !built.has(binary),
        seconds: built.get(binary) ?? 0,
      });
    }
  }
  return result;
}

export function missingBinaries(env: NodeJS.ProcessEnv = process.env): string[] {
  return COMPONENTS.flatMap((c) => c.binaries.filter((b) => !isExecutable(join(componentBinDir(c, env), b))));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Parses `go version` output (`go version go1.26.8 linux/amd64`) into [major, minor]. */
export function parseGoVersion(output: string): [number, number] | undefined {
  const m = /go version go(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

async function checkGo(env: NodeJS.ProcessEnv): Promise<void> {
  let out: RunResult;
  try {
    out = await run('go', ['version'], { env: goEnv(env) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError('building the local control plane needs Go, and `go` is not on PATH', {
        hint: `install Go 1.${MIN_GO_MINOR} or newer (https://go.dev/dl/) and run the command again; the binaries are built once into ${join(cacheRoot(env), 'cluster')}`,
      });
    }
    throw err;
  }
  const version = parseGoVersion(out.output);
  if (!version || version[0] !== 1 || version[1] < MIN_GO_MINOR) {
    throw new UserError(`Go 1.${MIN_GO_MINOR} or newer is needed to build Kubernetes ${KUBERNETES_VERSION}, found: ${out.output.trim()}`, {
      hint: `install a newer Go (https://go.dev/dl/); GOTOOLCHAIN=local is used, so Go does not download a toolchain by itself`,
    });
  }
}

function goEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', ...extra };
}

async function buildComponent(
  component: Component,
  binaries: string[],
  options: BuildOptions,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, number>> {
  const binDir = componentBinDir(component, env);
  mkdirSync(binDir, { recursive: true });
  removeAbandonedTmpFiles(dirname(binDir));
  const seconds = new Map<string, number>();
  const progress = options.onProgress ?? (() => {});
  const step = async (label: string, fn: () => Promise<void>, verb = 'building', done = 'built'): Promise<number> => {
    const start = Date.now();
    progress(`${verb} ${label} ...`);
    const timer = setInterval(
      () => progress(`  still ${verb} ${label} (${formatSeconds((Date.now() - start) / 1000)})`),
      options.heartbeatMs ?? 30_000,
    );
    try {
      await fn();
    } finally {
      clearInterval(timer);
    }
    const s = (Date.now() - start) / 1000;
    progress(`${done} ${label} in ${formatSeconds(s)}`);
    return s;
  };

  if (component.name === 'kwok') {
    // kwok's go.mod has no relative replaces, so `go install pkg@version` works as is.
    const tmpBin = join(binDir, `..`, `bin.tmp-${process.pid}`);
    const s = await step(`${binaries.join(' + ')} ${KWOK_VERSION}`, async () => {
      mkdirSync(tmpBin, { recursive: true });
      await go(
        ['install', '-trimpath', '-ldflags', '-s -w', ...binaries.map((b) => `sigs.k8s.io/kwok/cmd/${b}@${KWOK_VERSION}`)],
        { cwd: tmpBin, env, extra: { GOBIN: tmpBin }, what: `${binaries.join(', ')} ${KWOK_VERSION}` },
      );
      for (const b of binaries) renameSync(join(tmpBin, b), join(binDir, b));
      rmSync(tmpBin, { recursive: true, force: true });
    });
    for (const b of binaries) seconds.set(b, s / binaries.length);
    return seconds;
  }

  const moduleDir = join(cacheRoot(env), 'cluster', 'build', `${component.name}-${component.version}`);
  mkdirSync(moduleDir, { recursive: true });
  await step(`modules of ${component.name} ${component.version} (go mod tidy)`, async () => {
    const goMod =
      component.name === 'kubernetes'
        ? kubernetesWrapperGoMod(await kubernetesStagingModules(env, moduleDir))
        : etcdWrapperGoMod();
    writeFileSync(join(moduleDir, 'go.mod'), goMod);
    writeFileSync(join(moduleDir, 'tools.go'), toolsGo(component));
    await go(['mod', 'tidy', '-e'], { cwd: moduleDir, env, what: `go mod tidy for ${component.name} ${component.version}` });
  }, 'resolving', 'resolved');

  for (const binary of binaries) {
    const out = join(binDir, binary);
    const tmp = `${out}.tmp-${process.pid}`;
    const s = await step(`${binary} ${component.version}`, async () => {
      try {
        await go(['build', ...buildFlags(component), '-o', tmp, packageOf(component, binary)], {
          cwd: moduleDir,
          env,
          what: `${binary} ${component.version}`,
        });
        renameSync(tmp, out);
      } finally {
        rmSync(tmp, { force: true });
      }
    });
    seconds.set(binary, s);
  }
  return seconds;
}

/** Drops `*.tmp-<pid>` files and dirs left by a build that was killed (Ctrl-C, CI timeout); a live build keeps its own. */
export function removeAbandonedTmpFiles(componentDir: string): string[] {
  const removed: string[] = [];
  const dirs = [componentDir, join(componentDir, 'bin')];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) {
      const m = /\.tmp-(\d+)$/.exec(entry);
      if (m && !pidAlive(Number(m[1]))) {
        rmSync(join(dir, entry), { recursive: true, force: true });
        removed.push(join(dir, entry));
      }
    }
  }
  return removed;
}

function buildFlags(component: Component): string[] {
  if (component.name === 'etcd') return ['-trimpath', '-ldflags', '-s -w'];
  return ['-trimpath', '-tags', 'selinux,notest', '-ldflags', kubernetesLdflags(KUBERNETES_VERSION)];
}

function packageOf(component: Component, binary: string): string {
  return component.name === 'etcd' ? 'go.etcd.io/etcd/server/v3' : `k8s.io/kubernetes/cmd/${binary}`;
}

/**
 * Version stamps: without them the binaries report v0.0.0-master, and kwokctl and the API server's
 * /version would disagree with the pinned version.
 */
export function kubernetesLdflags(version: string): string {
  const m = /^v(\d+)\.(\d+)\.\d+/.exec(version);
  if (!m) throw new Error(`Kubernetes version '${version}' is not semver`);
  const stamp = (pkg: string) =>
    [`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${m[1]}`, `-X ${pkg}.gitMinor=${m[2]}`].join(' ');
  return ['-s -w', stamp('k8s.io/component-base/version'), stamp('k8s.io/client-go/pkg/version')].join(' ');
}

/**
 * `go install k8s.io/kubernetes/cmd/...@v` is refused because kubernetes' go.mod replaces its staging
 * modules with ./staging paths (kubernetes/kubernetes#79384). The staging list is read from the real
 * go.mod rather than hard-coded, so a version bump picks up new staging modules.
 */
export function stagingModulesFromGoMod(goMod: string): string[] {
  const modules = new Set<string>();
  for (const line of goMod.split('\n')) {
    const m = /^\s*(?:replace\s+)?(k8s\.io\/[A-Za-z0-9._-]+)\s+=>\s+\.\/staging\//.exec(line);
    if (m) modules.add(m[1]!);
  }
  return [...modules].sort();
}

export function kubernetesWrapperGoMod(stagingModules: readonly string[]): string {
  return [
    'module berth.local/kubernetes-build',
    '',
    'go 1.24.0',
    '',
    `require k8s.io/kubernetes ${KUBERNETES_VERSION}`,
    '',
    ...stagingModules.map((m) => `replace ${m} => ${m} ${KUBERNETES_STAGING_VERSION}`),
    '',
  ].join('\n');
}

export function etcdWrapperGoMod(): string {
  return ['module berth.local/etcd-build', '', 'go 1.24.0', '', `require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}`, ''].join('\n');
}

function toolsGo(component: Component): string {
  const imports = component.binaries.map((b) => `\t_ "${packageOf(component, b)}"`);
  return ['//go:build tools', '', 'package tools', '', 'import (', ...imports, ')', ''].join('\n');
}

async function kubernetesStagingModules(env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const out = await go(['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], {
    cwd,
    env,
    what: `download of k8s.io/kubernetes@${KUBERNETES_VERSION}`,
  });
  let info: { GoMod?: string; Error?: string };
  try {
    info = JSON.parse(out.stdout) as { GoMod?: string; Error?: string };
  } catch {
    throw new UserError(`could not read the output of \`go mod download -json k8s.io/kubernetes@${KUBERNETES_VERSION}\``, {
      hint: tail(out.output),
    });
  }
  if (!info.GoMod || !existsSync(info.GoMod)) {
    throw new UserError(`downloading k8s.io/kubernetes@${KUBERNETES_VERSION} failed: ${info.Error ?? 'no go.mod in the answer'}`, {
      hint: 'check access to the Go module proxy (GOPROXY) and run the command again',
    });
  }
  const modules = stagingModulesFromGoMod(readFileSync(info.GoMod, 'utf8'));
  if (modules.length === 0) {
    throw new UserError(`found no ./staging replace lines in ${info.GoMod}; the wrapper-module recipe does not fit this version`);
  }
  return modules;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  /** stdout and stderr interleaved, for error messages. */
  readonly output: string;
}

/** Runs go; when the checksum database cannot be reached (machines that reach only the module proxy), retries once with GOSUMDB=off. */
async function go(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; extra?: Record<string, string>; what: string },
): Promise<RunResult> {
  let result = await run('go', args, { cwd: opts.cwd, env: goEnv(opts.env, opts.extra) });
  if (result.code !== 0 && sumdbUnreachable(result.output)) {
    result = await run('go', args, { cwd: opts.cwd, env: goEnv(opts.env, { ...opts.extra, GOSUMDB: 'off' }) });
  }
  if (result.code !== 0) {
    throw new UserError(`building ${opts.what} failed (go ${args[0]} exited with ${result.code}):\n${tail(result.output)}`, {
      hint: 'fix the cause above (network access to the Go module proxy, disk space, memory) and run the command again; finished binaries stay cached',
    });
  }
  return result;
}

export function sumdbUnreachable(output: string): boolean {
  return /sum\.golang\.org/.test(output) && /(dial tcp|lookup|timeout|connection refused|no such host)/i.test(output);
}

function tail(output: string): string {
  return output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

function run(cmd: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, output }));
  });
}

export function formatSeconds(s: number): string {
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
}
