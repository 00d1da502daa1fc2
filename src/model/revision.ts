import type { KubeObject, ReleaseIdentity, ServiceInfo } from './manifest-set.js';
export type { TemplateRef } from './manifest-set.js';

/**
 * Lifecycle of a revision: `pending` while a deploy runs, then `deployed` (the previous deployed one becomes
 * `superseded`) or `failed`; `interrupted` when a run died and a later one took its lock over; `uninstalled` when
 * kept by `uninstall --keep-history`.
 */
export type RevisionStatus = 'pending' | 'deployed' | 'superseded' | 'failed' | 'interrupted' | 'uninstalled';

export const REVISION_STATUSES: readonly RevisionStatus[] = ['pending', 'deployed', 'superseded', 'failed', 'interrupted', 'uninstalled'];

/** Counts of the plan a revision was deployed with. */
export interface ChangeSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly unchanged: number;
}

/** One immutable record of one deploy of a release; only `status`, `updatedAt` and `error` change afterwards. */
export interface Revision extends ReleaseIdentity {
  /** 1, 2, 3 ... per release and namespace. */
  readonly revision: number;
  readonly status: RevisionStatus;
  /**
   * The rendered objects. Secrets without their data: each value is a keyed digest (`hmac-sha256:<hex>` under the
   * release key, see secret-data.ts), so history shows that a value changed, never what it was.
   */
  readonly manifests: KubeObject[];
  readonly services: ServiceInfo[];
  /**
   * Config values used; secret-marked values only as keyed digests (`hmac-sha256:<hex>`). Revisions stored before
   * release keys hold unkeyed `sha256:<hex>` until the next deploy scrubs them.
   */
  readonly values: unknown;
  /** One line: what this revision was (`Install complete`, `Rollback to 1`, `Upgrade failed: ...`). */
  readonly description: string;
  readonly changeSummary?: ChangeSummary;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Who deployed it: `user@host`. */
  readonly user: string;
  readonly sourceCommit?: string;
  /** Why it failed or was interrupted. */
  readonly error?: string;
}

/** A revision without its payload: what `history` and `list` need, read from labels and annotations only. */
export type RevisionInfo = Omit<Revision, 'manifests' | 'services' | 'values'> & {
  /**
   * `objectKey` of every manifest of the revision, when the store keeps them beside the payload (a deploy's plan
   * needs the keys of old revisions, not their objects). Undefined: read the payload.
   */
  readonly objectKeys?: readonly string[];
};

/** One release as `berth list` shows it: its newest revision. */
export type ReleaseSummary = Pick<Revision, 'release' | 'namespace' | 'revision' | 'status' | 'app' | 'version' | 'env' | 'updatedAt' | 'template'>;
