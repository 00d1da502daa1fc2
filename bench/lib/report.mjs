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
  const spread = entry.reps > 1 && entry.maxMs !== undefined ? ` (${ms(entry.minMs)}–${ms(entry.maxMs)})` : '';
  return `${ms(entry.medianMs)}${spread}${entry.from ? ' †' : ''}`;
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
  // The alternating pair's ratio is taken between its own two rows (the same moments of the run).
  const alternating = [...rows].find(([key]) => key.startsWith('berth — warm, alternating'))?.[1];
  const largest = sizes[sizes.length - 1];
  const lines = [
    `| tool | ${sizes.map((n) => `N=${n}`).join(' | ')} | peak RSS N=${largest} | Berth (warm) time ÷ tool time, N=${largest} (< 1: Berth faster) |`,
    `| --- | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  for (const [key, byN] of rows) {
    const big = byN.get(largest);
    lines.push(
      `| ${key} | ${sizes.map((n) => cell(byN.get(n))).join(' | ')} | ${big?.peakRssMiB ? `${big.peakRssMiB} MiB` : '–'} | ${ratio((key.includes(', alternating with') ? alternating : berth)?.get(largest)?.medianMs, big?.medianMs)} |`,
    );
  }
  const phased = results.synth.filter((e) => e.tool === 'berth' && e.phasesMedianMs && Object.keys(e.phasesMedianMs).length);
  if (phased.length) {
    lines.push('', 'Berth\'s own phases (median, from `berth synth -o json`; `render` = render + write of the manifests):', '');
    for (const e of phased) lines.push(`- ${e.variant}, N=${e.n}: ${Object.entries(e.phasesMedianMs).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
  }
  const earlier = [...new Set(results.synth.filter((e) => e.from).map((e) => e.from))];
  if (earlier.length) lines.push('', `† from the run of ${earlier.join(', ')} (merged with --merge: not measured, or failed, in this run).`);
  const skipped = results.synth.filter((e) => e.skipped || e.failed);
  const reasons = [...new Set(skipped.map((e) => `${e.tool}${e.variant ? ` (${e.variant})` : ''}: ${(e.skipped ?? e.failed).split('\n')[0]}`))];
  if (reasons.length) lines.push('', 'Not measured in this run:', '', ...reasons.map((r) => `- ${r}`));
  return lines.join('\n');
}

const STEPS = ['first', 'noop', 'change', 'rollback'];
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : Math.round((v[m - 1] + v[m]) / 2);
};

/**
 * Deploy entries (one per tool, size and repetition) folded into one per tool and size: for each step the median,
 * min and max of its total time over the repetitions that succeeded, the largest object / request counts and RSS.
 */
export function foldDeploys(deploy) {
  const groups = new Map();
  for (const r of deploy) {
    const key = `${r.tool}|${r.n}`;
    if (!groups.has(key)) groups.set(key, { tool: r.tool, n: r.n, reps: [], skipped: undefined, from: r.from });
    const g = groups.get(key);
    if (r.skipped) g.skipped = r.skipped;
    else g.reps.push(r);
  }
  return [...groups.values()].map((g) => {
    const steps = {};
    for (const name of STEPS) {
      const runs = g.reps.map((r) => r.steps?.[name]).filter(Boolean);
      const ok = runs.filter((x) => x.totalMs !== undefined);
      const failed = runs.find((x) => x.failed)?.failed;
      const skipped = runs.find((x) => x.skipped)?.skipped;
      if (!ok.length) {
        if (failed || skipped) steps[name] = failed ? { failed } : { skipped };
        continue;
      }
      const t = ok.map((x) => x.totalMs);
      const most = (f) => Math.max(...ok.map(f).filter((x) => typeof x === 'number'));
      steps[name] = {
        totalMs: median(t),
        minMs: Math.min(...t),
        maxMs: Math.max(...t),
        reps: ok.length,
        ...(failed ? { failedReps: runs.length - ok.length, failed } : {}),
        peakRssMiB: most((x) => x.peakRssMiB ?? 0) || undefined,
        written: { objects: most((x) => x.written?.objects), list: ok.find((x) => x.written?.list)?.written.list },
        apiWrites: { total: most((x) => x.apiWrites?.total), dryRun: most((x) => x.apiWrites?.dryRun ?? 0), reads: median(ok.map((x) => x.apiWrites?.reads ?? 0)) },
        releaseStore: ok[ok.length - 1].releaseStore,
      };
    }
    return { tool: g.tool, n: g.n, reps: g.reps.length, skipped: g.reps.length ? undefined : g.skipped, steps, from: g.from };
  });
}

