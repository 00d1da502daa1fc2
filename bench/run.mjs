#!/usr/bin/env node
// `npm run bench`: generates the N-service system, measures Berth against cdk8s, Helm and kubectl,
// writes bench/results/<timestamp>.json (with the machine) and the tables in bench/README.md.
//
//   node bench/run.mjs [--sizes 10,100,500] [--reps 5] [--reps-slow 3] [--deploy-n 100]
//                      [--skip-synth] [--skip-deploy] [--deploy-tools berth,kubectl,helm] [--no-write]
//                      [--merge bench/results/<earlier>.json]   keep that run's entries for what this run did not measure
//
// Tools that are not there yet are skipped with the reason in the output and the JSON, never faked.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './generate.mjs';
import { deployBenchmarks } from './lib/deploy.mjs';
import { ensureGnuTime } from './lib/measure.mjs';
import { renderReadme } from './lib/report.mjs';
import { synthBenchmarks } from './lib/synth.mjs';
import { BENCH_DIR, ensureCluster, findTools, machine, stopCluster } from './lib/tools.mjs';
import { uiBenchmark } from './lib/ui.mjs';

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,500' },
    reps: { type: 'string', default: '5' },
    'reps-slow': { type: 'string', default: '3' },
    'deploy-sizes': { type: 'string', default: '10,100,500' },
    'deploy-n': { type: 'string' },
    'deploy-reps': { type: 'string', default: '3' },
    'skip-ui': { type: 'boolean', default: false },
    'ui-releases': { type: 'string', default: '2000' },
    'skip-synth': { type: 'boolean', default: false },
    'skip-deploy': { type: 'boolean', default: false },
    'deploy-tools': { type: 'string' },
    merge: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (opts.help) {
  console.log(`node bench/run.mjs [options]

  --sizes 10,100,500       synth sizes (services; 5 objects each)
  --reps 5                 repetitions of fast measurements (median, min, max)
  --reps-slow 3            repetitions of slow ones (cdk8s synth)
  --deploy-sizes 10,100,500  deploy sizes (services; the scale curve); --deploy-n N is --deploy-sizes N
  --deploy-reps 3          repetitions of the deploy scenarios at each size (median, min, max)
  --skip-ui                no web console benchmark (the release list of --ui-releases releases)
  --ui-releases 2000       releases seeded for the console benchmark
  --skip-synth             no synth benchmarks
  --skip-deploy            no deploy benchmarks (no cluster)
  --deploy-tools LIST      deploy tools to measure: berth,kubectl,helm (default all)
  --merge FILE             keep that earlier run's entries for what this run did not measure
  --no-write               print only: no bench/results/<time>.json, no bench/README.md tables

Deploy benchmarks start the local control plane 'bench' (berth cluster up --name bench, with enough kwok nodes for
the largest size's pods) and stop it at the end when this run started it; BERTH_BENCH_KUBECONFIG uses another
cluster instead. The console benchmark (bench/ui-list.mjs) runs on the same cluster, after the deploys.`);
  process.exit(0);
}

