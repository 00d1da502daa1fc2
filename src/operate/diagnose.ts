import type { KubeApi } from '../model/kube-api.js';
import { Ownership, releasePods, type ReleaseInventory } from './inventory.js';
import { newestWarnings, releaseEvents, type ReleaseEvent } from './events.js';
import { newestFirst, podIsReady, podProblems, problemLine, type PodProblem } from '../model/pod-problems.js';

/**
 * Why a release is not ready, per service: its pods that are not ready with their reason, and the newest warning
 * events about its objects. `berth status` shows it; a deploy that fails or times out prints it and records it in
 * the revision, so `berth history` explains the failure later.
 */

export interface ServiceDiagnosis {
  readonly service: string;
  readonly pods: { readonly total: number; readonly ready: number };
  /** One entry per pod that is not ready: its most telling problem first. */
  readonly notReady: readonly { readonly pod: string; readonly problems: readonly PodProblem[] }[];
  /** Newest first, at most three, only those since the revision was created (older ones are about older pods). */
  readonly warnings: readonly ReleaseEvent[];
}

export async function diagnose(client: KubeApi, inventory: ReleaseInventory): Promise<ServiceDiagnosis[]> {
  const [pods, events] = await Promise.all([releasePods(client, new Ownership(client, inventory)), releaseEvents(client, inventory)]);
  const since = inventory.revision.createdAt;
  const recent = events.filter((e) => !since || e.time >= since);
  const warnings = newestWarnings(recent);
  const eventsByPod = new Map<string, ReleaseEvent[]>();
  for (const e of newestFirst(recent)) if (e.kind === 'Pod') eventsByPod.set(e.name, [...(eventsByPod.get(e.name) ?? []), e]);
  const services = [...new Set([...inventory.services.map((s) => s.name), ...inventory.workloads.map((w) => w.service)])];
  return services.map((service) => {
    const mine = pods.filter((p) => p.workload.service === service).map((p) => p.pod);
    const notReady = mine
      .filter((pod) => !podIsReady(pod))
      .map((pod) => ({ pod: pod.metadata.name, problems: podProblems(pod, eventsByPod.get(pod.metadata.name) ?? []) }))
      .filter((p) => p.problems.length > 0);
    return {
      service,
      pods: { total: mine.filter((p) => !p.metadata.deletionTimestamp).length, ready: mine.filter((p) => podIsReady(p) && !p.metadata.deletionTimestamp).length },
      notReady,
      warnings: warnings.get(service) ?? [],
    };
  });
}

/** Only the services with something to say. */
export function troubled(d: readonly ServiceDiagnosis[]): ServiceDiagnosis[] {
  return d.filter((s) => s.notReady.length > 0 || s.warnings.length > 0);
}

/**
 * Plain lines for a terminal and for the revision record: per troubled service, its pods not ready (at most
 * `maxPods`, then a count) and its newest warnings.
 */
export function diagnosisLines(d: readonly ServiceDiagnosis[], options: { maxPods?: number; indent?: string } = {}): string[] {
  const max = options.maxPods ?? 5;
  const pad = options.indent ?? '';
  const lines: string[] = [];
  for (const s of troubled(d)) {
    lines.push(`${pad}${s.service}: ${s.pods.ready}/${s.pods.total} pods ready`);
    for (const p of s.notReady.slice(0, max)) lines.push(`${pad}  pod ${p.pod}: ${problemLine(p.problems[0]!)}`);
    if (s.notReady.length > max) lines.push(`${pad}  ... and ${s.notReady.length - max} more pods not ready`);
    for (const e of s.warnings) lines.push(`${pad}  warning ${e.reason} on ${e.object}${e.count > 1 ? ` (x${e.count})` : ''}: ${e.message}`);
  }
  return lines;
}