function deployTable(results) {
  if (!results.deploy.length) return '_Deploy benchmarks were not run (--skip-deploy)._';
  const folded = foldDeploys(results.deploy);
  const sizes = [...new Set(folded.map((r) => r.n))].sort((a, b) => a - b);
  const span = (x) => (!x ? '–' : x.skipped ? 'skipped' : x.totalMs === undefined ? 'failed' : `${ms(x.totalMs)}${x.reps > 1 ? ` (${ms(x.minMs)}–${ms(x.maxMs)})` : ''}${x.failedReps ? ` ${x.failedReps} failed` : ''}`);
  const lines = [
    '| tool | N (objects) | first deploy | no-op redeploy | one-service change | rollback | objects written: no-op / change | API writes (+ dry runs): no-op / change | reads, first deploy | release store | peak RSS | Berth ÷ tool, first deploy (< 1: Berth faster) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const skipped = [];
  for (const n of sizes) {
    const berth = folded.find((r) => r.tool === 'berth' && r.n === n);
    for (const r of folded.filter((x) => x.n === n)) {
      if (r.skipped) {
        skipped.push(`${r.tool} N=${n}: ${r.skipped}`);
        continue;
      }
      const s = r.steps;
      const store = s.rollback?.releaseStore ?? s.change?.releaseStore;
      const rss = Math.max(...Object.values(s).map((x) => x.peakRssMiB ?? 0));
      const w = (x) => (x?.apiWrites ? `${x.apiWrites.total}${x.apiWrites.dryRun ? ` (+${x.apiWrites.dryRun})` : ''}` : '–');
      lines.push(
        `| ${r.tool} | ${n} (${5 * n}) | ${span(s.first)} | ${span(s.noop)} | ${span(s.change)} | ${span(s.rollback)} | ${s.noop?.written?.objects ?? '–'} / ${s.change?.written?.objects ?? '–'} | ${w(s.noop)} / ${w(s.change)} | ${s.first?.apiWrites?.reads ?? '–'} | ${
          store ? `${store.secrets} Secrets, ${(store.bytes / 1024).toFixed(1)} KiB` : 'none'
        } | ${rss ? `${rss} MiB` : '–'} | ${ratio(berth?.steps.first?.totalMs, s.first?.totalMs)} |`,
      );
      for (const [name, x] of Object.entries(s)) if (x.failed) skipped.push(`${r.tool} N=${n} ${name}: failed${x.failedReps ? ` in ${x.failedReps} repetition(s)` : ''}: ${x.failed.split('\n')[0]}`);
    }
  }
  // The repetitions the rows were folded from (merged rows keep their own run's count, not this run's --deploy-reps).
  const repCounts = [...new Set(folded.filter((r) => r.reps).map((r) => r.reps))].sort((a, b) => a - b);
  lines.push('', `Median of ${repCounts.join(' or ') || 1} repetition(s) (min–max); each repetition deploys into a fresh namespace.`);
  if (skipped.length) lines.push('', 'Not measured in this run:', '', ...[...new Set(skipped)].map((x) => `- ${x}`));
  const from = [...new Set(results.deploy.filter((r) => r.from).map((r) => `N=${r.n}: the run of ${r.from}`))];
  if (from.length) lines.push('', `Merged with --merge from earlier runs (all tools of a size come from one run): ${from.join('; ')}.`);
  return lines.join('\n');
}

function uiTable(results) {
  const ui = results.ui;
  if (!ui) return '_The console benchmark was not run (--skip-ui or --skip-deploy)._';
  if (ui.skipped || ui.failed) return `_Not measured: ${(ui.skipped ?? ui.failed).split('\n')[0]}_`;
  const lines = [`${ui.from ? `From the run of ${ui.from}. ` : ''}${ui.releases} releases seeded in ${(ui.seedMs / 1000).toFixed(1)} s; \`GET /api/releases\` of \`berth ui\`, median of 5.`, '', '| request | releases listed | median |', '| --- | ---: | ---: |'];
  for (const [name, r] of Object.entries(ui.results)) lines.push(`| ${name} | ${r.total} | ${ms(r.medianMs)} |`);
  return lines.join('\n');
}

function targets(results) {
  const synth = (tool, variant, n) => results.synth.find((e) => e.tool === tool && e.variant === variant && e.n === n && e.medianMs);
  const largest = Math.max(...results.options.sizes);
  const warm = synth('berth', 'warm bundle cache', 500);
  const warm10 = synth('berth', 'warm bundle cache', 10);
  const values = synth('berth', 'values change (-f, new values each run)', 500);
  const edit = synth('berth', 'after an app edit', 500);
  const helm4 = results.synth.find((e) => e.tool === 'helm template' && /^v4[^,]*$/.test(e.variant ?? '') && e.n === 500 && e.medianMs);
  const warmAlt = results.synth.find((e) => e.tool === 'berth' && /^warm, alternating with helm v4/.test(e.variant ?? '') && e.n === 500 && e.medianMs);
  const stdoutAlt = results.synth.find((e) => e.tool === 'berth' && /^warm --stdout, alternating with helm v4/.test(e.variant ?? '') && e.n === 500 && e.medianMs);
  const helm4Alt = results.synth.find((e) => e.tool === 'helm template' && /^v4.*, alternating with berth warm$/.test(e.variant ?? '') && e.n === 500 && e.medianMs);
  const helm4values = results.synth.find((e) => e.tool === 'helm template' && /^v4.*values change/.test(e.variant ?? '') && e.n === 500 && e.medianMs);
  // Berth under the LTS Node, where the run measured it: the variants above with `, Node v24…` after their first words.
  const ltsEntry = (pattern) => results.synth.find((e) => e.tool === 'berth' && pattern.test(e.variant ?? '') && e.medianMs && e.n === 500);
  const lts = results.machine?.nodeLts;
  // With a second Node in the run, the rows of the first say which one they are.
  const under = lts ? ` under Node ${results.machine.node}` : '';
  const warmAltLts = ltsEntry(/^warm, Node v\d+[^,]*, alternating with helm v4/);
  const stdoutAltLts = ltsEntry(/^warm --stdout, Node v\d+[^,]*, alternating with helm v4/);
  const valuesLts = ltsEntry(/^values change \(-f, new values each run\), Node v/);
  const warm10Lts = results.synth.find((e) => e.tool === 'berth' && /^warm bundle cache, Node v/.test(e.variant ?? '') && e.n === 10 && e.medianMs);
  const cdk500 = synth('cdk8s synth', 'ts-node (default)', 500);
  const folded = foldDeploys(results.deploy);
  const dep = (tool, n) => folded.find((r) => r.tool === tool && r.n === n && !r.skipped)?.steps;
  const n = results.options.deployN;
  const b = dep('berth', n);
  const kubectl = dep('kubectl apply --server-side', n);
  const b500 = dep('berth', 500);
  const bLtsTool = folded.find((r) => r.n === n && /^berth \(Node v/.test(r.tool) && !r.skipped)?.tool;
  const bLts = bLtsTool && dep(bLtsTool, n);
  const verdict = (ok, by) => (ok === undefined ? 'not measured' : ok ? 'met' : `**not met**${by ? ` (${by})` : ''}`);
  const over = (a, limit) => `${Math.round(((a - limit) / limit) * 100)} % over`;
  /** The first-deploy and no-op rows of one Berth runtime's folded steps at size n. */
  const deployTargets = (prefix, steps) => {
    const ratio = steps?.first?.totalMs && kubectl?.first?.totalMs && `${(steps.first.totalMs / kubectl.first.totalMs).toFixed(2)}×`;
    return [
      [
        `${prefix}first deploy N=${n} ≤ 0.9× kubectl apply --server-side + wait`,
        ratio && `${ms(steps.first.totalMs)} vs ${ms(kubectl.first.totalMs)}: ${ratio}`,
        verdict(ratio ? steps.first.totalMs <= 0.9 * kubectl.first.totalMs : undefined, ratio),
      ],
      [
        `${prefix}no-op redeploy N=${n} ≤ 5 % of first deploy, 0 objects written`,
        steps?.noop?.totalMs && `${((100 * steps.noop.totalMs) / steps.first.totalMs).toFixed(1)} %, ${steps.noop.written.objects} objects, ${steps.noop.apiWrites.dryRun} dry runs`,
        verdict(steps?.noop?.totalMs ? steps.noop.totalMs <= 0.05 * steps.first.totalMs && steps.noop.written.objects === 0 : undefined),
      ],
    ];
  };
  /** The N=10 warm row "≤ 150 ms". */
  const within150 = (label, e) => [label, e && ms(e.medianMs), verdict(e ? e.medianMs <= 150 : undefined, e && over(e.medianMs, 150))];
  /** A row "Berth's median ≤ the peer's median", from two entries of the run. */
  const noSlower = (label, a, peer) => [label, a && peer && `${ms(a.medianMs)} vs ${ms(peer.medianMs)}`, verdict(a && peer ? a.medianMs <= peer.medianMs : undefined, a && peer && over(a.medianMs, peer.medianMs))];
  const rows = [
    noSlower(`synth N=500${under}, warm ≤ \`helm template\` v4 (same run)`, warm, helm4),
    noSlower(`synth N=500${under}, warm (500 files written anew) ≤ \`helm template\` v4, the two run in alternation (same moments of the run)`, warmAlt, helm4Alt),
    noSlower(`synth N=500${under}, warm \`--stdout\` (one YAML stream, as \`helm template\` prints) ≤ \`helm template\` v4, in alternation`, stdoutAlt, helm4Alt),
    noSlower(`synth N=500${under}, values change (a new values file, no code change) ≤ \`helm template\` v4 -f values-change.yaml`, values, helm4values),
    [
      'synth N=500 after an app edit: render ≤ 1.0 s (type check reported apart)',
      edit?.phasesMedianMs?.render !== undefined &&
        `render ${ms(edit.phasesMedianMs.render)}${Object.entries(edit.phasesMedianMs).filter(([k]) => k !== 'render').map(([k, v]) => `, ${k} ${ms(v)}`).join('')}; whole command ${ms(edit.medianMs)}`,
      verdict(edit?.phasesMedianMs?.render !== undefined ? edit.phasesMedianMs.render <= 1000 : undefined, edit?.phasesMedianMs?.render && over(edit.phasesMedianMs.render, 1000)),
    ],
    within150(`synth N=10${under}, warm ≤ 150 ms`, warm10),
    ...(lts
      ? [
          noSlower(`synth N=500 under Node ${lts}, warm (500 files written anew) ≤ \`helm template\` v4, in alternation`, warmAltLts, helm4Alt),
          noSlower(`synth N=500 under Node ${lts}, warm \`--stdout\` ≤ \`helm template\` v4, in alternation`, stdoutAltLts, helm4Alt),
          noSlower(`synth N=500 under Node ${lts}, values change ≤ \`helm template\` v4 -f values-change.yaml`, valuesLts, helm4values),
          within150(`synth N=10 under Node ${lts}, warm ≤ 150 ms`, warm10Lts),
        ]
      : []),
    [
      'synth N=500 faster than `cdk8s synth` (ts-node)',
      warm && cdk500 && `${(cdk500.medianMs / warm.medianMs).toFixed(1)}× faster`,
      verdict(warm && cdk500 ? cdk500.medianMs > warm.medianMs : undefined),
    ],
    ...deployTargets('', b),
    ...(bLts ? deployTargets(`${bLtsTool}: `, bLts) : []),
    [
      'one-service change writes only that service’s objects',
      b?.change?.written && `${b.change.written.objects} objects${b.change.written.list ? `: ${b.change.written.list.join(', ')}` : ''}`,
      verdict(b?.change?.written ? b.change.written.objects <= 5 : undefined),
    ],
    [
      'peak RSS of deploy at N=500 ≤ 300 MB',
      b500 && `${Math.max(...Object.values(b500).map((x) => x.peakRssMiB ?? 0))} MiB`,
      verdict(b500 ? Math.max(...Object.values(b500).map((x) => x.peakRssMiB ?? 0)) * 1.048576 <= 300 : undefined),
    ],
    [
      `peak RSS of synth at N=${largest}`,
      synth('berth', 'after an app edit', largest)?.peakRssMiB && `${synth('berth', 'after an app edit', largest).peakRssMiB} MiB after an edit, ${synth('berth', 'warm bundle cache', largest)?.peakRssMiB} MiB warm`,
      'recorded',
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
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; load average (1 / 5 / 15 min) at start ${m.loadAverageAtStart.join(' / ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : ''}; each entry of the JSON has the 1-minute load around it.`,
    `Tools: node ${m.node}${m.nodeLts ? ` (Berth also under the LTS node ${m.nodeLts}: the rows marked so)` : ''}; ${m.go ?? 'go: not found'}; berth ${m.berth ?? 'not available'}; cdk8s-cli ${m.cdk8sCli ?? 'not available'}; ${Object.entries(m.helm)
      .map(([v, x]) => `helm ${v}: ${x ?? 'not built'}`)
      .join('; ')}; kubectl ${m.kubectl ?? 'not available'}.`,
    '',
    `### Synth: cold process, median of ${results.options.reps} runs (cdk8s ts-node: ${results.options.repsSlow})`,
    '',
    synthTable(results),
    '',
    `### Deploy, local control plane: the scale curve`,
    '',
    deployTable(results),
    '',
    '### Web console: the release list',
    '',
    uiTable(results),
    '',
    '### Targets (issue 15)',
    '',
    targets(results),
    END,
  ].join('\n');
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i === -1 || j === -1) return `${readme.trimEnd()}\n\n${body}\n`;
  return readme.slice(0, i) + body + readme.slice(j + END.length);
}
