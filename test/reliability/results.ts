/**
 * Recorded figures of a reliability run. Every case file adds its result in its afterAll to
 * `bench/reliability/results/<run>.json` (the run id comes from jest.config.js; files run one after another, so the
 * read-modify-write is safe) and rewrites the table in `bench/reliability/README.md` between its markers from that
 * file. `BERTH_RELIABILITY_WRITE=0` writes nothing (a quick look at one case).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { CI_PROFILE, ROOT } from './harness.js';

export interface Figure {
  /** What is measured, e.g. `median follow-up deploy`. */
  readonly label: string;
  readonly value: number | null;
  readonly unit: string;
}

export interface CaseResult {
  /** Stable id: sigkill, concurrent, apiserver-kill, secret-leak, lock-pidns, lock-paused, namespace-role. */
  readonly id: string;
  /** The row's name in the table. */
  readonly title: string;
  readonly trials: number;
  readonly passed: number;
  readonly failed: number;
  readonly figure: Figure;
  /** More figures worth a line under the table (phase counts, outcomes). */
  readonly summary?: string;
  /** Per trial or per check: what happened. */
  readonly details: readonly unknown[];
}

interface RunFile {
  run: string;
  profile: 'ci' | 'full';
  /** Counts overridden by env vars, if any. */
  overrides: Record<string, string>;
  commit: string;
  dirty: boolean;
  cluster: string;
  machine: { cores: number; node: string; loadavgAtStart: number[] };
  cases: Record<string, CaseResult & { recordedAt: string; loadavg: number[] }>;
}

const DIR = join(ROOT, 'bench', 'reliability');
const BEGIN = '<!-- reliability-results:begin -->';
const END = '<!-- reliability-results:end -->';

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Adds one case to this run's results file and rewrites the README table. Returns the results file path. */
export function recordCase(result: CaseResult): string | undefined {
  if (process.env.BERTH_RELIABILITY_WRITE === '0') return undefined;
  const run = process.env.BERTH_RELIABILITY_RUN ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = join(DIR, 'results', `${run}.json`);
  mkdirSync(join(DIR, 'results'), { recursive: true });
  const data: RunFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as RunFile)
    : {
        run,
        profile: CI_PROFILE ? 'ci' : 'full',
        overrides: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BERTH_REL_')) as [string, string][]),
        commit: git(['rev-parse', '--short', 'HEAD']),
        // Results files and the README table are written by the run itself; other changes make the commit inexact.
        dirty: git(['status', '--porcelain', '--', '.', ':!bench/reliability']) !== '',
        cluster: process.env.BERTH_TEST_CLUSTER ?? '',
        machine: { cores: cpus().length, node: process.version, loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))) },
        cases: {},
      };
  data.cases[result.id] = { ...result, recordedAt: new Date().toISOString(), loadavg: loadavg().map((x) => Number(x.toFixed(2))) };
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  writeReadmeTable(data, `results/${run}.json`);
  return file;
}

const ORDER = ['sigkill', 'concurrent', 'apiserver-kill', 'secret-leak', 'lock-pidns', 'lock-paused', 'namespace-role'];

function figureText(f: Figure): string {
  if (f.value === null) return `${f.label}: none`;
  return `${f.label}: ${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)}${f.unit ? ` ${f.unit}` : ''}`;
}

function writeReadmeTable(data: RunFile, relFile: string): void {
  const readme = join(DIR, 'README.md');
  if (!existsSync(readme)) return;
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) return;
  const cases = Object.values(data.cases).sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const overrides = Object.entries(data.overrides).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    BEGIN,
    `Run \`${data.run}\` ([${relFile}](${relFile})): ${data.profile === 'ci' ? 'CI counts (`BERTH_RELIABILITY=ci`)' : 'full counts'}` +
      `${overrides ? ` with ${overrides}` : ''}, commit ${data.commit}${data.dirty ? ' + uncommitted changes' : ''}, ` +
      `cluster ${data.cluster}, ${data.machine.cores} cores, load average ${data.machine.loadavgAtStart.join(' / ')} at start.`,
    '',
    '| case | trials | passed | failed | figure |',
    '| --- | ---: | ---: | ---: | --- |',
    ...cases.map((c) => `| ${c.title} | ${c.trials} | ${c.passed} | ${c.failed} | ${figureText(c.figure)} |`),
    '',
    ...cases.filter((c) => c.summary).map((c) => `- ${c.title}: ${c.summary}`),
    END,
  ];
  writeFileSync(readme, text.slice(0, from) + lines.join('\n') + text.slice(to + END.length));
}
