import { setMaxListeners } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import pLimit from 'p-limit';
import { ClusterError, UserError } from '../errors.js';
import type { KubeClient } from '../kube/client.js';
import { follow } from '../kube/watch.js';
import type { KubeObject } from '../model/manifest-set.js';
import { Ownership, releasePods, type ReleaseInventory, type WorkloadRef } from './inventory.js';

/**
 * `berth logs`: the logs of every container of every pod of a release's workloads, each line labelled with its
 * service, pod and container. Pods come from the release's inventory (inventory.ts), not from a label query.
 * With `follow`, a watch on the namespace's pods opens a stream for each container that starts later (a rollout,
 * a scale-up, a restart) and ends the streams of pods that go away: kube-apiserver keeps a followed log open as
 * long as the kubelet does, which for a deleted pod can be a while (kwok: forever).
 */

/** kubectl's `--max-log-requests` defaults to 5; a release of a dozen services × a few replicas needs more. */
export const DEFAULT_MAX_STREAMS = 50;

export interface LogsOptions {
  /** Only these services. */
  readonly services?: readonly string[];
  /** Only containers of this name (init containers and sidecars included). */
  readonly container?: string;
  readonly follow?: boolean;
  /** Only lines newer than this many seconds. */
  readonly sinceSeconds?: number;
  /** Only the last N lines of each container (of the containers running when the command starts, with `follow`). */
  readonly tailLines?: number;
  /** Only lines whose text matches. */
  readonly grep?: RegExp;
  /** The logs of each container's previous run (after a crash), for containers that restarted. */
  readonly previous?: boolean;
  /** Most streams open at once. @default 50 */
  readonly maxStreams?: number;
  /** Ends following. */
  readonly signal?: AbortSignal;
}

export interface LogLine {
  readonly service: string;
  readonly pod: string;
  readonly container: string;
  /** RFC 3339 time the container runtime recorded, when the server sent one. */
  readonly time?: string;
  readonly message: string;
}

export interface LogsSink {
  line(line: LogLine): void;
  /** Something about the streams rather than from them (a pod joined or went away, a container has no log yet). */
  note(text: string): void;
}

export interface LogsResult {
  /** Streams opened in total. */
  readonly streams: number;
  readonly lines: number;
}

export interface ContainerTarget {
  readonly name: string;
  readonly init: boolean;
  /** Its log can be read: it runs or ran (or, for `previous`, it has a previous run). */
  readonly readable: boolean;
  readonly restartCount: number;
  /** Why it cannot be read yet (`waiting: ContainerCreating`). */
  readonly why?: string;
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { running?: unknown; terminated?: unknown; waiting?: { reason?: string } };
  lastState?: { terminated?: unknown };
}

/** Every container of a pod (init containers and sidecars first, in spec order) and whether its log can be read. */
export function podContainers(pod: KubeObject, options: { previous?: boolean } = {}): ContainerTarget[] {
  const spec = (pod.spec ?? {}) as { initContainers?: { name: string }[]; containers?: { name: string }[] };
  const status = (pod.status ?? {}) as { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] };
  const one = (c: { name: string }, init: boolean): ContainerTarget => {
    const s = (init ? status.initContainerStatuses : status.containerStatuses)?.find((x) => x.name === c.name);
    const restartCount = s?.restartCount ?? 0;
    if (options.previous) {
      const had = Boolean(s?.lastState?.terminated);
      return { name: c.name, init, restartCount, readable: had, ...(had ? {} : { why: 'no previous run (it has not restarted)' }) };
    }
    const started = Boolean(s?.state?.running || s?.state?.terminated);
    const why = started ? undefined : s?.state?.waiting?.reason ? `waiting: ${s.state.waiting.reason}` : 'not started yet';
    return { name: c.name, init, restartCount, readable: started, ...(why ? { why } : {}) };
  };
  return [...(spec.initContainers ?? []).map((c) => one(c, true)), ...(spec.containers ?? []).map((c) => one(c, false))];
}

/** Splits the timestamp the API puts in front of each line with `timestamps=true`. */
export function splitTimestamp(raw: string): { time?: string; message: string } {
  const space = raw.indexOf(' ');
  const head = space === -1 ? raw : raw.slice(0, space);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(head)) {
    return { time: head, message: space === -1 ? '' : raw.slice(space + 1) };
  }
  return { message: raw };
}

/** Orders lines of several streams by time; lines without a time keep their place after the ones before them. */
export function mergeByTime(streams: readonly (readonly LogLine[])[]): LogLine[] {
  const all = streams.flatMap((lines, s) => lines.map((line, i) => ({ line, s, i })));
  return all
    .sort((a, b) => (a.line.time && b.line.time ? compareTimes(a.line.time, b.line.time) : 0) || a.s - b.s || a.i - b.i)
    .map((x) => x.line);
}

/** RFC 3339 times with different fraction lengths compare correctly once the fraction is padded. */
function compareTimes(a: string, b: string): number {
  const norm = (t: string) => t.replace(/(\.\d+)?Z$/, (_m, f: string | undefined) => `${(f ?? '.').padEnd(10, '0')}Z`);
  return norm(a) < norm(b) ? -1 : norm(a) > norm(b) ? 1 : 0;
}

