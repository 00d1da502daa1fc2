import type { KubeObject } from './manifest-set.js';

/**
 * Why a pod is not ready, as one reason a person recognises (CrashLoopBackOff, ImagePullBackOff, OOMKilled,
 * Unschedulable with the scheduler's message, a failing probe) rather than the Ready=False condition that only
 * says "containers with unready status". Pure: the pod and the events about it in, plain values out.
 */

export interface PodProblem {
  readonly pod: string;
  /** The container the reason is about; absent for pod-level reasons (Unschedulable, Evicted). */
  readonly container?: string;
  /** One word: `CrashLoopBackOff`, `ImagePullBackOff`, `OOMKilled`, `Unschedulable`, `ReadinessProbeFailed`, ... */
  readonly reason: string;
  readonly message: string;
}

/** A Kubernetes Event (core/v1 or events.k8s.io/v1) reduced to what people read. */
export interface EventInfo {
  /** Newest occurrence, RFC 3339. */
  readonly time: string;
  /** `Normal` or `Warning`. */
  readonly type: string;
  readonly reason: string;
  /** The object it is about: `Pod/shop-web-5d8c7-x2k4q`. */
  readonly object: string;
  readonly kind: string;
  readonly name: string;
  readonly message: string;
  readonly count: number;
  /** Who reported it: `kubelet`, `default-scheduler`, `deployment-controller`. */
  readonly source: string;
}

interface RawEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string };
  regarding?: { kind?: string; name?: string };
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedCount?: number;
  deprecatedLastTimestamp?: string;
  source?: { component?: string };
  reportingComponent?: string;
  reportingController?: string;
}

export function toEventInfo(e: KubeObject): EventInfo {
  const r = e as RawEvent;
  const about = r.involvedObject ?? r.regarding ?? {};
  const time =
    r.series?.lastObservedTime ?? r.lastTimestamp ?? r.deprecatedLastTimestamp ?? r.eventTime ?? r.firstTimestamp ?? String(r.metadata.creationTimestamp ?? '');
  return {
    time,
    type: r.type ?? 'Normal',
    reason: r.reason ?? '',
    object: `${about.kind ?? '?'}/${about.name ?? '?'}`,
    kind: about.kind ?? '',
    name: about.name ?? '',
    message: (r.message ?? r.note ?? '').trim(),
    count: r.series?.count ?? r.count ?? r.deprecatedCount ?? 1,
    source: r.source?.component ?? r.reportingController ?? r.reportingComponent ?? '',
  };
}

/** Newest first. */
export function newestFirst<T extends EventInfo>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => b.time.localeCompare(a.time));
}

interface State {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number; signal?: number };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: State;
  lastState?: State;
}

interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
}

/** Waiting reasons that are only a step of a normal start. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

export function podIsReady(pod: KubeObject): boolean {
  const status = (pod.status ?? {}) as PodStatus;
  if (status.phase === 'Succeeded') return true;
  return status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function exitText(t: NonNullable<State['terminated']>): string {
  return `exit code ${t.exitCode ?? '?'}${t.signal ? `, signal ${t.signal}` : ''}`;
}

function lastRun(c: ContainerStatus): string {
  const t = c.lastState?.terminated;
  return t ? `; last run ended ${t.reason ? `${t.reason} ` : ''}(${exitText(t)})` : '';
}

/** `Readiness probe failed: HTTP probe failed with statuscode: 503` → `ReadinessProbeFailed`. */
function probeReason(message: string): string | undefined {
  const m = /^(Readiness|Liveness|Startup) probe (failed|errored)/i.exec(message);
  return m ? `${m[1]![0]!.toUpperCase()}${m[1]!.slice(1).toLowerCase()}ProbeFailed` : undefined;
}

/**
 * Every reason the pod is not ready, most telling first. Events about the pod (newest first) add what the status
 * does not say: failing probes (reason `Unhealthy`) and image pull errors with the registry's answer.
 */
