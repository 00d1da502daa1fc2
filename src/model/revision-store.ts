import { ClusterError, UserError } from '../errors.js';
import { releaseNameProblem } from './names.js';
import { REVISION_STATUSES, type Revision, type RevisionInfo, type RevisionStatus } from './revision.js';
import { lastDeployedRevision, revisionsToPrune } from './revision-history.js';
import { holdsSecretsInClear } from './secret-data.js';

/**
 * Where the revisions of the releases of one namespace are kept. The first eight methods are the storage (Helm's
 * storage `Driver`); the rest are the rules of a release's history over them (what Helm's `Storage` adds), written
 * once in `BaseRevisionStore`. Implementations: `SecretRevisionStore` (src/release/store.ts, one Secret per
 * revision) and `MemoryRevisionStore` (src/model/memory/, for tests).
 */
export interface RevisionStore {
  readonly namespace: string;
  /** Every revision of `release`, oldest first, without payloads. Empty when the release does not exist. */
  list(release: string): Promise<RevisionInfo[]>;
  /** Revision `n` with its payload, or undefined when there is none. */
  find(release: string, n: number): Promise<Revision | undefined>;
  /** Stores a new revision. Fails with a ClusterError (status 409) if revision `rev.revision` exists already. */
  create(rev: Revision): Promise<void>;
  /** Sets the status of revision `n` (and its error, cleared when not given); a ClusterError (404) when it is missing. */
  setStatus(release: string, n: number, status: RevisionStatus, error?: string): Promise<void>;
  /** Deletes one revision. */
  deleteRevision(release: string, n: number): Promise<void>;
  /** Deletes the whole history of `release` (uninstall without --keep-history). */
  deleteAll(release: string): Promise<void>;
  /**
   * The revisions of `release` written before release keys, whose payloads may hold Secret data or unkeyed hashes
   * of secret values (after finishing any payload rewrite a killed run left). Call it holding the release lock.
   */
  prepareScrub(release: string): Promise<number[]>;
  /** Replaces the payload of stored revision `rev.revision`; its status, update time and error stay as stored. */
  replacePayload(rev: Revision): Promise<void>;

  /** Like `list`, but a release with no revisions is a UserError naming it, with a hint to `berth list -A`. */
  history(release: string): Promise<RevisionInfo[]>;
  /** Revision `n` with its payload; a UserError naming the release and the revisions there are when it is missing. */
  get(release: string, n: number): Promise<Revision>;
  /** The newest revision, whatever its status. */
  latest(release: string): Promise<RevisionInfo | undefined>;
  /** The newest `deployed` revision with its payload: what a rollback or a failed upgrade returns to. */
  lastDeployed(release: string): Promise<Revision | undefined>;
  /**
   * Marks `n` deployed and every other deployed revision superseded. `known`: the stored revisions as the caller,
   * holding the lock, knows them (then they are not listed again).
   */
  markDeployed(release: string, n: number, known?: readonly RevisionState[]): Promise<void>;
  /**
   * Marks every `pending` revision `interrupted`. Call it holding the release lock: then no run is writing them,
   * so a pending revision is one whose deploy was killed (helm/helm#7476). Returns the revisions it changed.
   */
  interruptPending(release: string, reason: string): Promise<number[]>;
  /**
   * What a run holding the release lock starts with, in as few reads as the store can: `interruptPending`, then
   * `prepareScrub`, then `list`.
   */
  beginRun(release: string, reason: string): Promise<RunStart>;
  /**
   * Deletes revisions beyond `max` (see `revisionsToPrune`). Returns the deleted revision numbers. `known`: every
   * stored revision as the caller, holding the lock, knows them (then they are not listed again).
   */
  pruneHistory(release: string, max: number, known?: readonly RevisionState[]): Promise<number[]>;
}

/** What the history rules need to know of a stored revision. */
export type RevisionState = Pick<RevisionInfo, 'revision' | 'status'>;

/** See `RevisionStore.beginRun`. */
export interface RunStart {
  /** Revisions left pending by killed runs, now marked interrupted. */
  readonly interrupted: number[];
  /** Revisions written before release keys (`prepareScrub`). */
  readonly legacy: number[];
  /** Every revision, oldest first, without payloads, as they are after the above. */
  readonly revisions: RevisionInfo[];
}

