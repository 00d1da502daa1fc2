// The web console's release list for many releases (issue 13 / issue 15 item 3), in the same run as the deploys:
// bench/ui-list.mjs against the bench cluster, its JSON read back into this run's results.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailed, runOnce } from './measure.mjs';
import { BENCH_DIR, ROOT } from './tools.mjs';

/** `{ releases, seedMs, results }` of bench/ui-list.mjs, or `{ skipped }` / `{ failed }`. */
export async function uiBenchmark({ cluster, releases, log }) {
  if (!cluster.kubeconfig) return { skipped: cluster.reason };
  log(`web console: the release list of ${releases} releases`);
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-ui-'));
  try {
    const out = join(dir, 'ui-list.json');
    const r = await runOnce(process.execPath, [join(BENCH_DIR, 'ui-list.mjs'), '--releases', String(releases), '--kubeconfig', cluster.kubeconfig, '--out', out], { cwd: ROOT });
    for (const line of r.stdout.trim().split('\n')) if (line && !line.startsWith('wrote ')) log(`  ${line}`);
    if (r.code !== 0) {
      const failed = new CommandFailed('bench/ui-list.mjs', r).message;
      log(`  FAILED: ${failed.split('\n').slice(0, 6).join('\n      ')}`);
      return { failed };
    }
    const { releases: count, seedMs, results } = JSON.parse(readFileSync(out, 'utf8'));
    return { releases: count, seedMs, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
