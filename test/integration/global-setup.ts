/**
 * jest globalSetup for the integration project: one local cluster (`berth-test`) per test run, reused
 * when it already runs. Test files work in their own namespaces (harness.ts createTestNamespace).
 * The kubeconfig path reaches the test workers as BERTH_TEST_KUBECONFIG (workers inherit this process's env).
 * BERTH_TEST_CLUSTER overrides the cluster name.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type ControlPlane = typeof import('../../src/cluster/index.js');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * jest loads this file outside its module system, so the `.js` → `.ts` mapping of the test projects does
 * not apply to its imports. The control-plane module is bundled with esbuild instead (about 50 ms);
 * global-teardown.ts, which runs in the same process, reuses the bundle.
 */
export async function loadControlPlane(): Promise<ControlPlane> {
  const outfile = join(root, 'build', 'test-cluster', `control-plane-${process.pid}.mjs`);
  if (!existsSync(outfile)) {
    await build({
      entryPoints: [join(root, 'src', 'cluster', 'index.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
  }
  return (await import(pathToFileURL(outfile).href)) as ControlPlane;
}

export default async function globalSetup(): Promise<void> {
  const { up, clusterStatus, registerTestRun, otherTestRuns } = await loadControlPlane();
  const name = process.env.BERTH_TEST_CLUSTER ?? 'berth-test';
  const log = (line: string) => process.stderr.write(`[${name} cluster] ${line}\n`);
  const before = await clusterStatus({ name });
  log(before.state === 'running' ? 'reusing the running cluster' : 'starting the cluster');
  // A cluster left by an earlier Berth lacks newer kwok stages (container logs): recreate it, unless another test
  // run is using it right now.
  const result = await up({ name, nodes: 3, onProgress: log, recreateIfStale: otherTestRuns(name).length === 0 });
  log(`ready in ${result.seconds.toFixed(1)}s: ${result.server} (kubeconfig ${result.kubeconfig})`);
  process.env.BERTH_TEST_KUBECONFIG = result.kubeconfig;
  // Teardown stops the cluster only when a test run started it, and only once the last run using it ends.
  registerTestRun(name, before.state !== 'running');
}
