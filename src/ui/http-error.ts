import type { ApiError } from './api-types.js';

/** A refusal or a bad request with its own HTTP status and error body (validation errors carry their fields). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}
