import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../util/process.js';

/**
 * The control-plane processes of one cluster, as recorded by kwokctl in `<cluster>/pids/<component>.pid`.
 * A pid is only trusted when /proc says it still runs one of our cached binaries: after a reboot or a crash
 * the number may belong to an unrelated process, which must never be signalled (and which would make
 * kwokctl believe the component is still running).
 */

export interface ComponentProcess {
  /** Component name, from the pid file name (etcd, kube-apiserver, ..., kwok-controller). */
  readonly component: string;
  readonly pid: number;
  /** True when the pid is alive and runs a binary from the Berth cache. */
  readonly running: boolean;
  readonly pidFile: string;
}

/** The components `berth cluster up` starts; kwokctl names pid files after them. */
export const CONTROL_PLANE_COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok-controller',
] as const;

export function readProcesses(clusterDir: string, binaryRoot: string): ComponentProcess[] {
  const dir = join(clusterDir, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pid'))
    .sort()
    .map((f) => {
      const pidFile = join(dir, f);
      const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
      return {
        component: f.slice(0, -'.pid'.length),
        pid,
        running: Number.isInteger(pid) && pid > 0 && runsBinaryUnder(pid, binaryRoot),
        pidFile,
      };
    });
}

/** True when the process exists and its executable lives under `root` (our binary cache). */
export function runsBinaryUnder(pid: number, root: string): boolean {
  let exe: string;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return false;
  }
  // A binary replaced while running shows as "<path> (deleted)"; it is still ours.
  return exe.replace(/ \(deleted\)$/, '').startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Removes pid files whose process is gone or is not ours, so kwokctl starts those components again. */
export function removeStalePidFiles(processes: readonly ComponentProcess[]): ComponentProcess[] {
  const stale = processes.filter((p) => !p.running);
  for (const p of stale) rmSync(p.pidFile, { force: true });
  return stale;
}

/**
 * Stops the recorded processes: SIGTERM, then SIGKILL after `graceMs`. Only pids verified as ours are
 * signalled; their pid files are removed. Returns the components that were stopped.
 */
export async function stopProcesses(
  processes: readonly ComponentProcess[],
  binaryRoot: string,
  graceMs = 10_000,
): Promise<ComponentProcess[]> {
  const ours = processes.filter((p) => p.running);
  // Reverse start order: kwok and the controllers first, etcd last, so nothing logs a storm of etcd errors.
  const order = (c: string) => {
    const i = CONTROL_PLANE_COMPONENTS.indexOf(c as (typeof CONTROL_PLANE_COMPONENTS)[number]);
    return i < 0 ? CONTROL_PLANE_COMPONENTS.length : i;
  };
  const sorted = [...ours].sort((a, b) => order(b.component) - order(a.component));
  for (const p of sorted) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && sorted.some((p) => runsBinaryUnder(p.pid, binaryRoot))) await sleep(100);
  for (const p of sorted) if (runsBinaryUnder(p.pid, binaryRoot)) signal(p.pid, 'SIGKILL');
  while (sorted.some((p) => runsBinaryUnder(p.pid, binaryRoot))) await sleep(50);
  for (const p of processes) rmSync(p.pidFile, { force: true });
  return sorted;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
