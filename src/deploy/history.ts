import { lastDeployedRevision } from '../model/revision-history.js';
import type { RevisionStore } from '../model/revision-store.js';
import type { Revision, RevisionInfo } from '../model/revision.js';
import { objectKey, type KubeObject } from '../model/manifest-set.js';

/** What a run needs to know of a release's past. */
export interface ReleaseHistory {
  /** Every stored revision, oldest first, without payloads. */
  readonly revisions: readonly RevisionInfo[];
  readonly lastDeployed?: Revision;
  /**
   * Objects a run since the last deployed revision may have written: that revision's manifests plus those of every
   * later one (failed, interrupted), so what a failed or killed run created is pruned once no longer rendered.
   */
  readonly previous: readonly KubeObject[];
  /** Keys of every object any stored revision recorded. */
  readonly recorded: ReadonlySet<string>;
  readonly nextRevision: number;
  /** Revision payloads read (the last deployed one, later ones, and older ones whose head lacks its object keys). */
  readonly payloadsRead: number;
}

/**
 * A release's history as a plan needs it, cheaply: the list of heads (labels and annotations, which carry each
 * revision's object keys), and the payloads of the last deployed revision and of the few after it only. Older
 * payloads are read only for heads stored before object keys were (or too many to fit an annotation). `heads`: the
 * list as the caller, holding the lock, has just read it (`RevisionStore.beginRun`).
 */
export async function loadHistory(store: RevisionStore, release: string, heads?: readonly RevisionInfo[]): Promise<ReleaseHistory> {
  const infos = heads ?? (await store.list(release));
  const since = lastDeployedRevision(infos)?.revision ?? 0;
  const needed = infos.filter((i) => i.revision >= since || i.objectKeys === undefined);
  const payloads = new Map((await Promise.all(needed.map((i) => store.get(release, i.revision)))).map((r) => [r.revision, r]));
  const lastDeployed = since > 0 ? payloads.get(since) : undefined;
  const previous = new Map<string, KubeObject>();
  for (const r of payloads.values()) if (r.revision >= since) for (const o of r.manifests) previous.set(objectKey(o), o);
  const recorded = new Set(infos.flatMap((i) => i.objectKeys ?? payloads.get(i.revision)!.manifests.map(objectKey)));
  return {
    revisions: infos,
    lastDeployed,
    previous: [...previous.values()],
    recorded,
    nextRevision: (infos.at(-1)?.revision ?? 0) + 1,
    payloadsRead: payloads.size,
  };
}

/** Every stored revision with its payload (uninstall needs every object any of them recorded). */
export async function loadAllRevisions(store: RevisionStore, release: string): Promise<Revision[]> {
  const infos = await store.list(release);
  return Promise.all(infos.map((i) => store.get(release, i.revision)));
}
