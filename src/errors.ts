/**
 * Typed errors. Everything below src/ throws these; only src/cli/ catches them, prints them and exits.
 * A stack trace shown to a user is a bug, so an error that is not one of these is reported as internal.
 */

export interface BerthErrorOptions {
  /** What the user can do about it, printed after the message. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export abstract class BerthError extends Error {
  readonly hint?: string;
  constructor(message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad input: flags, values, an app that does not synth. Exit 1, before anything touches the cluster. */
export class UserError extends BerthError {}

/** The cluster refused or failed a request. Carries the HTTP status and the object it was about. */
export class ClusterError extends BerthError {
  readonly status?: number;
  readonly reason?: string;
  constructor(message: string, options: BerthErrorOptions & { status?: number; reason?: string } = {}) {
    super(message, options);
    this.status = options.status;
    this.reason = options.reason;
  }
}

/** Ends the command with an exit code and nothing more to print (it has been printed already). */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitError';
  }
}

/** Exit codes that mean something, as diff(1) and `kubectl diff` use them: 0 ok, 1 error, 2 differences found with --exit-code. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DIFF = 2;
