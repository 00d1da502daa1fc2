import type { IConstruct } from 'constructs';
import type { Application } from '../application.js';
import {
  ANNOTATION_CONFIG_HASH,
  ANNOTATION_RELEASE,
  ANNOTATION_SECRET_HASH,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
} from '../contract.js';
import { propError } from './errors.js';
import { dns1123SubdomainProblem } from './naming.js';

/** The `app.kubernetes.io/*` labels Berth sets on every object; a user label with one of these keys is refused. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([LABEL_NAME, LABEL_INSTANCE, LABEL_PART_OF, LABEL_VERSION, LABEL_MANAGED_BY, LABEL_COMPONENT]);

/** Annotations Berth computes itself; a user annotation with one of these keys is refused. */
export const RESERVED_ANNOTATIONS: ReadonlySet<string> = new Set([ANNOTATION_RELEASE, ANNOTATION_CONFIG_HASH, ANNOTATION_SECRET_HASH]);

/** Labels and annotations meant for one object (a Service, the pod template, the workload) only. */
export interface TargetedMetadata {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

const NAME_PART = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/** Why `key` is not a qualified name (`[prefix/]name`, the shape of label and annotation keys), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && dns1123SubdomainProblem(prefix) !== undefined) {
    return "has a prefix that is not a DNS subdomain: use e.g. 'example.com/team'";
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return "is not a qualified name: at most 63 letters, digits, '-', '_' or '.' (after an optional 'prefix/'), starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * Checks the labels and annotations of `prop` (`labels`, `podLabels`, `service.labels` ...): keys are qualified
 * names, label values at most 63 characters of the label alphabet, and Berth's own keys are refused.
 */
export function checkMetadata(scope: IConstruct, labelsProp: string, labels: Readonly<Record<string, string>> | undefined, annotationsProp: string, annotations: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (RESERVED_LABELS.has(key)) {
      throw propError(scope, `${labelsProp}.${key}`, value, `is set by Berth; ${key === LABEL_COMPONENT ? "use the 'component' prop" : 'remove it'}`);
    }
    const problem = qualifiedNameProblem(key);
    if (problem) throw propError(scope, labelsProp, key, `key ${problem}`);
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !NAME_PART.test(value))) {
      throw propError(scope, `${labelsProp}.${key}`, value, "is not a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)");
    }
  }
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (RESERVED_ANNOTATIONS.has(key)) throw propError(scope, `${annotationsProp}.${key}`, value, 'is set by Berth: remove it');
    const problem = qualifiedNameProblem(key);
    if (problem) throw propError(scope, annotationsProp, key, `key ${problem}`);
    if (typeof value !== 'string') throw propError(scope, `${annotationsProp}.${key}`, value, "must be a string, e.g. 'true'");
  }
}

/** The labels and annotations every object of one service carries. */
export interface ServiceMetadata {
  /** Instance and name only: they never change for the life of a release, so selectors can use them. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Berth's labels over the user's (the reserved keys win), and the release annotation the engine finds objects by. */
export function serviceMetadata(
  app: Application,
  service: string,
  component: string,
  userLabels: Readonly<Record<string, string>> = {},
  userAnnotations: Readonly<Record<string, string>> = {},
): ServiceMetadata {
  const { release } = app;
  const selectorLabels = {
    [LABEL_NAME]: service,
    [LABEL_INSTANCE]: release.name,
  };
  return {
    selectorLabels,
    labels: {
      ...userLabels,
      ...selectorLabels,
      [LABEL_PART_OF]: app.appName,
      [LABEL_VERSION]: app.version,
      [LABEL_MANAGED_BY]: MANAGED_BY,
      [LABEL_COMPONENT]: component,
    },
    annotations: { ...userAnnotations, [ANNOTATION_RELEASE]: `${release.namespace}/${release.name}` },
  };
}

/** Labels and annotations of an object of the release that belongs to no service (it goes into `_release.yaml`). */
export function releaseMetadata(app: Application, component: string): Pick<ServiceMetadata, 'labels' | 'annotations'> {
  const { labels, annotations } = serviceMetadata(app, '', component);
  const { [LABEL_NAME]: _service, ...rest } = labels;
  return { labels: rest, annotations };
}

/**
 * Metadata of one object of the service: name, all labels, all annotations, plus those `only` this object gets
 * (checked by `checkMetadata`, so they cannot replace Berth's keys).
 */
export function objectMeta(
  service: Pick<ServiceMetadata, 'labels' | 'annotations'>,
  name: string,
  only: TargetedMetadata = {},
): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
  return { name, labels: { ...service.labels, ...only.labels }, annotations: { ...service.annotations, ...only.annotations } };
}
