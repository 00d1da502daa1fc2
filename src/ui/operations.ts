import { randomBytes } from 'node:crypto';
import type { ProgressReporter, ServiceState } from '../deploy/context.js';
import { BerthError } from '../errors.js';
import type { ObjectState } from '../operate/status.js';
import type { OperationProgress, OperationResult } from './api-types.js';

/**
 * Running deploys and rollbacks. Each keeps its progress lines, so a page that connects to
 * `/api/operations/:id/events` late (or again) sees all of them, then the live ones, then `done`.
 */

export type OperationEvent = { type: 'progress'; data: OperationProgress } | { type: 'done'; data: OperationResult };

const STATE: Record<ServiceState, ObjectState | undefined> = { queued: 'waiting', applying: 'waiting', waiting: 'waiting', ready: 'ready', failed: 'failed', deleting: undefined };

export class Operation {
  readonly id = randomBytes(12).toString('base64url');
  readonly events: OperationEvent[] = [];
  private readonly listeners = new Set<(e: OperationEvent) => void>();

  get done(): boolean {
    return this.events.at(-1)?.type === 'done';
  }

  /** The progress reporter the action is given: each line becomes a `progress` event. */
  readonly progress: ProgressReporter = {
    service: (name, state, message) => {
      const s = STATE[state];
      this.emit({ type: 'progress', data: { message: `${name}: ${state}${message ? ` ${message}` : ''}`, service: name, ...(s ? { state: s } : {}) } });
    },
    note: (line) => this.emit({ type: 'progress', data: { message: line } }),
    stop: () => {},
  };

  emit(e: OperationEvent): void {
    if (this.done) return;
    this.events.push(e);
    for (const l of this.listeners) l(e);
  }

  /** Replays what happened so far, then calls `listener` with each new event. Returns the unsubscribe function. */
  subscribe(listener: (e: OperationEvent) => void): () => void {
    for (const e of this.events) listener(e);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class Operations {
  private readonly all = new Map<string, Operation>();
  private readonly running = new Set<Promise<void>>();

  /** A new operation, not yet listed: it is once `run` starts it (a request that fails before leaves nothing behind). */
  create(): Operation {
    return new Operation();
  }

  /** Runs `work` in the background; its result or error becomes the `done` event. */
  run(op: Operation, work: () => Promise<OperationResult>): void {
    this.all.set(op.id, op);
    const finished = work().then(
      (result) => op.emit({ type: 'done', data: result }),
      (err: unknown) => op.emit({ type: 'done', data: { ok: false, message: errorMessage(err) } }),
    );
    this.running.add(finished);
    void finished.finally(() => this.running.delete(finished));
  }

  /** Resolves when every running operation has ended (the server's shutdown aborts them first). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  get(id: string): Operation | undefined {
    return this.all.get(id);
  }
}

/** A BerthError's message and hint as the CLI prints them; anything else as an internal error, never a stack. */
export function errorMessage(err: unknown): string {
  if (err instanceof BerthError) return err.hint ? `${err.message} (hint: ${err.hint})` : err.message;
  return `internal error: ${err instanceof Error ? err.message : String(err)}`;
}
