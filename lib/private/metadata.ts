import type { Application } from '../application.js';
import {
  ANNOTATION_RELEASE,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
} from '../contract.js';

/** The `app.kubernetes.io/*` labels Berth sets on every object; a user label with one of these keys is refused. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([LABEL_NAME, LABEL_INSTANCE, LABEL_PART_OF, LABEL_VERSION, LABEL_MANAGED_BY, LABEL_COMPONENT]);

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

/** Metadata of one object of the service: name, all labels, all annotations. */
export function objectMeta(
  service: Pick<ServiceMetadata, 'labels' | 'annotations'>,
  name: string,
): { name: string; labels: Record<string, string>; annotations: Record<string, string> } {
  return { name, labels: { ...service.labels }, annotations: { ...service.annotations } };
}
