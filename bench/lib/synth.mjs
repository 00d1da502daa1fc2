// Synth benchmarks: the same N-service system rendered by Berth, `cdk8s synth` and `helm template`,
// each as a cold process, each checked to produce the 5 N objects.
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailed, measure, runOnce } from './measure.mjs';
import { BERTH, CDK8S, ROOT, TSC } from './tools.mjs';
import { RELEASE } from '../spec.mjs';

export const OBJECTS_PER_SERVICE = 5;

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

/** Each entry: `{ tool, variant, n, medianMs, minMs, peakRssMiB, reps }` or `{ tool, variant, n, skipped }`. */
export async function synthBenchmarks({ sets, tools, reps, repsSlow, log }) {
  const results = [];
  const record = async (tool, variant, n, fn) => {
    const label = `${tool}${variant ? ` (${variant})` : ''} N=${n}`;
    try {
      const r = await fn();
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

  for (const paths of sets) {
    const { n } = paths;
    log(`synth N=${n} (${OBJECTS_PER_SERVICE * n} objects)`);
    const out = mkdtempSync(join(tmpdir(), 'berth-bench-out-'));
    try {
      // Berth
      if (!tools.berth.available) skip('berth', 'warm bundle cache', n, tools.berth.reason);
      else if (!tools.berth.commands.includes('synth')) skip('berth', 'warm bundle cache', n, 'the berth CLI has no synth command yet');
      else {
        const args = berthSynthArgs(paths, out);
        const check = () => expectObjects('berth synth', n, yamlUnder(out));
        const clean = () => rmSync(out, { recursive: true, force: true });
        // One untimed run builds the CLI bundle and the app bundle: the warm case is a user re-running synth.
        const warm = await runOnce(process.execPath, args, { cwd: ROOT });
        if (warm.code !== 0) skip('berth', 'warm bundle cache', n, new CommandFailed('berth synth', warm).message);
        else {
          await record('berth', 'warm bundle cache', n, () => measure('berth synth', process.execPath, args, { cwd: ROOT, reps, prepare: clean, check }));
          // The cold case: the app's sources changed since the last synth, so esbuild bundles it again.
          const envFile = join(paths.berthApp, 'env', 'default.ts');
          const original = readFileSync(envFile, 'utf8');
          try {
            await record('berth', 'cold bundle cache', n, () =>
              measure('berth synth', process.execPath, args, {
                cwd: ROOT,
                reps,
                prepare: (i) => {
                  clean();
                  appendFileSync(envFile, `// bench edit ${Date.now()}-${i}\n`);
                },
                check,
              }),
            );
          } finally {
            writeFileSync(envFile, original);
          }
        }
      }

      // cdk8s: the default path of a `cdk8s init typescript-app` project (ts-node), then the same program
      // compiled ahead of time, which is the fastest cdk8s can be.
      if (!tools.cdk8s.available) skip('cdk8s synth', 'ts-node (default)', n, tools.cdk8s.reason);
      else {
        const dist = join(paths.cdk8s, 'dist');
        const check = () => expectObjects('cdk8s synth', n, yamlUnder(dist));
        const clean = () => rmSync(dist, { recursive: true, force: true });
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
          measure('helm template', helm.path, ['template', RELEASE, paths.helm, '--namespace', RELEASE], {
            reps,
            env: helmEnv(),
            check: (r) => expectObjects('helm template', n, r.stdout),
          }),
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return results;
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