export function podProblems(pod: KubeObject, events: readonly EventInfo[] = []): PodProblem[] {
  const name = pod.metadata.name;
  const status = (pod.status ?? {}) as PodStatus;
  if (pod.metadata.deletionTimestamp || status.phase === 'Succeeded') return [];
  const out: PodProblem[] = [];
  const add = (reason: string, message: string, container?: string) => out.push({ pod: name, ...(container ? { container } : {}), reason, message });

  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') add(scheduled.reason ?? 'Unschedulable', scheduled.message ?? 'the scheduler found no node for it');

  if (status.phase === 'Failed' && status.reason) add(status.reason, status.message ?? 'the pod failed');

  const initSpec = ((pod.spec as { initContainers?: { name: string; restartPolicy?: string }[] } | undefined)?.initContainers) ?? [];
  for (const c of status.initContainerStatuses ?? []) {
    const sidecar = initSpec.find((s) => s.name === c.name)?.restartPolicy === 'Always';
    const w = c.state?.waiting;
    const t = c.state?.terminated;
    if (c.lastState?.terminated?.reason === 'OOMKilled') add('OOMKilled', `init container ${c.name} was killed for exceeding its memory limit${w?.reason ? ` (now ${w.reason})` : ''}`, c.name);
    else if (w?.reason && !STARTING.has(w.reason)) add(w.reason, `init container ${c.name}: ${w.message ?? w.reason}${lastRun(c)}`, c.name);
    else if (t && t.exitCode !== 0) add(t.reason ?? 'Error', `init container ${c.name} failed (${exitText(t)})${t.message ? `: ${t.message}` : ''}`, c.name);
    else if (c.state?.running && !sidecar) add('Initializing', `init container ${c.name} is still running`, c.name);
    else if (c.state?.running && sidecar && c.started === false) add('NotStarted', `sidecar ${c.name} has not started`, c.name);
    // Later init containers wait for this one; their state says nothing new.
    if (out.length > 0 && out.at(-1)!.container === c.name) break;
  }

  for (const c of status.containerStatuses ?? []) {
    if (c.ready) continue;
    const w = c.state?.waiting;
    const t = c.state?.terminated;
    if (c.lastState?.terminated?.reason === 'OOMKilled' || t?.reason === 'OOMKilled') {
      add('OOMKilled', `container ${c.name} was killed for exceeding its memory limit (${c.restartCount ?? 0} restarts${w?.reason ? `, now ${w.reason}` : ''})`, c.name);
      continue;
    }
    if (w?.reason && !STARTING.has(w.reason)) {
      const pull = /ImagePull|ErrImage/.test(w.reason)
        ? events.find((e) => e.kind === 'Pod' && e.name === name && e.type === 'Warning' && /^(Failed|ErrImagePull|ImagePullBackOff)$/.test(e.reason))
        : undefined;
      add(w.reason, `container ${c.name}: ${pull?.message ?? w.message ?? w.reason}${lastRun(c)}`, c.name);
      continue;
    }
    if (w?.reason) {
      add(w.reason, `container ${c.name} is starting`, c.name);
      continue;
    }
    if (t && status.phase === 'Failed') {
      add(t.reason ?? 'Error', `container ${c.name} exited (${exitText(t)})${t.message ? `: ${t.message}` : ''}`, c.name);
      continue;
    }
    if (c.state?.running) {
      const probe = events.find((e) => e.kind === 'Pod' && e.name === name && e.reason === 'Unhealthy' && probeReason(e.message) && e.message.length > 0);
      if (probe) {
        add(probeReason(probe.message)!, `container ${c.name}: ${probe.message}`, c.name);
        continue;
      }
      const ready = status.conditions?.find((x) => x.type === 'Ready');
      add('NotReady', `container ${c.name} runs but is not ready${ready?.message ? ` (${ready.message})` : ''}${lastRun(c)}`, c.name);
    }
  }

  if (out.length === 0 && !podIsReady(pod)) {
    const ready = status.conditions?.find((x) => x.type === 'Ready');
    add(ready?.reason ?? status.phase ?? 'Pending', ready?.message ?? (status.phase === 'Pending' ? 'waiting to be scheduled and started' : 'not ready'));
  }
  return out;
}

/** `OOMKilled: container api was killed ...` — the one line status and deploy print per pod. */
export function problemLine(p: PodProblem): string {
  return `${p.reason}: ${p.message}`;
}
