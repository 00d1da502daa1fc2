/**
 * jest globalSetup for the integration project: one local cluster (`berth-test`) per test run, reused
 * when it already runs. Test files run in their own namespaces (harness.ts createTestNamespace).
 * The kubeconfig path reaches the test workers as BERTH_TEST_KUBECONFIG (workers inherit this process's env).
 */
import { up, clusterStatus } from '../../src/cluster/control-plane.js';

export const TEST_CLUSTER = process.env.BERTH_TEST_CLUSTER ?? 'berth-test';

export default async function globalSetup(): Promise<void> {
  const before = await clusterStatus({ name: TEST_CLUSTER });
  const log = (line: string) => process.stderr.write(`[berth-test cluster] ${line}\n`);
  log(before.state === 'running' ? `reusing running cluster '${TEST_CLUSTER}'` : `starting cluster '${TEST_CLUSTER}'`);
  const result = await up({ name: TEST_CLUSTER, nodes: 3, onProgress: log });
  log(`ready in ${result.seconds.toFixed(1)}s: ${result.server} (kubeconfig ${result.kubeconfig})`);
  process.env.BERTH_TEST_KUBECONFIG = result.kubeconfig;
  // Teardown stops the cluster only when this run started it.
  process.env.BERTH_TEST_CLUSTER_STARTED = before.state === 'running' ? '0' : '1';
}
