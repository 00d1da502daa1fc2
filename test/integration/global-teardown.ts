/**
 * jest globalTeardown: stops the test cluster when a test run started it and this is the last run using it,
 * unless BERTH_KEEP_CLUSTER=1 (keep it for the next run, whose setup then reuses it in about a second).
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type ControlPlane = typeof import('../../src/cluster/index.js');

export default async function globalTeardown(): Promise<void> {
  const name = process.env.BERTH_TEST_CLUSTER ?? 'berth-test';
  const log = (line: string): void => void process.stderr.write(`[${name} cluster] ${line}\n`);
  // Bundled by global-setup.ts in this same process.
  const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'test-cluster', `control-plane-${process.pid}.mjs`);
  try {
    const { down, leaveTestRun } = (await import(pathToFileURL(bundle).href)) as ControlPlane;
    const { others, shouldStop } = leaveTestRun(name);
    if (others.length > 0) return log(`left running: still used by test run${others.length > 1 ? 's' : ''} ${others.join(', ')}`);
    if (!shouldStop) return;
    if (process.env.BERTH_KEEP_CLUSTER === '1') return log('kept running (BERTH_KEEP_CLUSTER=1)');
    const result = await down({ name });
    log(`stopped ${result.stopped.map((p) => `${p.component} (${p.pid})`).join(', ')}`);
  } finally {
    rmSync(bundle, { force: true });
  }
}
