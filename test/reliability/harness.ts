/**
 * Helpers of the reliability suite (`npm run test:reliability`): real `berth` processes against the suite's own
 * local control plane (BERTH_TEST_CLUSTER, `berth-reliability` by default, see jest.config.js), started by the
 * integration global setup. Counts are env vars with full defaults; `BERTH_RELIABILITY=ci` selects the short ones
 * `.ci/run` uses.
 *
 * A case never asserts wall time: times are recorded as figures (results.ts), failures are invariants that broke.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from '../../src/cluster/exec.js';
import { cacheRoot, clusterDir } from '../../src/cluster/paths.js';
import { readProcesses } from '../../src/cluster/processes.js';
import { KubeClient } from '../../src/kube/client.js';
import { SecretRevisionStore } from '../../src/release/store.js';
import { ANNOTATION_RELEASE } from '../../lib/contract.js';
import { objectKey, type KubeObject } from '../../src/model/manifest-set.js';
import type { Revision, RevisionInfo } from '../../src/model/revision.js';
import { testKubeconfig } from '../integration/harness.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The integration tests' `waves` app: db ← api ← worker, so a deploy has three waves. Deploys here set `image` and
 * `worker` with --set only, so the suite depends on nothing but those two config fields.
 */
export const WAVES = join(ROOT, 'test', 'integration', 'deploy', 'fixtures', 'apps', 'waves');
export const WAVES_SERVICES = ['db', 'api', 'worker'] as const;

/** True for the short CI profile (`BERTH_RELIABILITY=ci`). */
export const CI_PROFILE = process.env.BERTH_RELIABILITY === 'ci';

/** A trial count: the env var when set, else the full or the CI default. */
export function count(envVar: string, full: number, ci: number): number {
  const raw = process.env[envVar];
  if (raw === undefined || raw === '') return CI_PROFILE ? ci : full;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${envVar}=${raw}: expected a whole number of trials`);
  return n;
}

/** The suite's cluster; refused when it is the shared one (jest.config.js refuses it too, this guards direct runs). */
export function clusterName(): string {
  const name = process.env.BERTH_TEST_CLUSTER ?? 'berth-reliability';
  if (name === 'berth-test') throw new Error('the reliability suite must not run on the shared berth-test cluster');
  return name;
}

/** `berth cluster up` of the suite's cluster: reuses it, restarting the components that are gone. */
export function clusterUp() {
  return execFile(process.execPath, [join(ROOT, 'bin', 'berth.cjs'), 'cluster', 'up', '--name', clusterName()], { timeoutMs: 180_000 });
}

/**
 * Makes sure every component of the suite's cluster runs, restarting the ones that are gone (as a kubelet or systemd
 * would), and returns their names. After an API-server outage kube-controller-manager and kube-scheduler may exit
 * late (lost leader lease) or a fresh copy may find the old one's port still bound and exit at once, so it checks
 * again a few seconds after each restart, up to three times. Every case file calls it first: a cluster left without a
 * scheduler would make each of its deploys hang until its timeout instead of failing the one trial that broke it.
 */
export async function ensureCluster(): Promise<string[]> {
  const restarted: string[] = [];
  for (let attempt = 1; ; attempt++) {
    const up = await clusterUp();
    if (up.code !== 0) throw new Error(`berth cluster up --name ${clusterName()} exited ${up.code}: ${up.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const started = startedComponents(up.stderr);
    if (started.length === 0) return restarted;
    restarted.push(...started);
    await sleep(5000);
    const dead = readProcesses(clusterDir(clusterName()), join(cacheRoot(), 'cluster')).filter((p) => !p.running);
    if (dead.length === 0) return restarted;
    if (attempt === 3) throw new Error(`cluster ${clusterName()}: ${dead.map((p) => p.component).join(', ')} exited again after 3 restarts; see ${clusterDir(clusterName())}/logs`);
  }
}

/** The components a `berth cluster up` said it started again. */
export function startedComponents(stderr: string): string[] {
  return /starting stopped components of cluster '[^']+': (.*)/.exec(stderr)?.[1]?.split(', ') ?? [];
}

