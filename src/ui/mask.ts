import { formatPath } from '../config/json-schema.js';
import { isHashedSecret, isSecretPath, SECRET_PLACEHOLDER } from '../model/secrets.js';
import { isPlainObject } from '../util/object.js';
import type { MaskedSecret } from './api-types.js';

/**
 * Config as the API shows it: every secret-marked value becomes `{ secret: true, set }`. Two rules, either enough:
 * a path the schema marks secret (`listSecretPaths`, when the schema is at hand), and any stored digest of a secret
 * (revisions keep nothing else of a secret value) or its `(secret)` placeholder, so a revision whose schema is unknown
 * is masked too.
 */
export function maskConfig(values: unknown, secretPaths: readonly string[] = []): unknown {
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    // Objects and lists are walked into: `db` "contains" the secret `db.password`, its other fields are not secret.
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child, [...path, k])]));
    // `getValuesAction` shows a stored digest as `(secret)`: the same thing, already hidden.
    if (isHashedSecret(v) || v === SECRET_PLACEHOLDER) return masked(true);
    if (path.length > 0 && isSecretPath(formatPath(path), secretPaths)) return masked(v !== undefined && v !== null);
    return v;
  };
  return walk(values, []);
}

function masked(set: boolean): MaskedSecret {
  return { secret: true, set };
}

/** True for the API's placeholder of a secret value (what the form sends back for a secret it did not change). */
export function isMaskedSecret(v: unknown): v is MaskedSecret {
  return isPlainObject(v) && v.secret === true && typeof v.set === 'boolean' && Object.keys(v).length === 2;
}