const positive = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: --${name} must be a positive integer, got '${v}'`);
    process.exit(1);
  }
  return n;
};
const sizes = opts.sizes.split(',').map((s) => positive('sizes', s));
const reps = positive('reps', opts.reps);
const repsSlow = positive('reps-slow', opts['reps-slow']);
const deploySizes = (opts['deploy-n'] ?? opts['deploy-sizes']).split(',').map((s) => positive('deploy-sizes', s));
const deployReps = positive('deploy-reps', opts['deploy-reps']);
const uiReleases = positive('ui-releases', opts['ui-releases']);
// The deploy figure the targets are judged on (issue 15: first deploy at N=100), or the nearest size measured.
const deployN = deploySizes.includes(100) ? 100 : deploySizes[deploySizes.length - 1];
const log = (line) => console.log(line);

const started = new Date();
if (!ensureGnuTime(log)) log('GNU time (/usr/bin/time) is missing: peak RSS is not measured in this run');
const tools = findTools();
for (const [name, t] of Object.entries({ berth: tools.berth, cdk8s: tools.cdk8s, kubectl: tools.kubectl, 'node (LTS)': tools.node24, ...Object.fromEntries(Object.entries(tools.helm).map(([v, h]) => [`helm ${v}`, h])) })) {
  log(`${name.padEnd(14)} ${t.available ? t.version : `not available: ${t.reason}`}`);
}

const allSizes = [...new Set([...sizes, ...deploySizes])].sort((a, b) => a - b);
const sets = generate({ sizes: allSizes });
const bySize = new Map(sets.map((s) => [s.n, s]));

const results = {
  startedAt: started.toISOString(),
  machine: machine(tools),
  options: { sizes, reps, repsSlow, deployN, deploySizes, deployReps },
  synth: opts['skip-synth'] ? [] : await synthBenchmarks({ sets: sizes.map((n) => bySize.get(n)), tools, reps, repsSlow, log }),
  deploy: [],
};
if (!opts['skip-deploy']) {
  // Each service runs 2 pods (3 during a rollout); a kwok node takes 110.
  const nodes = Math.max(4, Math.ceil((3 * Math.max(...deploySizes)) / 100) + 1);
  const cluster = tools.kubectl.available ? ensureCluster(tools.berth, log, nodes) : { reason: tools.kubectl.reason };
  try {
    results.deploy = await deployBenchmarks({ sets: deploySizes.map((n) => bySize.get(n)), reps: deployReps, tools, cluster, log, only: opts['deploy-tools']?.split(',') });
    if (!opts['skip-ui']) results.ui = await uiBenchmark({ cluster, releases: uiReleases, log });
  } finally {
    stopCluster(cluster, log);
  }
}
results.finishedAt = new Date().toISOString();
results.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);

if (opts.merge) {
  // Entries this run did not measure (or that failed) come from the earlier run, marked with where they came from.
  const earlier = JSON.parse(readFileSync(opts.merge, 'utf8'));
  const key = (e) => `${e.tool}|${e.variant}|${e.n}`;
  const fresh = new Set(results.synth.filter((e) => e.medianMs !== undefined).map(key));
  results.synth = [
    ...results.synth.filter((e) => e.medianMs !== undefined || !earlier.synth.some((x) => key(x) === key(e) && x.medianMs !== undefined)),
    ...earlier.synth.filter((e) => !fresh.has(key(e)) && e.medianMs !== undefined).map((e) => ({ ...e, from: earlier.startedAt })),
  ];
  results.options.sizes = [...new Set([...results.options.sizes, ...earlier.options.sizes])].sort((a, b) => a - b);
  // Deploy entries per size: a size this run did not measure comes from the earlier run, all its tools together,
  // so every ratio is still from one run.
  const measuredSizes = new Set(results.deploy.filter((r) => r.steps).map((r) => r.n));
  results.deploy = [...results.deploy, ...earlier.deploy.filter((r) => !measuredSizes.has(r.n)).map((r) => ({ ...r, from: r.from ?? earlier.startedAt }))];
  if (!results.ui && earlier.ui) results.ui = { ...earlier.ui, from: earlier.ui.from ?? earlier.startedAt };
  results.options.deploySizes = [...new Set([...(results.options.deploySizes ?? []), ...(earlier.options.deploySizes ?? [earlier.options.deployN])])].sort((a, b) => a - b);
  results.options.deployN = results.options.deploySizes.includes(100) ? 100 : results.options.deploySizes[results.options.deploySizes.length - 1];
  results.mergedFrom = opts.merge;
}

if (!opts['no-write']) {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().slice(0, 16).replace(':', '-')}Z.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const readme = join(BENCH_DIR, 'README.md');
  writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8'), results, file));
  log(`results: ${file}\ntables: ${readme}`);
}
