import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../util/object.js';
import { isHashedSecret, isSecretPath } from './secrets.js';

/** One changed leaf of a config object. `before` / `after` are undefined when the path was added / removed. */
export interface ConfigChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The path is secret-marked: values are never shown, only that they changed. */
  readonly secret: boolean;
}

/** Leaves of a config object by dotted path; arrays are leaves (compared whole). */
export function flattenConfig(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (isPlainObject(value)) {
    for (const key of Object.keys(value).sort()) {
      const path = prefix ? `${prefix}.${key}` : key;
      for (const [p, v] of flattenConfig(value[key], path)) out.set(p, v);
    }
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

/**
 * Changed config leaves between two config objects, sorted by path. `secretPaths` are the patterns of
 * `listSecretPaths` (`db.password`, `tokens.*`, `keys[]`).
 */
export function configChanges(before: unknown, after: unknown, secretPaths: readonly string[] = []): ConfigChange[] {
  const a = flattenConfig(before);
  const b = flattenConfig(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: ConfigChange[] = [];
  for (const path of paths) {
    if (isDeepStrictEqual(a.get(path), b.get(path))) continue;
    const before = a.get(path);
    const after = b.get(path);
    // Stored revisions hold secret values as sha256 hashes: those are secret whatever the schema says.
    const secret = isSecretPath(path, secretPaths) || isHashedSecret(before) || isHashedSecret(after);
    changes.push({ path, before, after, secret });
  }
  return changes;
}

/** Config changes safe to print as JSON: secret ones without their values. */
export function publicConfigChanges(changes: readonly ConfigChange[]): ConfigChange[] {
  return changes.map((c) => (c.secret ? { path: c.path, secret: true } : c));
}
