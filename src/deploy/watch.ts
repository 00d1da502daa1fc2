import pLimit from 'p-limit';
import type { KubeApi } from '../model/kube-api.js';
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
  readonly intervalMs?: number;
  /** Stops waiting with a failure when aborted (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly onService?: (service: string, state: ServiceState, message: string) => void;
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
export async function podProblem(client: KubeApi, workload: KubeObject, options: PodCheckOptions = {}): Promise<Readiness | undefined> {
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
async function claimProblem(client: KubeApi, pod: KubeObject): Promise<string | undefined> {
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
 * Polls the objects until every one is ready, one fails for good, or the deadline passes. Reports each service's
 * state as it changes (ready / waiting with the cluster's reason / failed).
 */
export async function waitForReady(client: KubeApi, objects: readonly KubeObject[], options: WaitOptions): Promise<WaitOutcome> {
  const watched = objects.filter((o) => hasReadinessRule(o));
  const services = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const s = o.metadata.labels?.[LABEL_NAME];
    if (s) services.set(s, [...(services.get(s) ?? []), o]);
  }
  const limit = pLimit(API_CONCURRENCY);
  const last = new Map<KubeObject, Readiness>();
  let interval = 150;
  for (;;) {
    await Promise.all(
      watched.map((o) =>
        limit(async () => {
          const current = await client.read(o);
          let r: Readiness = current ? readiness(current) : { done: false, ok: false, message: 'not found' };
          if (current && !r.done && WORKLOADS.has(o.kind)) {
            const problem = await podProblem(client, current, options);
            if (problem?.done) r = problem;
            else if (problem) r = { ...r, message: `${r.message}; ${problem.message}` };
          }
          last.set(o, r);
        }),
      ),
    );
    for (const [service, objs] of services) {
      const states = objs.map((o) => ({ o, r: last.get(o) ?? { done: true, ok: true, message: 'exists' } }));
      const failed = states.find((s) => s.r.done && !s.r.ok);
      const pending = states.find((s) => !s.r.done);
      if (failed) options.onService?.(service, 'failed', `${objectRef(failed.o)}: ${failed.r.message}`);
      else if (pending) options.onService?.(service, 'waiting', `${objectRef(pending.o)}: ${pending.r.message}`);
      else options.onService?.(service, 'ready', states.filter((s) => hasReadinessRule(s.o)).map((s) => `${objectRef(s.o)}: ${s.r.message}`).join('; ') || 'exists');
    }
    const results = watched.map((o) => ({ o, r: last.get(o)! }));
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
