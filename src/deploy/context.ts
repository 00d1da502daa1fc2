import type { KubeApi } from '../model/kube-api.js';
import type { ReleaseLock } from '../release/lock.js';
import type { RevisionStore } from '../model/revision-store.js';

export type ServiceState = 'queued' | 'applying' | 'waiting' | 'ready' | 'failed' | 'deleting';

/** Live progress of a run; the CLI renders it as live lines on a terminal and as plain lines in CI. */
export interface ProgressReporter {
  service(name: string, state: ServiceState, message: string): void;
  /** A one-off line: a phase starting, a decision explained. */
  note(line: string): void;
  /** Stops live rendering; called once at the end of the run. */
  stop(): void;
}

/**
 * Everything an action needs from outside, passed in so that the CLI, the web UI and tests call the same code
 * (actions are a library first; the CLI only parses flags and formats results).
 */
export interface DeployContext {
  readonly client: KubeApi;
  /** The revision store of the release's namespace. */
  readonly store: RevisionStore;
  readonly acquireLock: (namespace: string, release: string) => Promise<ReleaseLock>;
  readonly progress: ProgressReporter;
  /** `user@host`, recorded in revisions. */
  readonly user: string;
  /**
   * Aborting stops a run at the next safe point (between kind groups, while waiting): the revision is recorded
   * failed as cancelled and the lock released, so nothing is left pending.
   */
  readonly signal?: AbortSignal;
}

/** A reporter that drops everything, for callers that do not want progress. */
export const silentProgress: ProgressReporter = { service() {}, note() {}, stop() {} };
