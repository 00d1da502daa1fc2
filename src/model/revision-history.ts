import type { RevisionStatus } from './revision.js';

/** The revision with the highest number that is `deployed`, the one a rollback or a failed upgrade falls back to. */
export function lastDeployedRevision<T extends { revision: number; status: RevisionStatus }>(revisions: readonly T[]): T | undefined {
  return revisions.filter((r) => r.status === 'deployed').sort((a, b) => b.revision - a.revision)[0];
}

/**
 * Which revisions `--history-max` deletes: the newest `max` are kept, and so are, always, the newest revision and the
 * last deployed one even when that makes one more than `max` (pruning must never leave nothing to roll back to,
 * helm/helm#7476 style). `max` of 0 or less keeps everything. Returns revision numbers, oldest first.
 */
export function revisionsToPrune(revisions: readonly { revision: number; status: RevisionStatus }[], max: number): number[] {
  if (!(max > 0)) return [];
  const newestFirst = [...revisions].sort((a, b) => b.revision - a.revision);
  const keep = new Set<number>();
  const pinned = [newestFirst[0], lastDeployedRevision(newestFirst)].filter((r) => r !== undefined);
  for (const r of pinned) keep.add(r.revision);
  for (const r of newestFirst) {
    if (keep.size >= max) break;
    keep.add(r.revision);
  }
  return newestFirst
    .filter((r) => !keep.has(r.revision))
    .map((r) => r.revision)
    .sort((a, b) => a - b);
}
