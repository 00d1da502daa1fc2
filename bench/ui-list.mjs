#!/usr/bin/env node
// The console's release list for 2,000 releases (issue 13): seeds 2,000 releases' revision Secrets into one namespace
// of a cluster through the revision store's own code (src/release/store.ts, SecretRevisionStore.create: the head
// Secret with its labels and summary annotation, exactly as a deploy writes it), starts `berth ui`, and times
// `GET /api/releases?pageSize=50`: the first request (cold: a new process, its first TLS connection to the API
// server) and then 5 more (warm), median reported. Writes bench/results/ui-list-<timestamp>.json.
//
//   node bench/ui-list.mjs [--releases 2000] [--kubeconfig FILE] [--keep] [--out FILE]
//
// --out writes the results there instead of bench/results/ui-list-<timestamp>.json (`npm run bench` uses it).
//
// Default kubeconfig: the shared local control plane's (berth-dev). The namespace is deleted at the end unless --keep.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import pLimit from 'p-limit';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    releases: { type: 'string', default: '2000' },
    kubeconfig: { type: 'string', default: process.env.KUBECONFIG ?? join(process.env.HOME ?? '/root', '.cache/berth/kwok/clusters/berth-dev/kubeconfig.yaml') },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const count = Number(opts.releases);

// The store and the client are TypeScript: bundled once with esbuild, as the integration setup does.
const outfile = join(root, 'build', 'bench', 'ui-list-store.mjs');
await build({
  stdin: {
    contents: "export { SecretRevisionStore } from './src/release/store.ts'; export { KubeClient } from './src/kube/client.ts';",
    resolveDir: root,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
const { SecretRevisionStore, KubeClient } = await import(pathToFileURL(outfile).href);

const client = await KubeClient.connect({ kubeconfig: opts.kubeconfig });
const namespace = `bench-ui-list-${Date.now().toString(36)}`;
await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
const store = new SecretRevisionStore(client, namespace);

const seedStart = performance.now();
const limit = pLimit(16);
const now = new Date().toISOString();
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    limit(() =>
      store.create({
        release: `rel-${String(i).padStart(4, '0')}`,
        namespace,
        app: i % 3 === 0 ? 'shop' : 'hello',
        version: '1.0.0',
        env: 'dev',
        revision: 1,
        status: 'deployed',
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `rel-${i}-config`, namespace }, data: { a: 'b' } }],
        services: [],
        values: { replicas: 1 },
        description: 'Install',
        createdAt: now,
        updatedAt: new Date(Date.parse(now) - i * 1000).toISOString(),
        user: 'bench@local',
      }),
    ),
  ),
);
const seedMs = performance.now() - seedStart;
console.log(`seeded ${count} releases in namespace ${namespace} in ${(seedMs / 1000).toFixed(1)} s`);

/** Starts `berth ui` and reads its URL; stopped by its pid. */
async function startConsole() {
  const child = spawn(process.execPath, ['bin/berth.cjs', 'ui', '--port', '0', '--no-open', '--kubeconfig', opts.kubeconfig], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: '1' } });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^Berth console: (\S+)$/.exec(line);
      if (m) resolve(new URL(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`berth ui exited with ${code}`)));
  });
  const stop = () => new Promise((resolve) => {
    child.once('exit', resolve);
    process.kill(child.pid, 'SIGTERM');
  });
  return { url, token: url.searchParams.get('token'), stop };
}

const timed = async (console_, path) => {
  const t = performance.now();
  const res = await fetch(`${console_.url.origin}${path}`, { headers: { Authorization: `Bearer ${console_.token}` } });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  if (body.total < count) throw new Error(`${path}: total ${body.total}, expected at least ${count}`);
  return { ms, body };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (xs) => xs.map((x) => Math.round(x));

const results = {};
try {
  // Cold: the first request of a fresh process (its first TLS connection, discovery, the first list), 5 processes.
  const cold = [];
  let total;
  for (let i = 0; i < 5; i++) {
    const c = await startConsole();
    try {
      const r = await timed(c, '/api/releases?pageSize=50');
      cold.push(r.ms);
      total = r.body.total;
    } finally {
      await c.stop();
    }
  }
  results['all namespaces, page 1 of 50, cold'] = { path: '/api/releases?pageSize=50', total, medianMs: Math.round(median(cold)), ms: round(cold) };
  console.log(`${'all namespaces, page 1 of 50, cold'.padEnd(44)} total ${total}  median ${median(cold).toFixed(0)} ms`);
  const c = await startConsole();
  try {
    for (const [name, path] of [
      ['all namespaces, page 1 of 50, warm', '/api/releases?pageSize=50'],
      ['filtered by q, page 1 of 50, warm', `/api/releases?pageSize=50&q=${namespace}`],
      ['all namespaces, page 40 of 50 by name, warm', '/api/releases?pageSize=50&page=40&sort=name'],
    ]) {
      await timed(c, path);
      const warm = [];
      for (let i = 0; i < 5; i++) {
        const r = await timed(c, path);
        warm.push(r.ms);
        total = r.body.total;
      }
      results[name] = { path, total, medianMs: Math.round(median(warm)), ms: round(warm) };
      console.log(`${name.padEnd(44)} total ${total}  median ${median(warm).toFixed(0)} ms`);
    }
  } finally {
    await c.stop();
  }
} finally {
  if (!opts.keep) await client.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

const stamp = new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z').replace(/:/g, '-');
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const file = opts.out ?? join(root, 'bench', 'results', `ui-list-${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ benchmark: 'ui-list', releases: count, seedMs: Math.round(seedMs), results, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version } }, null, 2)}\n`);
console.log(`wrote ${file}`);
