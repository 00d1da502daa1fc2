import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testKubeconfig } from '../harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const berth = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'berth.cjs'), ...args], { encoding: 'utf8', timeout: 120_000 });

describe('berth cluster (CLI)', () => {
  it('status -o json reports the running test cluster with its components and nodes', () => {
    const res = berth('cluster', 'status', '--name', process.env.BERTH_TEST_CLUSTER ?? 'berth-test', '-o', 'json');
    expect(res.status).toBe(0);
    const status = JSON.parse(res.stdout);
    expect(status.state).toBe('running');
    expect(status.kubeconfig).toBe(testKubeconfig());
    expect(status.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(status.nodes).toEqual({ total: 3, ready: 3 });
    expect(status.components.map((c: { component: string; running: boolean }) => [c.component, c.running])).toEqual([
      ['etcd', true],
      ['kube-apiserver', true],
      ['kube-controller-manager', true],
      ['kube-scheduler', true],
      ['kwok-controller', true],
    ]);
  }, 120_000);

  it('status exits 1 for a cluster that does not exist and says how to start it', () => {
    const res = berth('cluster', 'status', '--name', 'no-such-cluster');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("no cluster named 'no-such-cluster' (start one with: berth cluster up --name no-such-cluster)");
  }, 120_000);

  it('up rejects an invalid name with a message naming the flag value and the fix', () => {
    const res = berth('cluster', 'up', '--name', 'Not_Valid');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("error: cluster name 'Not_Valid' is not valid");
    expect(res.stderr).toContain('hint: use 1-40 lower-case letters');
    expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
  }, 120_000);
});