export interface Line {
  /** Milliseconds since the process was spawned. */
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

export interface RunOptions {
  /** Another kubeconfig than the suite cluster's admin one (a ServiceAccount's, say). */
  readonly kubeconfig?: string;
  /** A command the CLI runs under, e.g. `UNSHARE` (another PID namespace). */
  readonly prefix?: readonly string[];
}

/** A running `node bin/berth.cjs ...` whose output is kept line by line with timestamps. */
export class CliRun {
  readonly lines: Line[] = [];
  readonly exited: Promise<Exit>;
  readonly pid: number;
  private readonly child;
  private readonly started = performance.now();
  private readonly listeners: ((line: Line) => void)[] = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: RunOptions = {}) {
    // CI mode: plain progress lines (one per state change) instead of a live terminal display, so they can be parsed.
    const [file, ...prefix] = [...(options.prefix ?? []), process.execPath];
    this.child = spawn(file!, [...prefix, 'bin/berth.cjs', ...args, '--kubeconfig', options.kubeconfig ?? testKubeconfig()], {
      cwd: ROOT,
      env: { ...process.env, CI: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid!;
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.child[stream].on('data', (d: Buffer) => {
        const parts = (partial + d.toString()).split('\n');
        partial = parts.pop()!;
        for (const text of parts) this.push({ at: this.elapsed(), stream, text });
      });
      this.child[stream].on('end', () => partial && this.push({ at: this.elapsed(), stream, text: partial }));
    }
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => resolve({ code, signal, ms: this.elapsed() }));
    });
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  get stdout(): string {
    return this.text('stdout');
  }

  get stderr(): string {
    return this.text('stderr');
  }

  text(stream: 'stdout' | 'stderr'): string {
    return this.lines.filter((l) => l.stream === stream).map((l) => `${l.text}\n`).join('');
  }

  /** Resolves with the first line (already seen or coming) that matches; never when the process ends without one. */
  waitForLine(match: (line: Line) => boolean): Promise<Line | undefined> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      this.listeners.push((line) => match(line) && resolve(line));
      void this.exited.then(() => resolve(undefined));
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  private push(line: Line): void {
    this.lines.push(line);
    for (const l of this.listeners) l(line);
  }
}

/** Runs the CLI to completion; a run still going after `timeoutMs` is SIGKILLed (a hang is a failure to report). */
export async function berth(args: readonly string[], options: RunOptions & { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun & { exit: Exit }> {
  const run = new CliRun(args, options.env, options);
  const timer = setTimeout(() => run.kill('SIGKILL'), options.timeoutMs ?? 240_000);
  const exit = await run.exited.finally(() => clearTimeout(timer));
  return Object.assign(run, { exit });
}

/** `deploy` of the waves app with a given image tag; history kept whole (`--history-max 0`) so gaps can be seen. */
export function wavesDeployArgs(namespace: string, release: string, tag: string, worker = true): string[] {
  return [
    'deploy', WAVES, '-r', release, '-n', namespace, '--env', 'v1', '--create-namespace', '--history-max', '0',
    '--set', `image=example.com/waves:${tag}`, '--set', `worker=${worker}`,
  ];
}

/** The phase a deploy was in at the last progress line it printed (CI mode), before the lock/plan split. */
export type ProgressPhase = 'synth' | 'lock-or-plan' | 'apply' | 'wait' | 'record' | 'completed';

/**
 * Reads the phase from a deploy's plain progress output: nothing before `deploying <app> ...` but start-up, connect
 * and synth; between it and the first service line the lock is taken and the plan made (no output: the caller tells
 * them apart by the Lease); `<service>: queued|applying` is apply (the pending revision is recorded just before),
 * `waiting` (or a wave ready while the next is not yet applied) is wait; every service ready is prune and record.
 */
export function progressPhase(lines: readonly Line[], services: readonly string[]): ProgressPhase {
  if (lines.some((l) => l.stream === 'stdout' && /: revision \d+ deployed/.test(l.text))) return 'completed';
  const state = new Map<string, string>();
  let deploying = false;
  for (const l of lines) {
    if (l.stream !== 'stderr') continue;
    if (/^deploying \S+ \S+ \(env /.test(l.text)) deploying = true;
    const m = /^(\S+): (queued|applying|waiting|ready|failed)\b/.exec(l.text);
    if (m && services.includes(m[1]!)) state.set(m[1]!, m[2]!);
  }
  if (!deploying) return 'synth';
  const last = [...state.values()];
  if (last.length === 0) return 'lock-or-plan';
  if (services.every((s) => state.get(s) === 'ready')) return 'record';
  const newest = lastServiceState(lines, services);
  return newest === 'queued' || newest === 'applying' ? 'apply' : 'wait';
}

function lastServiceState(lines: readonly Line[], services: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\S+): (queued|applying|waiting|ready|failed)\b/.exec(lines[i]!.text);
    if (lines[i]!.stream === 'stderr' && m && services.includes(m[1]!)) return m[2];
  }
  return undefined;
}

let cachedClient: KubeClient | undefined;

/** A client of the suite's cluster with a small retry budget (checks run after the cluster is known to be up). */
export async function client(): Promise<KubeClient> {
  cachedClient ??= await KubeClient.connect({ kubeconfig: testKubeconfig() });
  return cachedClient;
}

export async function store(namespace: string): Promise<SecretRevisionStore> {
  return new SecretRevisionStore(await client(), namespace);
}

/** The holder identity of the release's Lease, or undefined when there is none. */
export async function leaseHolder(namespace: string, release: string): Promise<string | undefined> {
  const lease = await (await client()).read<KubeObject & { spec?: { holderIdentity?: string } }>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: `berth-release-${release}`, namespace },
  });
  return lease?.spec?.holderIdentity;
}

