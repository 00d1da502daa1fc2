#!/usr/bin/env node
// Time until the console's releases page shows a long list (issue 13: "2,000 releases ... time until the page shows
// them"), in Debian's Chromium (playwright-core, headless). The releases must already be in the cluster:
// `node bench/ui-list.mjs --keep` seeds 2,000 as revision Secrets and prints their namespace.
//
//   node bench/ui-page.mjs --namespace bench-ui-list-xxxx [--expect 2000] [--runs 5] [--kubeconfig FILE]
//
// Starts `berth ui` (stopped by its pid), then per run a fresh browser context (empty cache, no cookie) opens the
// printed URL with `#/releases?namespace=<ns>` and the clock stops when the table shows its first 50 rows and the
// caption says `of <expect>`. Measured twice: in Node from `goto` (token redirect, index.html, scripts, session, the
// API's list, render), and in the page from its navigation start (`performance.now()`). The same for all namespaces.
// Writes bench/results/ui-page-<timestamp>.json.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import playwright from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    namespace: { type: 'string' },
    expect: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '5' },
    kubeconfig: { type: 'string', default: process.env.KUBECONFIG ?? join(process.env.HOME ?? '/root', '.cache/berth/kwok/clusters/berth-dev/kubeconfig.yaml') },
  },
});
if (!opts.namespace) {
  console.error('--namespace is required: the namespace `node bench/ui-list.mjs --keep` seeded');
  process.exit(2);
}
const expected = Number(opts.expect);
const runs = Number(opts.runs);

execFileSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'inherit' });

const child = spawn(process.execPath, ['bin/berth.cjs', 'ui', '--port', '0', '--no-open', '--kubeconfig', opts.kubeconfig], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: '1' } });
const url = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).on('line', (line) => {
    const m = /^Berth console: (\S+)$/.exec(line);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`berth ui exited with ${code}`)));
});

const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** One cold page load until the list is on screen: [ms from goto, ms from the page's navigation start, total]. */
async function load(hash, atLeast) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t = performance.now();
  await page.goto(`${url}${hash}`);
  const handle = await page.waitForFunction(
    (n) => {
      const caption = document.querySelector('table.releases caption')?.textContent ?? '';
      const m = / of (\d+)$/.exec(caption.trim());
      const rows = document.querySelectorAll('table.releases tbody tr').length;
      return m && Number(m[1]) >= n && rows === Math.min(50, Number(m[1])) ? { inPage: performance.now(), total: Number(m[1]) } : false;
    },
    atLeast,
    { timeout: 60_000, polling: 'raf' },
  );
  const ms = performance.now() - t;
  const { inPage, total } = await handle.jsonValue();
  await context.close();
  return { ms, inPage, total };
}

const results = {};
try {
  for (const [name, hash, atLeast] of [
    [`namespace ${opts.namespace}, page 1 of 50`, `#/releases?namespace=${encodeURIComponent(opts.namespace)}`, expected],
    ['all namespaces, page 1 of 50', '#/releases', expected],
  ]) {
    const first = await load(hash, atLeast);
    const all = [];
    for (let i = 0; i < runs; i++) all.push(await load(hash, atLeast));
    results[name] = {
      hash,
      total: all[0].total,
      firstMs: Math.round(first.ms),
      medianMs: Math.round(median(all.map((r) => r.ms))),
      medianInPageMs: Math.round(median(all.map((r) => r.inPage))),
      ms: all.map((r) => Math.round(r.ms)),
    };
    console.log(`${name.padEnd(52)} total ${all[0].total}  first ${first.ms.toFixed(0)} ms  median ${results[name].medianMs} ms (in page ${results[name].medianInPageMs} ms)`);
  }
} finally {
  await browser.close();
  await new Promise((resolve) => {
    child.once('exit', resolve);
    process.kill(child.pid, 'SIGTERM');
  });
}

const stamp = new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace(/:/g, '-');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = join(root, 'bench', 'results', `ui-page-${stamp}.json`);
const chromium = execFileSync('/usr/bin/chromium', ['--version']).toString().trim();
writeFileSync(file, `${JSON.stringify({ benchmark: 'ui-page', releases: expected, runs, results, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, chromium } }, null, 2)}\n`);
console.log(`wrote ${file}`);