/** Checks `--service` names against the release's services, with the list of valid ones. */
export function checkServices(inventory: ReleaseInventory, services: readonly string[] | undefined): void {
  if (!services) return;
  const known = new Set([...inventory.services.map((s) => s.name), ...inventory.workloads.map((w) => w.service)]);
  const unknown = services.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new UserError(`release ${inventory.release} has no service ${unknown.map((s) => `'${s}'`).join(', ')}`, {
      hint: `its services: ${[...known].sort().join(', ') || '(none)'}`,
    });
  }
}

function logAccessError(err: ClusterError, inventory: ReleaseInventory, client: KubeClient): ClusterError {
  return new ClusterError(`the cluster refuses to show pod logs in namespace ${inventory.namespace}: ${err.message}`, {
    status: err.status,
    hint: `the user of context ${client.context} needs "get" on "pods/log" in namespace ${inventory.namespace} (check: kubectl auth can-i get pods --subresource=log -n ${inventory.namespace})`,
  });
}

interface Target {
  readonly pod: KubeObject;
  readonly workload: WorkloadRef;
  readonly container: ContainerTarget;
}

function targetsOf(pod: KubeObject, workload: WorkloadRef, options: LogsOptions): Target[] {
  if (options.services && !options.services.includes(workload.service)) return [];
  return podContainers(pod, options)
    .filter((c) => !options.container || c.name === options.container)
    .map((container) => ({ pod, workload, container }));
}