/** The history rules of `RevisionStore` over its storage methods, so every store follows the same ones. */
export abstract class BaseRevisionStore implements RevisionStore {
  abstract readonly namespace: string;
  abstract list(release: string): Promise<RevisionInfo[]>;
  abstract find(release: string, n: number): Promise<Revision | undefined>;
  abstract create(rev: Revision): Promise<void>;
  abstract setStatus(release: string, n: number, status: RevisionStatus, error?: string): Promise<void>;
  abstract deleteRevision(release: string, n: number): Promise<void>;
  abstract deleteAll(release: string): Promise<void>;
  abstract prepareScrub(release: string): Promise<number[]>;
  abstract replacePayload(rev: Revision): Promise<void>;

  async history(release: string): Promise<RevisionInfo[]> {
    const revisions = await this.list(release);
    if (revisions.length === 0) throw releaseNotFound(release, this.namespace);
    return revisions;
  }

  async get(release: string, n: number): Promise<Revision> {
    const found = await this.find(release, n);
    if (found) return found;
    const known = await this.list(release);
    if (known.length === 0) throw releaseNotFound(release, this.namespace);
    throw new UserError(`release ${release} in namespace ${this.namespace} has no revision ${n}`, {
      hint: `its revisions are ${known.map((r) => r.revision).join(', ')} (berth history ${release} -n ${this.namespace})`,
    });
  }

  async latest(release: string): Promise<RevisionInfo | undefined> {
    return (await this.list(release)).at(-1);
  }

  async lastDeployed(release: string): Promise<Revision | undefined> {
    const info = lastDeployedRevision(await this.list(release));
    return info ? this.get(release, info.revision) : undefined;
  }

  async markDeployed(release: string, n: number, known?: readonly RevisionState[]): Promise<void> {
    await this.setStatus(release, n, 'deployed');
    for (const r of known ?? (await this.list(release))) {
      if (r.revision !== n && r.status === 'deployed') await this.setStatus(release, r.revision, 'superseded');
    }
  }

  async interruptPending(release: string, reason: string): Promise<number[]> {
    const pending = (await this.list(release)).filter((r) => r.status === 'pending');
    for (const r of pending) await this.setStatus(release, r.revision, 'interrupted', reason);
    return pending.map((r) => r.revision);
  }

  async beginRun(release: string, reason: string): Promise<RunStart> {
    const interrupted = await this.interruptPending(release, reason);
    const legacy = await this.prepareScrub(release);
    return { interrupted, legacy, revisions: await this.list(release) };
  }

  async pruneHistory(release: string, max: number, known?: readonly RevisionState[]): Promise<number[]> {
    const doomed = revisionsToPrune(known ?? (await this.list(release)), max);
    for (const n of doomed) await this.deleteRevision(release, n);
    return doomed;
  }
}

export function releaseNotFound(release: string, namespace: string): UserError {
  return new UserError(`release ${release} not found in namespace ${namespace}`, {
    hint: 'berth list -A shows every release in every namespace',
  });
}

/** The failure of `create` when the revision exists already (a concurrent deploy, or a retried request). */
export function revisionExists(rev: Pick<Revision, 'release' | 'revision'>, namespace: string): ClusterError {
  return new ClusterError(`revision ${rev.revision} of release ${rev.release} already exists in namespace ${namespace}`, {
    status: 409,
    reason: 'AlreadyExists',
    hint: 'another deploy of this release wrote it meanwhile; run the command again',
  });
}

/** The failure of `setStatus` for a revision that does not exist. */
export function revisionMissing(release: string, n: number, namespace: string, status: RevisionStatus, cause?: unknown): ClusterError {
  return new ClusterError(`cannot set revision ${n} of release ${release} in namespace ${namespace} to ${status}: the revision does not exist`, {
    status: 404,
    cause,
  });
}

/**
 * What every store checks before it writes a revision: a positive number, a valid release name, a known status,
 * and no Secret data or unkeyed secret hash in the payload (the engine scrubs them; storing one is a bug).
 */
export function checkRevision(rev: Revision): void {
  if (!Number.isInteger(rev.revision) || rev.revision < 1) throw new RangeError(`revision (${rev.revision}) must be a positive integer`);
  const problem = releaseNameProblem(rev.release);
  if (problem) throw new UserError(`release name '${rev.release}' ${problem}`);
  if (!REVISION_STATUSES.includes(rev.status)) throw new RangeError(`status (${rev.status}) must be one of ${REVISION_STATUSES.join(', ')}`);
  if (holdsSecretsInClear(rev)) {
    throw new RangeError(`revision ${rev.revision} of release ${rev.release} holds Secret data or an unkeyed secret hash: scrub it first (scrubRevision)`);
  }
}
