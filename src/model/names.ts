/**
 * The names a release is addressed by, checked once for every command and by the revision store.
 *
 * A release name is a DNS-1035 label (it starts every object name, `<release>-<service>`, and Service names must be
 * DNS-1035 labels) of at most 53 characters: the label values it is written into (`app.kubernetes.io/instance`, the
 * revision Secrets' `release` label) hold 63, and object names need the other 10 for `-<service>` and the
 * suffixes controllers append. Helm uses the same limit for the same reason.
 */
export const MAX_RELEASE_NAME_LENGTH = 53;
const MAX_LABEL_LENGTH = 63;

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `name` cannot be a release name, or undefined when it can. */
export function releaseNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_RELEASE_NAME_LENGTH) {
    return `is ${name.length} characters long; the limit is ${MAX_RELEASE_NAME_LENGTH} (it prefixes object names and label values of at most 63)`;
  }
  if (!DNS_1035_LABEL.test(name)) return "must consist of lower-case letters, digits and '-', start with a letter and end with a letter or digit";
  return undefined;
}

/** Why `name` cannot be a namespace name (a DNS-1123 label), or undefined when it can. */
export function namespaceProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_LABEL_LENGTH) return `is ${name.length} characters long; the limit is ${MAX_LABEL_LENGTH}`;
  if (!DNS_1123_LABEL.test(name)) return "must consist of lower-case letters, digits and '-', and start and end with a letter or digit";
  return undefined;
}
