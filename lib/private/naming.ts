import { hash } from 'node:crypto';

/** Longest name Kubernetes accepts for most objects and for every label value (DNS-1123 label). */
export const MAX_NAME_LENGTH = 63;

/**
 * StatefulSet and CronJob names must leave room for what the controllers append: pods are named
 * `<sts>-<ordinal>` and carry the label `controller-revision-hash: <sts>-<10 chars>`; jobs are named
 * `<cronjob>-<11 digits>`. Both end up limited to 52 characters.
 */
export const MAX_CONTROLLER_NAME_LENGTH = 52;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `shortHash('x')` is the first `length` hex characters of sha256(x): stable across runs and machines. */
export function shortHash(value: string, length = 8): string {
  return hash('sha256', value, 'hex').slice(0, length);
}

/**
 * Why `value` is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a
 * letter or digit, at most 63 characters), or undefined when it is one. Services and releases must be DNS-1035
 * labels because they become Service names.
 */
export function dns1035Problem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH) return `is ${value.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  if (!DNS_1035_LABEL.test(value)) {
    const bad = [...new Set(value.replace(/[a-z0-9-]/g, ''))].map((c) => `'${c}'`).join(', ');
    const detail = bad ? `contains ${bad}` : !/^[a-z]/.test(value) ? 'does not start with a letter' : 'ends with \'-\'';
    return `is not a DNS-1035 label (${detail}): use lower-case letters, digits and '-', start with a letter and end with a letter or digit`;
  }
  return undefined;
}

/** Like `dns1035Problem` for DNS-1123 labels (may start with a digit): namespaces, volume and container names. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH) return `is ${value.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  if (!DNS_1123_LABEL.test(value)) {
    return "is not a DNS-1123 label: use lower-case letters, digits and '-', start and end with a letter or digit";
  }
  return undefined;
}

/** Like `dns1035Problem` for DNS-1123 subdomains (dots allowed, 253 characters): host names, Secret names. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253) return `is ${value.length} characters long; the limit is 253`;
  if (!DNS_1123_SUBDOMAIN.test(value)) {
    return "is not a DNS-1123 subdomain: use lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * The name of an object Berth generates: `<release>-<service>[-<suffix>]`. Names longer than `maxLength` keep
 * their readable start and end in `-<8 hex chars>` of a hash of the full name, so they stay unique and stable.
 */
export function objectName(parts: readonly string[], maxLength = MAX_NAME_LENGTH): string {
  const full = parts.filter((p) => p.length > 0).join('-');
  if (full.length <= maxLength) return full;
  const hash = shortHash(full);
  const head = full.slice(0, maxLength - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