/** Opens one container's log: a ClusterError when the API refuses, else the response to read lines from. */
async function openLog(
  client: KubeClient,
  t: Target,
  options: LogsOptions & { tail?: number },
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const { name, namespace } = t.pod.metadata;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace!)}/pods/${encodeURIComponent(name)}/log`;
  return client.stream(
    {
      path,
      query: {
        container: t.container.name,
        follow: options.follow ? true : undefined,
        previous: options.previous ? true : undefined,
        sinceSeconds: options.sinceSeconds,
        tailLines: options.tail,
        timestamps: true,
      },
    },
    { verb: 'read logs of', what: `Pod/${name} container ${t.container.name}`, namespace, server: client.server, context: client.context },
    signal,
  );
}

async function readLines(res: IncomingMessage, t: Target, grep: RegExp | undefined, emit: (l: LogLine) => void): Promise<void> {
  try {
    for await (const raw of createInterface({ input: res, crlfDelay: Infinity })) {
      const { time, message } = splitTimestamp(raw);
      if (grep && !grep.test(message)) continue;
      emit({ service: t.workload.service, pod: t.pod.metadata.name, container: t.container.name, ...(time ? { time } : {}), message });
    }
  } catch (err) {
    // An aborted stream (pod gone, Ctrl-C) ends quietly; so does a connection the server closed.
    if ((err as NodeJS.ErrnoException).code !== 'ABORT_ERR' && (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
  }
}

const label = (t: Target) => `${t.workload.service}/${t.pod.metadata.name}/${t.container.name}`;

/** Reads (or follows) the logs of a release. Resolves when every stream ended, or, with `follow`, when the signal aborts. */
export async function releaseLogs(client: KubeClient, inventory: ReleaseInventory, options: LogsOptions, sink: LogsSink): Promise<LogsResult> {
  checkServices(inventory, options.services);
  if (inventory.workloads.length === 0) {
    throw new UserError(`release ${inventory.release} in namespace ${inventory.namespace} has no workloads (Deployment, StatefulSet, DaemonSet, Job or CronJob), so no pods and no logs`);
  }
  const max = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  const ownership = new Ownership(client, inventory);
  const pods = await releasePods(client, ownership);
  const targets = pods.flatMap(({ pod, workload }) => targetsOf(pod, workload, options));
  if (options.container && targets.length === 0 && pods.length > 0) {
    throw new UserError(`no pod of release ${inventory.release} has a container named '${options.container}'`, {
      hint: `containers: ${[...new Set(pods.flatMap(({ pod }) => podContainers(pod).map((c) => c.name)))].sort().join(', ')}`,
    });
  }
  return options.follow ? followLogs(client, inventory, ownership, targets, options, max, sink) : readAll(client, inventory, targets, options, max, sink);
}

async function readAll(
  client: KubeClient,
  inventory: ReleaseInventory,
  targets: readonly Target[],
  options: LogsOptions,
  max: number,
  sink: LogsSink,
): Promise<LogsResult> {
  const readable = targets.filter((t) => t.container.readable);
  for (const t of targets) if (!t.container.readable) sink.note(`${label(t)}: no log (${t.container.why})`);
  if (readable.length === 0 && targets.length === 0) sink.note(`release ${inventory.release} has no pods in namespace ${inventory.namespace}`);
  const limit = pLimit(max);
  const controller = new AbortController();
  // One listener per stream on the shared signal is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const lines = await Promise.all(
    readable.map((t) =>
      limit(async () => {
        const out: LogLine[] = [];
        try {
          const res = await openLog(client, t, { ...options, follow: false, tail: options.tailLines }, controller.signal);
          await readLines(res, t, options.grep, (l) => out.push(l));
        } catch (err) {
          if (err instanceof ClusterError && (err.status === 401 || err.status === 403)) {
            controller.abort();
            throw logAccessError(err, inventory, client);
          }
          if (!(err instanceof ClusterError)) throw err;
          sink.note(`${label(t)}: ${err.message}`);
        }
        return out;
      }),
    ),
  );
  const merged = mergeByTime(lines);
  for (const l of merged) sink.line(l);
  return { streams: readable.length, lines: merged.length };
}

async function followLogs(
  client: KubeClient,
  inventory: ReleaseInventory,
  ownership: Ownership,
  initial: readonly Target[],
  options: LogsOptions,
  max: number,
  sink: LogsSink,
): Promise<LogsResult> {
  const initiallyReadable = initial.filter((t) => t.container.readable);
  if (initiallyReadable.length > max) {
    throw new UserError(
      `release ${inventory.release} has ${initiallyReadable.length} containers to follow, more than --max-log-requests ${max}`,
      { hint: 'follow fewer with --service a,b or --container NAME, or raise --max-log-requests' },
    );
  }
  const done = new AbortController();
  setMaxListeners(0, done.signal);
  const outer = options.signal;
  if (outer) {
    if (outer.aborted) done.abort();
    else outer.addEventListener('abort', () => done.abort(), { once: true });
  }
  /** Per `podUid/container`: the stream open now, and the restart count it was opened for. */
  const streams = new Map<string, { abort?: AbortController; restartCount: number; warned?: boolean }>();
  const running = new Set<Promise<void>>();
  let opened = 0;
  let lines = 0;
  let fatal: unknown;
  const active = () => [...streams.values()].filter((s) => s.abort).length;
  const startedAt = new Set(initial.map((t) => String(t.pod.metadata.uid)));

  const start = (t: Target, tail: number | undefined) => {
    const key = `${t.pod.metadata.uid}/${t.container.name}`;
    const prev = streams.get(key);
    if (prev?.abort || (prev && prev.restartCount >= t.container.restartCount)) return;
    if (active() >= max) {
      if (!prev?.warned) sink.note(`${label(t)}: not followed, ${max} streams are open already (--max-log-requests ${max})`);
      streams.set(key, { restartCount: -1, warned: true });
      return;
    }
    const abort = new AbortController();
    done.signal.addEventListener('abort', () => abort.abort(), { once: true });
    streams.set(key, { abort, restartCount: t.container.restartCount });
    opened++;
    const p = (async () => {
      try {
        const res = await openLog(client, t, { ...options, follow: true, tail }, abort.signal);
        await readLines(res, t, options.grep, (l) => {
          lines++;
          sink.line(l);
        });
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof ClusterError && (err.status === 401 || err.status === 403)) {
          fatal = logAccessError(err, inventory, client);
          done.abort();
          return;
        }
        if (!(err instanceof ClusterError)) {
          fatal = err;
          done.abort();
          return;
        }
        sink.note(`${label(t)}: ${err.message}`);
      } finally {
        const s = streams.get(key);
        if (s?.abort === abort) streams.set(key, { restartCount: s.restartCount });
      }
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  const stopPod = (pod: KubeObject) => {
    for (const [key, s] of streams) {
      if (!key.startsWith(`${pod.metadata.uid}/`)) continue;
      s.abort?.abort();
      streams.delete(key);
    }
  };

  for (const t of initiallyReadable) start(t, options.tailLines);
  for (const t of initial) if (!t.container.readable) sink.note(`${label(t)}: waiting for it to start (${t.container.why})`);

  const onPod = async (type: string, pod: KubeObject) => {
    if (type === 'DELETED') {
      if ([...streams.keys()].some((k) => k.startsWith(`${pod.metadata.uid}/`))) sink.note(`${pod.metadata.name}: pod deleted, its streams ended`);
      stopPod(pod);
      return;
    }
    const workload = await ownership.workloadOf(pod);
    if (!workload) return;
    const isNew = !startedAt.has(String(pod.metadata.uid));
    if (isNew) {
      startedAt.add(String(pod.metadata.uid));
      if (!options.services || options.services.includes(workload.service)) sink.note(`${workload.service}/${pod.metadata.name}: new pod`);
    }
    for (const t of targetsOf(pod, workload, options)) if (t.container.readable) start(t, undefined);
  };

  const watching = follow(client, 'v1', 'Pod', { namespace: inventory.namespace, signal: done.signal, onReconnect: (err) => sink.note(`pod watch reconnecting: ${(err as Error).message}`) }, (type, pod) => {
    onPod(type, pod).catch((err: unknown) => {
      fatal = err;
      done.abort();
    });
  }).catch((err: unknown) => {
    fatal = err;
    done.abort();
  });

  await new Promise<void>((resolve) => (done.signal.aborted ? resolve() : done.signal.addEventListener('abort', () => resolve(), { once: true })));
  await watching;
  await Promise.allSettled([...running]);
  if (fatal) throw fatal;
  return { streams: opened, lines };
}
