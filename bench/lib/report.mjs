// Markdown tables for bench/README.md, between the results markers, from one run's results.
import { basename } from 'node:path';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

const ms = (x) => (x === undefined || x === null ? '–' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '–');

function cell(entry) {
  if (!entry) return '–';
  if (entry.skipped) return 'skipped';
  if (entry.failed) return 'failed';
  return `${ms(entry.medianMs)} (min ${ms(entry.minMs)})${entry.from ? ' †' : ''}`;
}

function synthTable(results) {
  const sizes = results.options.sizes;
  const rows = new Map();
  for (const e of results.synth) {
    const key = `${e.tool}${e.variant ? ` — ${e.variant}` : ''}`;
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key).set(e.n, e);
  }
  const berth = rows.get('berth — warm bundle cache');
  const largest = sizes[sizes.length - 1];
  const lines = [
    `| tool | ${sizes.map((n) => `N=${n}`).join(' | ')} | peak RSS N=${largest} | Berth (warm) time ÷ tool time, N=${largest} (< 1: Berth faster) |`,
    `| --- | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  for (const [key, byN] of rows) {
    const big = byN.get(largest);
    lines.push(
      `| ${key} | ${sizes.map((n) => cell(byN.get(n))).join(' | ')} | ${big?.peakRssMiB ? `${big.peakRssMiB} MiB` : '–'} | ${ratio(berth?.get(largest)?.medianMs, big?.medianMs)} |`,
    );
  }
  const earlier = [...new Set(results.synth.filter((e) => e.from).map((e) => e.from))];
  if (earlier.length) lines.push('', `† from the run of ${earlier.join(', ')} (merged with --merge: not measured, or failed, in this run).`);
  const skipped = results.synth.filter((e) => e.skipped || e.failed);
  const reasons = [...new Set(skipped.map((e) => `${e.tool}${e.variant ? ` (${e.variant})` : ''}: ${(e.skipped ?? e.failed).split('\n')[0]}`))];
  if (reasons.length) lines.push('', 'Not measured in this run:', '', ...reasons.map((r) => `- ${r}`));
  return lines.join('\n');
}

function deployTable(results) {
  if (!results.deploy.length) return '_Deploy benchmarks were not run (--skip-deploy)._';
  const n = results.options.deployN;
  const berth = results.deploy.find((r) => r.tool === 'berth' && r.steps);
  const lines = [
    `| tool (N=${n}) | first deploy | no-op redeploy | one-service change | rollback | objects written: no-op / change | API write requests: no-op / change | release store | peak RSS | Berth time ÷ tool time, first deploy (< 1: Berth faster) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const skipped = [];
  for (const r of results.deploy) {
    if (r.skipped) {
      skipped.push(`${r.tool}: ${r.skipped}`);
      continue;
    }
    const s = r.steps;
    const t = (x) => (!x ? '–' : x.skipped ? 'skipped' : x.failed ? 'failed' : ms(x.totalMs));
    const store = s.rollback?.releaseStore ?? s.change?.releaseStore;
    const rss = Math.max(...Object.values(s).map((x) => x.peakRssMiB ?? 0));
    lines.push(
      `| ${r.tool} | ${t(s.first)} | ${t(s.noop)} | ${t(s.change)} | ${t(s.rollback)} | ${s.noop?.written?.objects ?? '–'} / ${s.change?.written?.objects ?? '–'} | ${s.noop?.apiWrites?.total ?? '–'} / ${s.change?.apiWrites?.total ?? '–'} | ${
        store ? `${store.secrets} Secrets, ${(store.bytes / 1024).toFixed(1)} KiB` : 'none'
      } | ${rss ? `${rss} MiB` : '–'} | ${ratio(berth?.steps.first?.totalMs, s.first?.totalMs)} |`,
    );
    for (const [name, x] of Object.entries(s)) if (x.failed) skipped.push(`${r.tool} ${name}: failed: ${x.failed.split('\n')[0]}`);
  }
  if (skipped.length) lines.push('', 'Not measured in this run:', '', ...skipped.map((x) => `- ${x}`));
  const from = results.deploy.find((r) => r.from)?.from;
  if (from) lines.push('', `These deploy numbers are from the run of ${from} (merged with --merge).`);
  return lines.join('\n');
}

