import { UserError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Longest wait a flag may ask for: a day. Node's timers also cap at about 24.8 days and fire at once beyond it. */
export const MAX_DURATION_MS = 24 * 3_600_000;

/**
 * Parses `5m`, `90s`, `1m30s`, `1h`, `500ms` or plain seconds (`300`) into milliseconds. Zero is refused however it
 * is written (`0`, `0s`, `0m0s`): a wait of nothing fails every readiness check at once, which nobody means — except
 * with `allowZero`, for the one flag where zero means something (`--lock-timeout 0`: do not wait for the lock).
 */
export function parseDuration(text: string, flag = '--timeout', options: { allowZero?: boolean } = {}): number {
  const trimmed = text.trim();
  const parts = /^\d+$/.test(trimmed) ? [[trimmed, trimmed, 's']] : [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UserError(`${flag} '${text}' is not a duration`, { hint: 'use a number with a unit, like 90s, 5m or 1m30s' });
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0 && !(options.allowZero && ms === 0)) throw new UserError(`${flag} '${text}' must be longer than zero`, { hint: 'for example 5m' });
  if (ms > MAX_DURATION_MS) throw new UserError(`${flag} '${text}' must be at most 24h`, { hint: 'for example 30m' });
  return Math.ceil(ms);
}
