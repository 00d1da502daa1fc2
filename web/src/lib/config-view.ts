import type { ConfigChange } from '../../../src/model/config-diff.js';
import type { MaskedSecret } from '../../../src/ui/api-types.js';

/** The API shows a secret-marked value as `{ secret: true, set }`, never its value. */
export function isMaskedSecret(value: unknown): value is MaskedSecret {
  return typeof value === 'object' && value !== null && (value as { secret?: unknown }).secret === true && typeof (value as { set?: unknown }).set === 'boolean' && Object.keys(value).length === 2;
}

export interface ConfigRow {
  readonly path: string;
  readonly value: string;
  readonly secret: boolean;
}

/** A config object as table rows by dotted path (arrays are one row), secrets as `set` / `not set`. */
export function configRows(config: unknown, prefix = ''): ConfigRow[] {
  if (isMaskedSecret(config)) return [{ path: prefix, value: config.set ? 'set' : 'not set', secret: true }];
  if (isPlainObject(config)) {
    const keys = Object.keys(config).sort();
    if (keys.length === 0 && prefix) return [{ path: prefix, value: '{}', secret: false }];
    return keys.flatMap((key) => configRows(config[key], prefix ? `${prefix}.${key}` : key));
  }
  return [{ path: prefix, value: formatValue(config), secret: false }];
}

/** One value as a table shows it: strings bare, the rest as JSON, nothing as an em dash. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface ChangeRow {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly before: string;
  readonly after: string;
}

/** Config changes as table rows; a secret's values are never shown, only that it changed. */
export function changeRows(changes: readonly ConfigChange[]): ChangeRow[] {
  return changes.map((c) => {
    const change = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed';
    if (c.secret) {
      return { path: c.path, change, before: c.before === undefined ? '—' : '(secret)', after: c.after === undefined ? '—' : '(secret, changed)' };
    }
    return { path: c.path, change, before: formatValue(c.before), after: formatValue(c.after) };
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}
