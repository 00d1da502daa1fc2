import { createHmac, hash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Hash of a service's config: 16 hex chars of sha256 over the canonical JSON (one-shot: no Hash object per service). */
export function configHash(data: unknown): string {
  return hash('sha256', canonicalJson(data), 'hex').slice(0, 16);
}

/**
 * Keyed hash of a service's secret config: 16 hex chars of HMAC-SHA256 under the release key. Pod templates are
 * readable by far more people than Secrets (the `view` role), and a plain hash of a password is reversed with a
 * dictionary; under a key only the cluster holds it shows that a value changed and nothing else.
 */
export function secretConfigHash(key: Buffer, secretConfig: unknown): string {
  return createHmac('sha256', key).update(`berth.dev/secret-hash\0${canonicalJson(secretConfig)}`).digest('hex').slice(0, 16);
}
