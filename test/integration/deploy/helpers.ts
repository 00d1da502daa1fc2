import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, type ExecResult } from '../../../src/cluster/exec.js';
import { silentProgress } from '../../../src/deploy/context.js';
import { openContext } from '../../../src/deploy/setup.js';
import { synthesize } from '../../../src/synth/synthesize.js';
import type { ManifestSet } from '../../../src/model/manifest-set.js';
import { testKubeconfig } from '../harness.js';

/** The test app: db ← api ← worker, with envs v1, v2 (api image tag), noworker, broken (never ready), big (> 2 MiB). */
export const WAVES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'apps', 'waves');

export function synthWaves(env: string, release: string, namespace: string): Promise<ManifestSet> {
  return synthesize({ app: WAVES, env, release, namespace });
}

/** A deploy context on the test cluster that reports nothing. */
export function testContext(namespace: string) {
  return openContext({ kubeconfig: testKubeconfig(), namespace, progress: silentProgress, lockTtlSeconds: 15 });
}

/** Runs the CLI against the test cluster, in CI mode (plain progress lines). */
export function berth(...args: string[]): Promise<ExecResult> {
  return execFile(process.execPath, ['bin/berth.cjs', ...args, '--kubeconfig', testKubeconfig()], {
    timeoutMs: 180_000,
    env: { ...process.env, CI: '1', NO_COLOR: '1', BERTH_LOCK_TTL_SECONDS: '15' },
  });
}

/** The selector labels of a test workload named `name`. */
export const workloadLabels = (name: string) => ({ 'app.kubernetes.io/name': name });

/** The pod template of a test workload: one container, the annotations that steer kwok (test-fail, never-ready ...). */
export function testPod(name: string, annotations: Record<string, string> = {}, restartPolicy?: string) {
  return {
    metadata: { labels: workloadLabels(name), annotations },
    spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'example.com/c:1' }] },
  };
}
