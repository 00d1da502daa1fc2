import { objectKey } from '../manifest-set.js';
import type { Revision, RevisionInfo, RevisionStatus } from '../revision.js';
import { BaseRevisionStore, checkRevision, revisionExists, revisionMissing } from '../revision-store.js';
import { holdsSecretsInClear } from '../secret-data.js';

/**
 * Revisions in a map (Helm's memory driver), for tests of code that needs a store but not its Secrets. Tests of the
 * Secret encoding (chunks, checksums, a crash between chunks and head) use SecretRevisionStore over MemoryKubeApi.
 */
export class MemoryRevisionStore extends BaseRevisionStore {
  private readonly revisions = new Map<string, Revision>();

  constructor(readonly namespace: string) {
    super();
  }

  async list(release: string): Promise<RevisionInfo[]> {
    return [...this.revisions.values()]
      .filter((r) => r.release === release)
      .sort((a, b) => a.revision - b.revision)
      .map(({ manifests, services: _s, values: _v, ...info }) => structuredClone({ ...info, objectKeys: manifests.map(objectKey) }));
  }

  async find(release: string, n: number): Promise<Revision | undefined> {
    const found = this.revisions.get(key(release, n));
    return found && structuredClone(found);
  }

  async create(rev: Revision): Promise<void> {
    checkRevision(rev);
    if (this.revisions.has(key(rev.release, rev.revision))) throw revisionExists(rev, this.namespace);
    this.revisions.set(key(rev.release, rev.revision), structuredClone({ ...rev, namespace: this.namespace }));
  }

  async setStatus(release: string, n: number, status: RevisionStatus, error?: string): Promise<void> {
    const found = this.revisions.get(key(release, n));
    if (!found) throw revisionMissing(release, n, this.namespace, status);
    this.revisions.set(key(release, n), { ...found, status, error, updatedAt: new Date().toISOString() });
  }

  async deleteRevision(release: string, n: number): Promise<void> {
    this.revisions.delete(key(release, n));
  }

  async deleteAll(release: string): Promise<void> {
    for (const [k, r] of this.revisions) if (r.release === release) this.revisions.delete(k);
  }

  async prepareScrub(release: string): Promise<number[]> {
    return [...this.revisions.values()].filter((r) => r.release === release && holdsSecretsInClear(r)).map((r) => r.revision).sort((a, b) => a - b);
  }

  async replacePayload(rev: Revision): Promise<void> {
    checkRevision(rev);
    const found = this.revisions.get(key(rev.release, rev.revision));
    if (!found) throw revisionMissing(rev.release, rev.revision, this.namespace, rev.status);
    const { status, error, updatedAt } = found;
    this.revisions.set(key(rev.release, rev.revision), structuredClone({ ...rev, namespace: this.namespace, status, error, updatedAt }));
  }

  /** Stores a revision as an older Berth did, without the checks of `create`: for tests of reading and scrubbing it. */
  putLegacy(rev: Revision): void {
    this.revisions.set(key(rev.release, rev.revision), structuredClone({ ...rev, namespace: this.namespace }));
  }
}

function key(release: string, n: number): string {
  return `${release}/${n}`;
}
