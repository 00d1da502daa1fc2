import type { KubeObject } from '../manifest-set.js';
import { podIsReady, podProblems, problemLine, type EventInfo, type PodProblem } from '../pod-problems.js';
import { failed, generationPending, num, ready, statusOf, waiting, type Readiness } from './types.js';

/** CrashLoopBackOff fails a deploy once a container has restarted this many times. */
export const DEFAULT_CRASH_LOOP_RESTARTS = 3;

/**
 * A pod (template) annotation that sets the crash-loop threshold for one service, over the deploy's: some apps crash
 * until a dependency is up, and should be given more restarts than the rest.
 */
export const ANNOTATION_CRASH_LOOP_RESTARTS = 'berth.dev/crash-loop-restarts';

/** Image pull failures: the kubelet retries them with a back-off, but a wrong image name or tag never heals. */
const PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull']);

export interface PodRuleOptions {
  /** Restarts after which a crash-looping container fails the pod. @default DEFAULT_CRASH_LOOP_RESTARTS */
  readonly crashLoopRestarts?: number;
  /** Events about the pod, newest first: they name the registry's answer for pull failures. */
  readonly events?: readonly EventInfo[];
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
}

/** The threshold for this pod: its own annotation when it is a whole number, else the deploy's. */
export function crashLoopRestartsOf(pod: KubeObject, fallback = DEFAULT_CRASH_LOOP_RESTARTS): number {
  const own = pod.metadata.annotations?.[ANNOTATION_CRASH_LOOP_RESTARTS];
  return own !== undefined && /^\d+$/.test(own) ? Number(own) : fallback;
}

function crashLooping(pod: KubeObject, container: string | undefined, threshold: number): ContainerStatus | undefined {
  if (!container) return undefined;
  const status = statusOf(pod);
  const all = [...((status.initContainerStatuses ?? []) as ContainerStatus[]), ...((status.containerStatuses ?? []) as ContainerStatus[])];
  const c = all.find((s) => s.name === container);
  return c?.state?.waiting?.reason === 'CrashLoopBackOff' && num(c.restartCount) >= threshold ? c : undefined;
}

/** Whether waiting longer cannot help this pod: its image cannot be pulled, or it crash-looped past the threshold. */
export function isFatal(pod: KubeObject, problem: PodProblem, crashLoopRestarts = DEFAULT_CRASH_LOOP_RESTARTS): boolean {
  if (PULL_FAILURES.has(problem.reason)) return true;
  // The reason may be OOMKilled (it wins over the CrashLoopBackOff it causes): the container's state decides.
  return crashLooping(pod, problem.container, crashLoopRestartsOf(pod, crashLoopRestarts)) !== undefined;
}

/**
 * A pod is ready when the kubelet says so; it fails for good when a problem is fatal (see isFatal), naming the pod
 * and the reason; otherwise it waits with its most telling problem.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-state-waiting
 */
export function podReadiness(pod: KubeObject, options: PodRuleOptions = {}): Readiness {
  const name = pod.metadata.name;
  if (podIsReady(pod)) return ready(`pod ${name} is ready`);
  const problems = podProblems(pod, options.events);
  const fatal = problems.find((p) => isFatal(pod, p, options.crashLoopRestarts));
  if (fatal) {
    const restarts = fatal.reason === 'CrashLoopBackOff' ? ` (threshold ${crashLoopRestartsOf(pod, options.crashLoopRestarts)} restarts)` : '';
    return failed(`pod ${name}: ${problemLine(fatal)}${restarts}`);
  }
  const first = problems[0];
  return waiting(first ? `pod ${name}: ${problemLine(first)}` : `pod ${name} is not ready`);
}

const REVISION = 'deployment.kubernetes.io/revision';

/**
 * The pods of the workload's latest template, the only ones whose problems say anything about this rollout: during
 * a rolling update the old pods (still crash-looping, say, the reason for the deploy) match the selector too.
 * `replicaSets` are the Deployment's ReplicaSets (ignored for other kinds): the new one carries the Deployment's
 * revision annotation, and its pods its `pod-template-hash`. Jobs have one template for life. Until the controller
 * has observed the latest generation, its revision markers still name the previous template: no pod is current.
 */
export function currentPods(workload: KubeObject, pods: readonly KubeObject[], replicaSets: readonly KubeObject[] = []): KubeObject[] {
  const label = (o: KubeObject, key: string) => o.metadata.labels?.[key];
  if (workload.kind !== 'Job' && generationPending(workload)) return [];
  switch (workload.kind) {
    case 'Deployment': {
      const revision = workload.metadata.annotations?.[REVISION];
      const uid = workload.metadata.uid;
      const ownedByIt = (r: KubeObject) => ((r.metadata.ownerReferences ?? []) as { uid?: string; controller?: boolean }[]).some((o) => o.uid === uid && o.controller);
      const rs = revision === undefined ? undefined : replicaSets.find((r) => r.metadata.annotations?.[REVISION] === revision && ownedByIt(r));
      const hash = rs && label(rs, 'pod-template-hash');
      return hash ? pods.filter((p) => label(p, 'pod-template-hash') === hash) : [];
    }
    case 'StatefulSet': {
      const revision = statusOf(workload).updateRevision;
      return typeof revision === 'string' ? pods.filter((p) => label(p, 'controller-revision-hash') === revision) : [];
    }
    case 'DaemonSet': {
      const generation = workload.metadata.generation;
      return generation === undefined ? [] : pods.filter((p) => label(p, 'pod-template-generation') === String(generation));
    }
    default:
      return [...pods];
  }
}
