// Synth benchmarks: the same N-service system rendered by Berth, `cdk8s synth` and `helm template`,
// each as a cold process, each checked to produce the 5 N objects.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { CommandFailed, measure, measureAlternating, runOnce } from './measure.mjs';
import { BERTH, CDK8S, ROOT, TSC } from './tools.mjs';
import { CHANGED_SERVICE, RELEASE } from '../spec.mjs';

export const OBJECTS_PER_SERVICE = 5;
/** Berth prints its phase marks on stderr with this (src/util/timing.ts); the bench reads them. */
const TIMING = { BERTH_TIMING: '1' };

/** Number of top-level objects in a YAML stream (documents start with `apiVersion:` or have `kind:` at column 0). */
export function countObjects(yamlText) {
  return (yamlText.match(/^kind: /gm) ?? []).length;
}

function yamlUnder(dir) {
  let text = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) text += yamlUnder(p);
    else if (/\.ya?ml$/.test(name)) text += `${readFileSync(p, 'utf8')}\n`;
  }
  return text;
}

function expectObjects(what, n, text) {
  const got = countObjects(text);
  if (got !== OBJECTS_PER_SERVICE * n) {
    throw new Error(`${what}: expected ${OBJECTS_PER_SERVICE * n} objects for N=${n}, got ${got}`);
  }
}

export function berthSynthArgs(paths, out, env = 'default', namespace = RELEASE) {
  return [BERTH, 'synth', paths.berthApp, '--env', env, '--release', RELEASE, '--namespace', namespace, '--out', out];
}

/**
 * Empties an output directory before a timed run by moving it aside (one rename), not by deleting it: on this ext4
 * (mounted with `discard`) the files of a run deleted just before the next one made that run's 500 writes take
 * ~300 ms more than writing into a directory that never existed. What was moved aside is deleted with `trash` after
 * the measurements.
 */
