/**
 * jest globalTeardown: stops the test cluster when globalSetup started it, unless BERTH_KEEP_CLUSTER=1
 * (keep it for the next run, whose setup then reuses it in about a second).
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type ControlPlane = typeof import('../../src/cluster/control-plane.js');

export default async function globalTeardown(): Promise<void> {
  const name = process.env.BERTH_TEST_CLUSTER ?? 'berth-test';
  // Bundled by global-setup.ts in this same process.
  const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'test-cluster', `control-plane-${process.pid}.mjs`);
  try {
    if (process.env.BERTH_TEST_CLUSTER_STARTED !== '1') return;
    if (process.env.BERTH_KEEP_CLUSTER === '1') {
      process.stderr.write(`[${name} cluster] kept running (BERTH_KEEP_CLUSTER=1)\n`);
      return;
    }
    const { down } = (await import(pathToFileURL(bundle).href)) as ControlPlane;
    const result = await down({ name });
    process.stderr.write(`[${name} cluster] stopped ${result.stopped.map((p) => `${p.component} (${p.pid})`).join(', ')}\n`);
  } finally {
    rmSync(bundle, { force: true });
  }
}