export interface ReleaseState {
  /** What is wrong: empty when every invariant holds. */
  readonly problems: string[];
  readonly revisions: RevisionInfo[];
  /** The newest revision with status `deployed`, decoded. */
  readonly deployed?: Revision;
}

/**
 * The invariants every case checks after its follow-up deploy:
 * - no stuck release: no revision is `pending` (a killed run's revision must have been marked interrupted);
 * - no history gap: revision numbers are 1..N with none missing (deploys here keep the whole history);
 * - every revision is readable: each decodes (chunks, checksum, gzip, JSON) and says it is that revision;
 * - exactly one revision is `deployed`, and it is the newest;
 * - no orphans: every object carrying the release annotation and no owner reference (what the release itself wrote,
 *   not what controllers made from it) is in the deployed revision's manifests;
 * - live state equals the deployed revision: every object of its manifests exists, with every field it sets equal.
 */
export async function checkRelease(namespace: string, release: string): Promise<ReleaseState> {
  const problems: string[] = [];
  const s = await store(namespace);
  const revisions = await s.list(release);
  const numbers = revisions.map((r) => r.revision);
  const expected = numbers.map((_, i) => i + 1);
  if (numbers.join(',') !== expected.join(',')) problems.push(`revisions are ${numbers.join(', ')}: expected 1..${numbers.length} with no gap`);
  for (const r of revisions) if (r.status === 'pending') problems.push(`revision ${r.revision} is still pending`);
  const decoded: Revision[] = [];
  for (const r of revisions) {
    try {
      const rev = await s.get(release, r.revision);
      if (rev.revision !== r.revision) problems.push(`revision ${r.revision} decodes as revision ${rev.revision}`);
      decoded.push(rev);
    } catch (err) {
      problems.push(`revision ${r.revision} cannot be read: ${(err as Error).message}`);
    }
  }
  const deployedInfos = revisions.filter((r) => r.status === 'deployed');
  if (deployedInfos.length !== 1) problems.push(`${deployedInfos.length} revisions are deployed (${deployedInfos.map((r) => r.revision).join(', ')}): expected exactly one`);
  const newest = revisions.at(-1);
  if (newest && newest.status !== 'deployed') problems.push(`the newest revision ${newest.revision} is ${newest.status}, not deployed`);
  const deployed = decoded.filter((r) => r.status === 'deployed').at(-1);
  if (deployed) problems.push(...(await liveProblems(namespace, release, deployed)));
  return { problems, revisions, deployed };
}