function emptier(dir, trash) {
  return () => {
    if (!existsSync(dir)) return;
    try {
      renameSync(dir, join(mkdtempSync(join(trash, 'run-')), 'out'));
    } catch (err) {
      // another file system (EXDEV): deleted after all
      if (err.code !== 'EXDEV') throw err;
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Each entry: `{ tool, variant, n, medianMs, minMs, peakRssMiB, reps }` or `{ tool, variant, n, skipped }`. */
export async function synthBenchmarks({ sets, tools, reps, repsSlow, log }) {
  const results = [];
  const record = async (tool, variant, n, fn) => {
    const label = `${tool}${variant ? ` (${variant})` : ''} N=${n}`;
    try {
      const loadBefore = loadavg()[0];
      const r = await fn();
      r.loadAverage = [loadBefore, loadavg()[0]].map((x) => Math.round(x * 100) / 100);
      log(`  ${label.padEnd(40)} median ${r.medianMs} ms  min ${r.minMs} ms  peak RSS ${r.peakRssMiB ?? '?'} MiB`);
      results.push({ tool, variant, n, ...r });
    } catch (err) {
      const reason = err instanceof CommandFailed ? err.message : String(err.message ?? err);
      log(`  ${label.padEnd(40)} FAILED: ${reason.split('\n').slice(0, 6).join('\n      ')}`);
      results.push({ tool, variant, n, failed: reason });
    }
  };
  const skip = (tool, variant, n, reason) => {
    log(`  ${`${tool}${variant ? ` (${variant})` : ''} N=${n}`.padEnd(40)} skipped: ${reason}`);
    results.push({ tool, variant, n, skipped: reason });
  };

  // Berth under the current LTS Node too, where there is one (tools.node24): its rows' variants end in this suffix.
  const lts = tools.node24?.available ? { path: tools.node24.path, suffix: `, Node ${tools.node24.version}` } : undefined;
  if (!lts && tools.node24) log(`  berth under the LTS Node: not measured (${tools.node24.reason})`);
  /** [node, variant suffix] of each Node Berth is measured under. */
  const runtimes = [[process.execPath, ''], ...(lts ? [[lts.path, lts.suffix]] : [])];
  for (const paths of sets) {
    const { n } = paths;
    log(`synth N=${n} (${OBJECTS_PER_SERVICE * n} objects)`);
    const out = mkdtempSync(join(tmpdir(), 'berth-bench-out-'));
    const trash = mkdtempSync(join(tmpdir(), 'berth-bench-trash-'));
    // Berth's warm synth and helm template's default render: each measured alone below, then the two in alternation.
    const berthArgs = [...berthSynthArgs(paths, out), '-o', 'json'];
    const berthCheck = () => expectObjects('berth synth', n, yamlUnder(out));
    const helmArgs = ['template', RELEASE, paths.helm, '--namespace', RELEASE];
    const helmCheck = (r) => expectObjects('helm template', n, r.stdout);
    try {
      // Berth
      if (!tools.berth.available) skip('berth', 'warm bundle cache', n, tools.berth.reason);
      else if (!tools.berth.commands.includes('synth')) skip('berth', 'warm bundle cache', n, 'the berth CLI has no synth command yet');
      else {
        const clean = emptier(out, trash);
        // One untimed run builds the CLI bundle and the app bundle: the warm case is a user re-running synth.
        const warm = await runOnce(process.execPath, berthArgs, { cwd: ROOT });
        if (warm.code !== 0) skip('berth', 'warm bundle cache', n, new CommandFailed('berth synth', warm).message);
        else {
          const phases = (r) => berthPhases(r.stdout, r.stderr);
          await record('berth', 'warm bundle cache', n, () => measure('berth synth', process.execPath, berthArgs, { cwd: ROOT, env: TIMING, reps, prepare: clean, check: berthCheck, phases }));
          // The same under the current LTS Node (one untimed run makes that Node's code caches).
          if (lts) {
            const first = await runOnce(lts.path, berthArgs, { cwd: ROOT });
            if (first.code !== 0) skip('berth', `warm bundle cache${lts.suffix}`, n, new CommandFailed('berth synth', first).message);
            else await record('berth', `warm bundle cache${lts.suffix}`, n, () => measure('berth synth', lts.path, berthArgs, { cwd: ROOT, env: TIMING, reps, prepare: clean, check: berthCheck, phases }));
          }
          // Some machines (these among them) set NODE_EXTRA_CA_CERTS to the whole system CA bundle, which Node reads and
          // parses at every process start, before any of Berth's code (~35–60 ms here); helm, in Go, does not read it.
          // The figure above is what a user of this machine sees; this one what a machine without the variable sees.
          if (process.env.NODE_EXTRA_CA_CERTS) {
            await record('berth', 'warm, without NODE_EXTRA_CA_CERTS', n, () =>
              measure('berth synth', process.execPath, berthArgs, { cwd: ROOT, env: { ...TIMING, NODE_EXTRA_CA_CERTS: undefined }, reps, prepare: clean, check: berthCheck, phases }),
            );
          }
          // A values change with no code change: a values file (the default env's config with svc-007's tag moved)
          // that is new in every run, so nothing of an earlier run's output can be reused; no TypeScript changed.
          const valuesDir = mkdtempSync(join(tmpdir(), 'berth-bench-values-'));
          try {
            const envText = readFileSync(join(paths.berthApp, 'env', 'default.ts'), 'utf8');
            const base = JSON.parse(envText.slice(envText.indexOf('export default ') + 'export default '.length, envText.lastIndexOf(' satisfies')));
            const valuesFile = join(valuesDir, 'values.yaml');
            let run = 0;
            for (const [node, suffix] of runtimes) {
              await record('berth', `values change (-f, new values each run)${suffix}`, n, () =>
                measure('berth synth', node, [...berthArgs, '-f', valuesFile], {
                  cwd: ROOT,
                  env: TIMING,
                  reps,
                  prepare: () => {
                    clean();
                    const services = base.services.map((svc) => (svc.name === CHANGED_SERVICE ? { ...svc, tag: `1.0.${run++ + 2}` } : svc));
                    // Block YAML, as people write values files (and as helm's values-change.yaml is).
                    writeFileSync(valuesFile, dump({ services }));
                  },
                  check: berthCheck,
                  phases,
                }),
              );
            }
          } finally {
            rmSync(valuesDir, { recursive: true, force: true });
          }
          // After an app edit: the app's sources changed since the last synth, so esbuild bundles it again and the
          // type check runs again (beside the bundling); the phases say how long the render itself took.
          const appFile = join(paths.berthApp, 'index.ts');
          const original = readFileSync(appFile, 'utf8');
          try {
            await record('berth', 'after an app edit', n, () =>
              measure('berth synth', process.execPath, berthArgs, {
                cwd: ROOT,
                env: TIMING,
                reps,
                prepare: (i) => {
                  clean();
                  appendFileSync(appFile, `// bench edit ${Date.now()}-${i}\n`);
                },
                check: berthCheck,
                phases,
              }),
            );
          } finally {
            writeFileSync(appFile, original);
          }
        }
      }

      // cdk8s: the default path of a `cdk8s init typescript-app` project (ts-node), then the same program
      // compiled ahead of time, which is the fastest cdk8s can be.
      if (!tools.cdk8s.available) skip('cdk8s synth', 'ts-node (default)', n, tools.cdk8s.reason);
      else {
        const dist = join(paths.cdk8s, 'dist');
        const check = () => expectObjects('cdk8s synth', n, yamlUnder(dist));
        const clean = emptier(dist, trash);
        await record('cdk8s synth', 'ts-node (default)', n, () =>
          measure('cdk8s synth', CDK8S, ['synth', '--check-upgrade=false'], { cwd: paths.cdk8s, reps: repsSlow, prepare: clean, check }),
        );
        const compiled = await runOnce(TSC, ['-p', '.'], { cwd: paths.cdk8s });
        if (compiled.code !== 0) skip('cdk8s synth', 'precompiled JS', n, new CommandFailed('tsc', compiled).message);
        else {
          await record('cdk8s synth', 'precompiled JS', n, () =>
            measure('cdk8s synth', CDK8S, ['synth', '--check-upgrade=false', '--app', 'node main.js'], {
              cwd: paths.cdk8s,
              reps,
              prepare: clean,
              check,
            }),
          );
        }
      }

      // helm template, every built version
      for (const [version, helm] of Object.entries(tools.helm)) {
        if (!helm.available) {
          skip(`helm template`, version, n, helm.reason);
          continue;
        }
        await record('helm template', version, n, () =>
          measure('helm template', helm.path, helmArgs, { reps, env: helmEnv(), check: helmCheck }),
        );
        await record('helm template', `${version}, values change (-f values-change.yaml)`, n, () =>
          measure('helm template', helm.path, [...helmArgs, '-f', join(paths.helm, 'values-change.yaml')], { reps, env: helmEnv(), check: helmCheck }),
        );
      }

      // The headline ratio, measured so that it survives a machine whose speed drifts: Berth warm (into 500 new files,
      // and as one stream on stdout, which is what helm template prints) and helm template v4 in alternation (the rows
      // above run one tool's repetitions after the other's, seconds apart).
      const helm4 = Object.entries(tools.helm).find(([version, h]) => version.startsWith('v4') && h.available);
      if (helm4 && tools.berth.available && results.some((e) => e.tool === 'berth' && e.variant === 'warm bundle cache' && e.n === n && e.medianMs)) {
        const [version, helm] = helm4;
        const label = (tool, variant) => `${tool} (${variant}) N=${n}`;
        try {
          // The app edit above restored index.ts: one untimed run bundles it again, so that every timed run is warm.
          const warm = await runOnce(process.execPath, berthArgs, { cwd: ROOT });
          if (warm.code !== 0) throw new CommandFailed('berth synth', warm);
          // Berth into 500 new files and as one YAML stream on stdout (what `helm template` does: no files), under the
          // Node running the bench and under the LTS Node, each as [tool, variant, command].
          const berthRuns = runtimes.flatMap(([node, suffix]) => [
            [
              'berth',
              `warm${suffix}, alternating with helm ${version}`,
              { what: 'berth synth', cmd: node, args: berthArgs, opts: { cwd: ROOT, env: TIMING, prepare: emptier(out, trash), check: berthCheck } },
            ],
            [
              'berth',
              `warm --stdout${suffix}, alternating with helm ${version}`,
              { what: 'berth synth --stdout', cmd: node, args: [...berthSynthArgs(paths, out), '--stdout'], opts: { cwd: ROOT, check: (r) => expectObjects('berth synth --stdout', n, r.stdout) } },
            ],
          ]);
          const helmRun = ['helm template', `${version}, alternating with berth warm`, { what: 'helm template', cmd: helm.path, args: helmArgs, opts: { env: helmEnv(), check: helmCheck } }];
          const all = [...berthRuns, helmRun];
          const loadBefore = loadavg()[0];
          const measured = await measureAlternating(all.map(([, , command]) => command), reps * 2);
          const loadAverage = [loadBefore, loadavg()[0]].map((x) => Math.round(x * 100) / 100);
          const pairs = all.map(([tool, variant], i) => [tool, variant, measured[i]]);
          for (const [tool, variant, r] of pairs) {
            log(`  ${label(tool, variant).padEnd(40)} median ${r.medianMs} ms  min ${r.minMs} ms  peak RSS ${r.peakRssMiB ?? '?'} MiB`);
            results.push({ tool, variant, n, ...r, loadAverage });
          }
        } catch (err) {
          const reason = err instanceof CommandFailed ? err.message : String(err.message ?? err);
          log(`  ${label('berth', `warm, alternating with helm ${version}`).padEnd(40)} FAILED: ${reason.split('\n')[0]}`);
          results.push({ tool: 'berth', variant: `warm, alternating with helm ${version}`, n, failed: reason });
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(trash, { recursive: true, force: true });
    }
  }
  return results;
}

/**
 * Berth's phases, from its `BERTH_TIMING=1` marks on stderr (`timing <ms since start> cpu <ms> <mark>`) and the
 * report of `synth -o json`: `start` = process start to the synth command's modules loaded; `bundle + type check` =
 * esbuild and the app's type check, which run side by side (cached when nothing changed); `config schema` = the
 * config schema written beside the manifests (extracted again after an edit); `render` = the report's `ms`, rendering
 * and writing the manifests.
 */
function berthPhases(stdout, stderr) {
  const marks = {};
  for (const m of stderr.matchAll(/^timing\s+([\d.]+) ms\s+cpu\s+\d+ ms\s+(?:rss\s+\d+ MiB\s+)?(.+)$/gm)) marks[m[2].trim()] ??= Number(m[1]);
  const out = {};
  const span = (name, from, to) => {
    if (marks[from] !== undefined && marks[to] !== undefined) out[name] = Math.round(marks[to] - marks[from]);
  };
  if (marks['synth modules loaded'] !== undefined) out.start = Math.round(marks['synth modules loaded']);
  span('bundle + type check', 'synth modules loaded', 'type check done');
  span('config schema', 'bundle loaded', 'schema written');
  try {
    const reports = JSON.parse(stdout);
    let render = 0;
    for (const r of Array.isArray(reports) ? reports : []) render += typeof r.ms === 'number' ? r.ms : 0;
    out.render = render;
  } catch {
    // no report: no render figure
  }
  return out;
}

/** Helm's own state goes under bench/work, not into the user's ~/.config/helm. */
export function helmEnv(extra = {}) {
  const base = join(ROOT, 'bench', 'work', 'helm-home');
  return {
    HELM_CACHE_HOME: join(base, 'cache'),
    HELM_CONFIG_HOME: join(base, 'config'),
    HELM_DATA_HOME: join(base, 'data'),
    ...extra,
  };
}
