import type { KubeObject } from './manifest-set.js';
import { isSecretDigest } from './secrets.js';

/**
 * The placeholder shown instead of a Secret value: its size, never its content. A value from history is only a
 * keyed digest (`bytes` undefined): `REDACTED (not kept in history)`.
 */
export function redacted(bytes: number | undefined, changed = false): string {
  return `REDACTED (${bytes === undefined ? 'not kept in history' : `${bytes} bytes`}${changed ? ', changed' : ''})`;
}

function byteLength(value: unknown, base64: boolean): number {
  if (typeof value !== 'string') return 0;
  return base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8');
}

function redactMap(
  values: unknown,
  other: unknown,
  base64: boolean,
): Record<string, string> | undefined {
  if (!values || typeof values !== 'object') return undefined;
  const others = other && typeof other === 'object' ? (other as Record<string, unknown>) : undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const changed = others !== undefined && key in others && others[key] !== value;
    out[key] = redacted(isSecretDigest(value) ? undefined : byteLength(value, base64), changed);
  }
  return out;
}

/**
 * A copy of the object safe to print: a Secret's `data` and `stringData` values become `REDACTED (N bytes)`,
 * changed or not. `other` is the object it is compared with; a value that differs from it is marked `changed`
 * so a diff still shows that a secret changed without showing what it is.
 */
export function redactSecret(obj: KubeObject, other?: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') return obj;
  const copy: KubeObject = { ...obj };
  const data = redactMap(obj.data, other?.data, true);
  if (data) copy.data = data;
  const stringData = redactMap(obj.stringData, other?.stringData, false);
  if (stringData) copy.stringData = stringData;
  return copy;
}
