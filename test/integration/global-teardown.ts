/**
 * jest globalTeardown: stops the test cluster when globalSetup started it, unless BERTH_KEEP_CLUSTER=1
 * (keep it for the next run: the next setup then reuses it in about a second).
 */
import { down } from '../../src/cluster/control-plane.js';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.BERTH_TEST_CLUSTER ?? 'berth-test';
  if (process.env.BERTH_TEST_CLUSTER_STARTED !== '1') return;
  if (process.env.BERTH_KEEP_CLUSTER === '1') {
    process.stderr.write(`[berth-test cluster] keeping cluster '${name}' (BERTH_KEEP_CLUSTER=1)\n`);
    return;
  }
  const result = await down({ name });
  process.stderr.write(`[berth-test cluster] stopped ${result.stopped.map((p) => p.component).join(', ')}\n`);
}
