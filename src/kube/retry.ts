/**
 * Retries with exponential backoff for transient cluster failures: the API server restarting, a dropped connection,
 * throttling (429) and 5xx answers. Anything else fails at once, since repeating a rejected request changes nothing.
 */

export interface RetryOptions {
  /** Attempts in total, the first included. @default 5 */
  readonly attempts?: number;
  /** Delay before the second attempt; doubled after each failure. @default 250 ms */
  readonly baseDelayMs?: number;
  /** Upper bound of one delay. @default 4000 ms */
  readonly maxDelayMs?: number;
}

/** Socket-level error codes that mean "the server was not reached or went away", worth another try. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

export function isTransientNetworkError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): base·2^(attempt-1), capped, with ±20% jitter. */
export function backoffDelay(attempt: number, options: RetryOptions = {}, random: () => number = Math.random): number {
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 4000;
  const raw = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}


