import pLimit from 'p-limit';
import type { KubeApi } from '../model/kube-api.js';
import { kindRank, type KubeObject } from '../model/manifest-set.js';
import { API_CONCURRENCY } from './live.js';

/**
 * Server-side applies objects in kind order: one kind group after the other (what others refer to first),
 * the objects of a group in parallel with bounded concurrency (Helm patches one by one, helm/helm#10478).
 * `force` because ownership was checked by the plan: fields another manager took (`kubectl scale`) come back to Berth.
 */
export async function applyInKindOrder(
  client: KubeApi,
  objects: readonly KubeObject[],
  onApplied: (obj: KubeObject) => void = () => {},
): Promise<KubeObject[]> {
  const groups = new Map<number, KubeObject[]>();
  for (const o of objects) {
    const rank = kindRank(o.kind);
    groups.set(rank, [...(groups.get(rank) ?? []), o]);
  }
  const limit = pLimit(API_CONCURRENCY);
  const applied: KubeObject[] = [];
  for (const rank of [...groups.keys()].sort((a, b) => a - b)) {
    const results = await Promise.all(
      groups.get(rank)!.map((o) =>
        limit(async () => {
          const stored = await client.apply(o, { force: true });
          onApplied(o);
          return stored;
        }),
      ),
    );
    applied.push(...results);
  }
  return applied;
}
