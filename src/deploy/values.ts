import { createHash } from 'node:crypto';
import type { KubeObject } from '../synth/manifest-set.js';

/** Every value the Secrets among `manifests` hold, decoded. */
function secretValues(manifests: readonly KubeObject[]): Set<string> {
  const values = new Set<string>();
  for (const o of manifests) {
    if (o.kind !== 'Secret') continue;
    for (const v of Object.values((o.data ?? {}) as Record<string, string>)) values.add(Buffer.from(v, 'base64').toString('utf8'));
    for (const v of Object.values((o.stringData ?? {}) as Record<string, string>)) values.add(v);
  }
  values.delete('');
  return values;
}

/**
 * The config values as a revision stores them: every string that reaches a Secret of the release (which is where
 * secret-marked config goes) replaced by `sha256:<hex>`, so history and `get values` can tell that it changed
 * without ever showing it.
 */
export function maskSecretValues(config: unknown, manifests: readonly KubeObject[]): unknown {
  const secrets = secretValues(manifests);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.has(v) ? `sha256:${createHash('sha256').update(v).digest('hex')}` : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(config);
}
