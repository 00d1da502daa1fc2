import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcesses, removeStalePidFiles, runsBinaryUnder, stopProcesses } from '../../../src/cluster/processes.js';

/** A fake cluster dir whose "binary cache" holds a copy of sleep(1). */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'berth-proc-'));
  const bin = join(root, 'cluster', 'bin');
  const dir = join(root, 'clusters', 'c');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'pids'), { recursive: true });
  copyFileSync('/bin/sleep', join(bin, 'kube-apiserver'));
  return { binaryRoot: join(root, 'cluster'), bin, dir };
}

describe('control-plane processes', () => {
  it('trust a pid only when it runs a binary from the cache', () => {
    const { binaryRoot, dir } = fixture();
    // This test's own pid is alive but is not one of our binaries (as after a reboot that reused the pid).
    writeFileSync(join(dir, 'pids', 'etcd.pid'), String(process.pid));
    writeFileSync(join(dir, 'pids', 'kube-scheduler.pid'), '999999999');
    const procs = readProcesses(dir, binaryRoot);
    expect(procs.map((p) => [p.component, p.running])).toEqual([
      ['etcd', false],
      ['kube-scheduler', false],
    ]);
    expect(runsBinaryUnder(process.pid, binaryRoot)).toBe(false);
    expect(removeStalePidFiles(procs).map((p) => p.component)).toEqual(['etcd', 'kube-scheduler']);
    expect(existsSync(join(dir, 'pids', 'etcd.pid'))).toBe(false);
  });

  it('stop their own processes and never signal a foreign pid', async () => {
    const { binaryRoot, bin, dir } = fixture();
    const child = spawn(join(bin, 'kube-apiserver'), ['300'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
    writeFileSync(join(dir, 'pids', 'kube-apiserver.pid'), String(child.pid));
    writeFileSync(join(dir, 'pids', 'etcd.pid'), String(process.pid));
    await new Promise((r) => setTimeout(r, 100));
    const procs = readProcesses(dir, binaryRoot);
    expect(procs.find((p) => p.component === 'kube-apiserver')!.running).toBe(true);
    const stopped = await stopProcesses(procs, binaryRoot, 2000);
    expect(stopped.map((p) => p.component)).toEqual(['kube-apiserver']);
    expect(await exited).toBe('SIGTERM');
    expect(existsSync(join(dir, 'pids', 'kube-apiserver.pid'))).toBe(false);
  });
});