/** Orphans, missing objects and fields whose live value differs from the revision's manifests. */
export async function liveProblems(namespace: string, release: string, rev: Revision): Promise<string[]> {
  const problems: string[] = [];
  const c = await client();
  const id = `${namespace}/${release}`;
  const live = (await c.listByLabel(namespace, '')).filter((o) => o.metadata.annotations?.[ANNOTATION_RELEASE] === id);
  const wanted = new Map(rev.manifests.map((o) => [objectKey({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? namespace } }), o]));
  for (const o of live) {
    const owned = Array.isArray(o.metadata.ownerReferences) && o.metadata.ownerReferences.length > 0;
    if (!owned && !wanted.has(objectKey(o))) problems.push(`orphan: ${o.kind}/${o.metadata.name} carries ${ANNOTATION_RELEASE}=${id} but is not in revision ${rev.revision}`);
  }
  const byKey = new Map(live.map((o) => [objectKey(o), o]));
  for (const [key, want] of wanted) {
    const got = byKey.get(key);
    if (!got) {
      problems.push(`missing: ${want.kind}/${want.metadata.name} of revision ${rev.revision} is not in the cluster`);
      continue;
    }
    // Secret data is compared by nobody here: a revision may keep it (today) or only a digest of it (rel-secrets).
    const { data: _d, stringData: _s, ...rest } = want as KubeObject & { data?: unknown; stringData?: unknown };
    const compared = want.kind === 'Secret' ? rest : want;
    for (const diff of subsetDiffs(compared, got, '')) problems.push(`${want.kind}/${want.metadata.name}: ${diff} (revision ${rev.revision})`);
  }
  return problems;
}

/** Paths where `got` lacks or differs from a value `want` sets; arrays must match element by element. */
export function subsetDiffs(want: unknown, got: unknown, path: string): string[] {
  if (want === null || typeof want !== 'object') {
    return want === got ? [] : [`${path || '.'} is ${JSON.stringify(got)}, revision has ${JSON.stringify(want)}`];
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${path} has ${Array.isArray(got) ? got.length : 'no'} items, revision has ${want.length}`];
    return want.flatMap((w, i) => subsetDiffs(w, got[i], `${path}[${i}]`));
  }
  if (got === null || typeof got !== 'object') return [`${path || '.'} is missing`];
  return Object.entries(want).flatMap(([k, v]) => subsetDiffs(v, (got as Record<string, unknown>)[k], `${path}.${k}`));
}

/** The image of each Deployment of a revision, by object name. */
export function deploymentImages(rev: Pick<Revision, 'manifests'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of rev.manifests) {
    if (o.kind !== 'Deployment') continue;
    const spec = (o as KubeObject & { spec: { template: { spec: { containers: { image: string }[] } } } }).spec;
    out[o.metadata.name] = spec.template.spec.containers[0]!.image;
  }
  return out;
}

/**
 * The images of each Deployment's ReplicaSets, oldest first by the deployment controller's revision number: the
 * order in which pod templates were applied. (Berth leaves revisionHistoryLimit at its default of 10.)
 */
export async function listReplicaSets(namespace: string, release: string): Promise<Record<string, string[]>> {
  type ReplicaSet = KubeObject & { spec: { template: { spec: { containers: { image: string }[] } } } };
  const sets = await (await client()).list<ReplicaSet>('apps/v1', 'ReplicaSet', { namespace });
  const out: Record<string, { revision: number; image: string }[]> = {};
  for (const rs of sets) {
    const owner = (rs.metadata.ownerReferences as { kind: string; name: string }[] | undefined)?.find((o) => o.kind === 'Deployment');
    if (!owner || !owner.name.startsWith(`${release}-`)) continue;
    (out[owner.name] ??= []).push({
      revision: Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision']),
      image: rs.spec.template.spec.containers[0]!.image,
    });
  }
  return Object.fromEntries(Object.entries(out).map(([name, list]) => [name, list.sort((a, b) => a.revision - b.revision).map((x) => x.image)]));
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

/** A uniformly random integer in [min, max]. */
export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (Math.max(min, max) - min + 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The promise's value, or undefined when it has not settled within `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
