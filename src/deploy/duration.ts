import { UserError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `5m`, `90s`, `1m30s`, `1h`, `500ms` or plain seconds (`300`) into milliseconds; zero only with `allowZero`. */
export function parseDuration(text: string, flag = '--timeout', options: { allowZero?: boolean } = {}): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UserError(`${flag} '${text}' is not a duration`, { hint: 'use a number with a unit, like 90s, 5m or 1m30s' });
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  if (ms <= 0 && !(options.allowZero && ms === 0)) throw new UserError(`${flag} '${text}' must be longer than zero`, { hint: 'for example 5m' });
  return ms;
}
