import type { Application } from '../application.js';

/** The `app.kubernetes.io/*` labels Berth sets on every object; a user label with one of these keys is refused. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/component',
]);

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
    'app.kubernetes.io/name': service,
    'app.kubernetes.io/instance': release.name,
  };
  return {
    selectorLabels,
    labels: {
      ...userLabels,
      ...selectorLabels,
      'app.kubernetes.io/part-of': app.appName,
      'app.kubernetes.io/version': app.version,
      'app.kubernetes.io/managed-by': 'berth',
      'app.kubernetes.io/component': component,
    },
    annotations: { ...userAnnotations, 'berth.dev/release': `${release.namespace}/${release.name}` },
  };
}

/** Metadata of one object of the service: name, all labels, all annotations. */
export function objectMeta(
  service: Pick<ServiceMetadata, 'labels' | 'annotations'>,
  name: string,
): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
  return { name, labels: { ...service.labels }, annotations: { ...service.annotations } };
}