function targets(results) {
  const synth = (tool, variant, n) => results.synth.find((e) => e.tool === tool && e.variant === variant && e.n === n && e.medianMs);
  const berth500 = synth('berth', 'warm bundle cache', 500);
  const cdk500 = synth('cdk8s synth', 'ts-node (default)', 500);
  const dep = (tool) => results.deploy.find((r) => r.tool === tool && r.steps)?.steps;
  const b = dep('berth');
  const helm = results.deploy.filter((r) => r.tool.startsWith('helm ') && r.steps);
  const kubectl = dep('kubectl apply --server-side');
  const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? 'met' : '**not met**');
  const rows = [
    ['synth N=500 ≤ 0.5 s', berth500 && ms(berth500.medianMs), verdict(berth500 && berth500.medianMs <= 500)],
    [
      'synth N=500 ≥ 5× faster than `cdk8s synth`',
      berth500 && cdk500 && `${(cdk500.medianMs / berth500.medianMs).toFixed(1)}×`,
      verdict(berth500 && cdk500 ? cdk500.medianMs >= 5 * berth500.medianMs : undefined),
    ],
    ...helm.map((h) => [
      `first deploy N=${results.options.deployN} faster than ${h.tool} --wait`,
      b?.first?.totalMs && `${ms(b.first.totalMs)} vs ${ms(h.steps.first?.totalMs)}`,
      verdict(b?.first?.totalMs && h.steps.first?.totalMs ? b.first.totalMs < h.steps.first.totalMs : undefined),
    ]),
    [
      'first deploy no slower than kubectl apply --server-side (+ wait)',
      b?.first?.totalMs && kubectl?.first?.totalMs && `${ms(b.first.totalMs)} vs ${ms(kubectl.first.totalMs)}`,
      verdict(b?.first?.totalMs && kubectl?.first?.totalMs ? b.first.totalMs <= kubectl.first.totalMs : undefined),
    ],
    [
      'no-op redeploy ≤ 10% of first deploy, writing no objects',
      b?.noop?.totalMs && `${((100 * b.noop.totalMs) / b.first.totalMs).toFixed(1)}%, ${b.noop.written.objects} objects`,
      verdict(b?.noop?.totalMs ? b.noop.totalMs <= 0.1 * b.first.totalMs && b.noop.written.objects === 0 : undefined),
    ],
    [
      'one-service change writes only that service’s objects',
      b?.change?.written && `${b.change.written.objects} objects${b.change.written.list ? `: ${b.change.written.list.join(', ')}` : ''}`,
      verdict(b?.change?.written ? b.change.written.objects <= 5 : undefined),
    ],
    [
      'peak RSS at N=500 ≤ 300 MB',
      berth500?.peakRssMiB && `${berth500.peakRssMiB} MiB`,
      verdict(berth500?.peakRssMiB ? berth500.peakRssMiB * 1.048576 <= 300 : undefined),
    ],
  ];
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...rows.map(([t, m, v]) => `| ${t} | ${m || '–'} | ${v} |`)].join('\n');
}

export function renderReadme(readme, results, file) {
  const m = results.machine;
  const body = [
    START,
    `Last run: ${results.startedAt} → \`bench/results/${basename(file)}\``,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `Tools: node ${m.node}; ${m.go ?? 'go: not found'}; berth ${m.berth ?? 'not available'}; cdk8s-cli ${m.cdk8sCli ?? 'not available'}; ${Object.entries(m.helm)
      .map(([v, x]) => `helm ${v}: ${x ?? 'not built'}`)
      .join('; ')}; kubectl ${m.kubectl ?? 'not available'}.`,
    '',
    `### Synth: cold process, median of ${results.options.reps} runs (cdk8s ts-node: ${results.options.repsSlow})`,
    '',
    synthTable(results),
    '',
    `### Deploy, N=${results.options.deployN}, local control plane`,
    '',
    deployTable(results),
    '',
    '### Targets (issue 6)',
    '',
    targets(results),
    END,
  ].join('\n');
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i === -1 || j === -1) return `${readme.trimEnd()}\n\n${body}\n`;
  return readme.slice(0, i) + body + readme.slice(j + END.length);
}
