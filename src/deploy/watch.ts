import pLimit from 'p-limit';
import type { KubeApi, ListOptions } from '../model/kube-api.js';
import { ClusterError } from '../errors.js';
import { parseLabelSelector } from '../model/label-selector.js';
import { sleep } from '../util/process.js';
import { LABEL_NAME, objectRef, type KubeObject } from '../model/manifest-set.js';
import type { ServiceState } from './context.js';
import { API_CONCURRENCY } from './live.js';
import { hasReadinessRule, readiness, type Readiness } from '../model/wait/index.js';
import { currentPods, podReadiness } from '../model/wait/pod.js';
import { waiting } from '../model/wait/types.js';
import { newestFirst, podIsReady, podProblems, problemLine, toEventInfo, type EventInfo } from '../model/pod-problems.js';

export interface WaitOutcome {
  readonly ok: boolean;
  /** Why not: the first terminal failure, or every object still not ready at the deadline. */
  readonly message: string;
}

export interface WaitOptions extends PodCheckOptions {
  /** Epoch milliseconds after which waiting stops with a failure. */
  readonly deadline: number;
  /** Total timeout as given by the user, for the message. */
  readonly timeoutMs: number;
  /** Polling only: the longest pause between two rounds. @default 1000 */
  readonly intervalMs?: number;
  /** Shared by the waits of one run (see ReadinessSource). @default watches, for this wait alone */
  readonly source?: ReadinessSource;
  /** A one-off line for the user (the switch to polling). */
  readonly onNote?: (line: string) => void;
  /** Stops waiting with a failure when aborted (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly onService?: (service: string, state: ServiceState, message: string) => void;
  /**
   * Live copies of objects nothing has written since they were read. When every object is ready in them, that is the
   * outcome, without a watch (a no-op redeploy); otherwise the wait watches as usual.
   */
  readonly known?: ReadonlyMap<KubeObject, KubeObject | undefined>;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

export interface PodCheckOptions {
  /** Restarts after which a crash-looping container fails the service (a pod's own annotation wins). */
  readonly crashLoopRestarts?: number;
}

/**
 * The most telling problem of a workload's pods (a waiting container's reason, an unschedulable pod), if any, as a
 * readiness: `done` when a pod of the latest template fails for good (see `podReadiness`), so the wait stops now.
 */
export async function podProblem(client: Pick<KubeApi, 'list' | 'read'>, workload: KubeObject, options: PodCheckOptions = {}): Promise<Readiness | undefined> {
  const matchLabels = ((workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels) ?? {};
  const selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
  const namespace = workload.metadata.namespace;
  if (!selector || !namespace) return undefined;
  const pods = await client.list('v1', 'Pod', { namespace, labelSelector: selector });
  const troubled = pods.filter((p) => !podIsReady(p));
  if (troubled.length === 0) return undefined;
  const replicaSets = workload.kind === 'Deployment' ? await client.list('apps/v1', 'ReplicaSet', { namespace, labelSelector: selector }) : [];
  const current = new Set(currentPods(workload, troubled, replicaSets));
  let events: EventInfo[] | undefined;
  for (const pod of troubled) {
    let r = podReadiness(pod, options);
    if (r.done && current.has(pod)) {
      // The registry's answer (`manifest unknown`, `unauthorized`) is only in the kubelet's events.
      if (/ImagePull|ErrImage/.test(r.message)) {
        events ??= newestFirst((await client.list('v1', 'Event', { namespace })).map(toEventInfo));
        r = podReadiness(pod, { ...options, events });
      }
      return r;
    }
  }
  for (const pod of troubled) {
    const problem = podProblems(pod)[0];
    if (!problem) continue;
    if (problem.reason === 'Unschedulable' && /PersistentVolumeClaim/.test(problem.message)) {
      const claim = await claimProblem(client, pod);
      if (claim) return waiting(`pod ${pod.metadata.name} waits for ${claim}`);
    }
    return waiting(`pod ${pod.metadata.name}: ${problemLine(problem)}`);
  }
  return undefined;
}

/** Why a claim of the pod is not bound, from the newest warning event about it (`ProvisioningFailed: ...`). */
async function claimProblem(client: Pick<KubeApi, 'list' | 'read'>, pod: KubeObject): Promise<string | undefined> {
  const namespace = pod.metadata.namespace!;
  const volumes = ((pod.spec as { volumes?: { persistentVolumeClaim?: { claimName: string } }[] } | undefined)?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => Boolean(n));
  for (const name of volumes) {
    const pvc = await client.read({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace } });
    if ((pvc?.status as { phase?: string } | undefined)?.phase === 'Bound') continue;
    const events = (await client.list('v1', 'Event', { namespace })) as (KubeObject & {
      involvedObject?: { kind?: string; name?: string };
      type?: string;
      reason?: string;
      message?: string;
      lastTimestamp?: string;
      eventTime?: string;
    })[];
    const warning = events
      .filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && e.involvedObject.name === name && e.type === 'Warning')
      .sort((a, b) => String(b.lastTimestamp ?? b.eventTime ?? '').localeCompare(String(a.lastTimestamp ?? a.eventTime ?? '')))[0];
    return `PersistentVolumeClaim ${name}${warning ? `: ${warning.reason}: ${warning.message}` : ' to be bound'}`;
  }
  return undefined;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}` : `${s}s`;
}

/**
 * How readiness arrives during one run: by watches, or by polling once the cluster refused a watch (RBAC without
 * the `watch` verb), which the run says once. Shared by the waits of a run, so later waves poll without asking again.
 */
export interface ReadinessSource {
  polling: boolean;
}

/**
 * Waits until every object is ready, one fails for good, or the deadline passes, reporting each service's state as
 * it changes (ready / waiting with the cluster's reason / failed). States arrive by watches (see `watchForReady`);
 * when the cluster forbids watching, by polling, with one notice.
 */
/**
 * Whether every object with a readiness rule is ready in the copies given (`known`, as a plan read them): what
 * `waitForReady` would then answer at once, without a request.
 */
export function readyInCopies(objects: readonly KubeObject[], known: (o: KubeObject) => KubeObject | undefined): boolean {
  for (const o of objects) {
    if (!hasReadinessRule(o)) continue;
    const current = known(o);
    const r = current && readiness(current);
    if (!r?.done || !r.ok) return false;
  }
  return true;
}

export async function waitForReady(client: KubeApi, objects: readonly KubeObject[], options: WaitOptions): Promise<WaitOutcome> {
  if (options.known) {
    const watched = objects.filter((o) => hasReadinessRule(o));
    const last = new Map<KubeObject, Readiness>();
    for (const o of watched) {
      const current = options.known.get(o);
      const r = current && readiness(current);
      if (!r?.done || !r.ok) break;
      last.set(o, r);
    }
    const outcome = last.size === watched.length ? judge(objects, last, options) : undefined;
    if (outcome?.ok) return outcome;
  }
  const source = options.source ?? { polling: false };
  if (!source.polling && objects.some((o) => hasReadinessRule(o))) {
    try {
      return await watchForReady(client, objects, options);
    } catch (err) {
      if (!(err instanceof ClusterError && (err.status === 401 || err.status === 403))) throw err;
      source.polling = true;
      options.onNote?.(`cannot watch readiness (${err.message.split('\n')[0]}); polling instead`);
    }
  }
  return pollForReady(client, objects, options);
}

/** The readiness of one live object (absent: not found), with its pods' most telling problem for a workload. */
async function objectReadiness(client: Pick<KubeApi, 'list' | 'read'>, current: KubeObject | undefined, options: PodCheckOptions): Promise<Readiness> {
  let r: Readiness = current ? readiness(current) : { done: false, ok: false, message: 'not found' };
  if (current && !r.done && WORKLOADS.has(current.kind)) {
    const problem = await podProblem(client, current, options);
    if (problem?.done) r = problem;
    else if (problem) r = { ...r, message: `${r.message}; ${problem.message}` };
  }
  return r;
}

/** Reports each service's state, and says whether the wait is over: the outcome, or undefined to go on. */
function judge(objects: readonly KubeObject[], last: ReadonlyMap<KubeObject, Readiness>, options: WaitOptions): WaitOutcome | undefined {
  const services = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const s = o.metadata.labels?.[LABEL_NAME];
    if (s) services.set(s, [...(services.get(s) ?? []), o]);
  }
  for (const [service, objs] of services) {
    const states = objs.map((o) => ({ o, r: last.get(o) ?? { done: true, ok: true, message: 'exists' } }));
    const failed = states.find((s) => s.r.done && !s.r.ok);
    const pending = states.find((s) => !s.r.done);
    if (failed) options.onService?.(service, 'failed', `${objectRef(failed.o)}: ${failed.r.message}`);
    else if (pending) options.onService?.(service, 'waiting', `${objectRef(pending.o)}: ${pending.r.message}`);
    else options.onService?.(service, 'ready', states.filter((s) => hasReadinessRule(s.o)).map((s) => `${objectRef(s.o)}: ${s.r.message}`).join('; ') || 'exists');
  }
  const results = objects.filter((o) => hasReadinessRule(o)).map((o) => ({ o, r: last.get(o)! }));
  const failure = results.find((x) => x.r.done && !x.r.ok);
  if (failure) return { ok: false, message: `${objectRef(failure.o)} failed: ${failure.r.message}` };
  const notReady = results.filter((x) => !x.r.done);
  if (notReady.length === 0) return { ok: true, message: 'ready' };
  if (options.signal?.aborted) return { ok: false, message: `cancelled (${abortReason(options.signal)})` };
  if (Date.now() >= options.deadline) {
    return {
      ok: false,
      message: `timed out after ${formatDuration(options.timeoutMs)} waiting for ${notReady.map((x) => `${objectRef(x.o)} (${x.r.message})`).join(', ')}`,
    };
  }
  return undefined;
}

/** One list+watch: a kind in a namespace (cluster-wide for a cluster-scoped kind). */
interface Feed {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

function feedId(f: Feed): string {
  return `${f.apiVersion} ${f.kind} ${f.namespace ?? ''}`;
}

/** Re-judged this often without events too, so the deadline and Ctrl-C end the wait on time. */
const REJUDGE_MS = 1000;

/**
 * Readiness from watches: one list+watch per (kind, namespace) the objects need, plus the Pods (and ReplicaSets,
 * for Deployments) of their namespaces for the pods' reasons, all closed when the wait ends. The objects are judged
 * by the model's rules (src/model/wait) from the watched copies whenever an event arrives; watches that end or
 * expire are resumed by `KubeApi.watch` itself. A 401 / 403 of any watch rejects (the caller then polls).
 */
export async function watchForReady(client: KubeApi, objects: readonly KubeObject[], options: WaitOptions): Promise<WaitOutcome> {
  const watched = objects.filter((o) => hasReadinessRule(o));
  const feedOf = (o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): Feed => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace });
  const feeds = new Map<string, Feed>();
  const add = (f: Feed) => feeds.set(feedId(f), f);
  for (const o of watched) {
    add(feedOf(o));
    const namespace = o.metadata.namespace;
    if (namespace && WORKLOADS.has(o.kind)) add({ apiVersion: 'v1', kind: 'Pod', namespace });
    if (namespace && o.kind === 'Deployment') add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace });
  }
  const caches = new Map([...feeds.keys()].map((id) => [id, new Map<string, KubeObject>()]));
  const synced = new Set<string>();
  // Pods and ReplicaSets from the watched copies; what is not watched (Events, a claim) from the API.
  const cached: Pick<KubeApi, 'list' | 'read'> = {
    list: async <T extends KubeObject = KubeObject>(apiVersion: string, kind: string, opts: ListOptions = {}) => {
      const cache = caches.get(feedId({ apiVersion, kind, namespace: opts.namespace }));
      if (!cache) return client.list<T>(apiVersion, kind, opts);
      const test = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : () => true;
      return [...cache.values()].filter((o) => test(o.metadata.labels ?? {})) as T[];
    },
    read: (ref) => client.read(ref),
  };
  const stop = new AbortController();
  const last = new Map<KubeObject, Readiness>();
  return new Promise<WaitOutcome>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let judging = false;
    let again = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', schedule);
      stop.abort();
      f();
    };
    const judgeNow = async () => {
      if (settled) return;
      if (judging) {
        again = true;
        return;
      }
      judging = true;
      try {
        if (synced.size === feeds.size) {
          for (const o of watched) last.set(o, await objectReadiness(cached, caches.get(feedId(feedOf(o)))!.get(o.metadata.name), options));
          const outcome = judge(objects, last, options);
          if (outcome) return finish(() => resolve(outcome));
        } else if (options.signal?.aborted) {
          return finish(() => resolve({ ok: false, message: `cancelled (${abortReason(options.signal!)})` }));
        } else if (Date.now() >= options.deadline) {
          return finish(() => resolve({ ok: false, message: `timed out after ${formatDuration(options.timeoutMs)} waiting for watches of ${[...feeds.values()].filter((f) => !synced.has(feedId(f))).map((f) => f.kind).join(', ')}` }));
        }
      } catch (err) {
        return finish(() => reject(err));
      } finally {
        judging = false;
      }
      if (again) {
        again = false;
        schedule();
      }
    };
    // Events come in bursts (a rollout changes a Deployment, its ReplicaSet and its Pods at once): judge once per burst.
    function schedule() {
      if (settled || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void judgeNow();
      }, 20);
    }
    const ticker = setInterval(schedule, Math.max(1, Math.min(REJUDGE_MS, options.deadline - Date.now())));
    options.signal?.addEventListener('abort', schedule);
    for (const [id, f] of feeds) {
      client
        .watch(
          f.apiVersion,
          f.kind,
          {
            namespace: f.namespace,
            signal: stop.signal,
            onSync: () => {
              synced.add(id);
              schedule();
            },
          },
          (type, obj) => {
            const cache = caches.get(id)!;
            if (type === 'DELETED') cache.delete(obj.metadata.name);
            else cache.set(obj.metadata.name, obj);
            schedule();
          },
        )
        .catch((err: unknown) => finish(() => reject(err)));
    }
  });
}

/**
 * Polls the objects until every one is ready, one fails for good, or the deadline passes: the way states arrive
 * when the cluster does not let this user watch.
 */
async function pollForReady(client: KubeApi, objects: readonly KubeObject[], options: WaitOptions): Promise<WaitOutcome> {
  const watched = objects.filter((o) => hasReadinessRule(o));
  const limit = pLimit(API_CONCURRENCY);
  const last = new Map<KubeObject, Readiness>();
  let interval = 150;
  for (;;) {
    await Promise.all(watched.map((o) => limit(async () => last.set(o, await objectReadiness(client, await client.read(o), options)))));
    const outcome = judge(objects, last, options);
    if (outcome) return outcome;
    // Fast first polls (pods on a quiet cluster are ready in about a second), then at most one round a second.
    interval = Math.min(options.intervalMs ?? 1000, interval * 1.5);
    await sleep(Math.min(interval, Math.max(0, options.deadline - Date.now())));
  }
}

/** `SIGINT` when the CLI aborted on Ctrl-C. */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
}
