import type { KubeObject } from '../manifest-set.js';

/**
 * The readiness of one object as the cluster reports it, a plain value (kapp's `{done, successful, message}`).
 * `done && !ok` is a terminal failure: waiting longer will not help.
 */
export interface Readiness {
  readonly done: boolean;
  readonly ok: boolean;
  readonly message: string;
}

export type ReadinessRule = (obj: KubeObject) => Readiness;

export const ready = (message: string): Readiness => ({ done: true, ok: true, message });
export const waiting = (message: string): Readiness => ({ done: false, ok: false, message });
export const failed = (message: string): Readiness => ({ done: true, ok: false, message });

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Fields every workload status shares; the rules read them defensively because a fresh object has no status. */
export function statusOf(obj: KubeObject): Record<string, unknown> {
  const s = obj.status;
  return s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
}

export function specOf(obj: KubeObject): Record<string, unknown> {
  const s = obj.spec;
  return s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
}

export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}

export function conditions(obj: KubeObject): Condition[] {
  const c = statusOf(obj).conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function condition(obj: KubeObject, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

/** A controller has not acted on the latest spec yet: any status we read describes the previous one. */
export function generationPending(obj: KubeObject): Readiness | undefined {
  const generation = num(obj.metadata.generation, 0);
  const observed = num(statusOf(obj).observedGeneration, -1);
  if (generation > 0 && observed < generation) {
    return waiting(`waiting for generation ${generation} to be observed (observed ${observed < 0 ? 'none' : observed})`);
  }
  return undefined;
}

export function reasonOf(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(': ');
}
