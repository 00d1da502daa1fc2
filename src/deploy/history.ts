import { lastDeployedRevision } from '../model/revision-history.js';
import type { RevisionStore } from '../model/revision-store.js';
import type { Revision } from '../model/revision.js';
import { objectKey, type KubeObject } from '../model/manifest-set.js';

/** What a run needs to know of a release's past. */
export interface ReleaseHistory {
  readonly revisions: readonly Revision[];
  readonly lastDeployed?: Revision;
  /**
   * Objects a run since the last deployed revision may have written: that revision's manifests plus those of every
   * later one (failed, interrupted), so what a failed or killed run created is pruned once no longer rendered.
   */
  readonly previous: readonly KubeObject[];
  /** Keys of every object any stored revision recorded. */
  readonly recorded: ReadonlySet<string>;
  readonly nextRevision: number;
}

export async function loadHistory(store: RevisionStore, release: string): Promise<ReleaseHistory> {
  const infos = await store.list(release);
  const revisions = await Promise.all(infos.map((i) => store.get(release, i.revision)));
  const lastDeployed = lastDeployedRevision(revisions);
  const since = lastDeployed?.revision ?? 0;
  const previous = new Map<string, KubeObject>();
  for (const r of revisions) if (r.revision >= since) for (const o of r.manifests) previous.set(objectKey(o), o);
  const recorded = new Set(revisions.flatMap((r) => r.manifests.map(objectKey)));
  return {
    revisions,
    lastDeployed,
    previous: [...previous.values()],
    recorded,
    nextRevision: (infos.at(-1)?.revision ?? 0) + 1,
  };
}
