import { ApiObject, Chart } from 'cdk8s';
import type { Application } from '../application.js';
import type { Workload } from '../workload.js';
import type { IConstruct } from 'constructs';
import {
  ANNOTATION_RELEASE,
  CLUSTER_SCOPED_KINDS,
  definedKinds,
  groupKind,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
} from '../contract.js';
import { RESERVED_LABELS } from './metadata.js';

/** An object as a chart renders it. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** The API objects under an application, in tree order: all of them, and those of its own chart. */
export interface ApplicationObjects {
  readonly all: readonly ApiObject[];
  /** Not in a chart nested in the application. */
  readonly own: readonly ApiObject[];
}

/** One walk of the tree for `ApplicationObjects` (a `findAll()`, and `Chart.of` of every object, took two). */
export function objectsUnder(app: Application): ApplicationObjects {
  const all: ApiObject[] = [];
  const own: ApiObject[] = [];
  const visit = (c: IConstruct, nested: boolean): void => {
    for (const child of c.node.children) {
      if (ApiObject.isApiObject(child)) {
        all.push(child);
        if (!nested) own.push(child);
      }
      visit(child, nested || Chart.isChart(child));
    }
  };
  visit(app, false);
  return { all, own };
}

/** The API objects of the application's own chart (not of a chart nested in it), in tree order. */
export function apiObjectsOf(app: Application): ApiObject[] {
  return [...objectsUnder(app).own];
}

/**
 * Whether the API serves `o` without a namespace: a built-in cluster-scoped kind, or a custom kind whose
 * CustomResourceDefinition in the same application says `scope: Cluster`.
 */
export function isClusterScoped(o: Pick<RenderedObject, 'apiVersion' | 'kind'>, scopes: ReadonlyMap<string, string>): boolean {
  const custom = scopes.size === 0 ? undefined : scopes.get(groupKind(o));
  if (custom !== undefined) return custom === 'Cluster';
  return CLUSTER_SCOPED_KINDS.has(o.kind);
}

/** The service an object belongs to: the workload whose scope it was created in, if any. */
export function serviceOf(obj: ApiObject, services: ReadonlySet<IConstruct>): Workload | undefined {
  const scopes = obj.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (services.has(scopes[i]!)) return scopes[i] as Workload;
  }
  return undefined;
}

/**
 * Problems with the objects of an application that the API server or the release model cannot take: cluster-scoped
 * objects the application does not allow, and objects naming a namespace other than the release's (unless rewritten).
 */
export function placementProblems(
  app: Application,
  opts: { clusterScoped: 'refuse' | 'allow'; otherNamespaces: 'refuse' | 'rewrite' },
  objects: readonly ApiObject[] = objectsUnder(app).own,
): string[] {
  const scopes = definedKinds(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.toJson() as RenderedObject));
  const problems: string[] = [];
  for (const o of objects) {
    // The synth driver puts the application's path first; the construct path says which line made the object. Made
    // only for an object with a problem: a construct's path is a walk up the tree, and every object is checked.
    const ref = (): string => `${o.kind}/${o.name} (${o.node.path})`;
    if (isClusterScoped(o, scopes)) {
      if (opts.clusterScoped === 'refuse') {
        problems.push(
          `${ref()} is cluster-scoped, and application '${app.appName}' renders namespaced objects only: ` +
            "allow cluster-scoped objects with `clusterScoped: 'allow'` in the Application's props " +
            "(`super(scope, id, { ...props, clusterScoped: 'allow' })`; the release then owns, prunes and uninstalls them), or create the object out of band",
        );
      }
      continue;
    }
    const ns = o.metadata.namespace;
    if (ns !== undefined && ns !== app.release.namespace && opts.otherNamespaces === 'refuse') {
      problems.push(
        `${ref()} names namespace '${ns}', but release ${app.release.name} goes into namespace '${app.release.namespace}': ` +
          "remove its metadata.namespace (in the file it comes from, for an Include), or move it into the release's namespace with " +
          "`otherNamespaces: 'rewrite'` in the Application's props",
      );
    }
  }
  return problems;
}

/**
 * Makes every rendered object part of the release. Berth's own constructs already carry the release's labels and
 * annotation and are returned as they are; any other object (a `berth/k8s` binding, a cdk8s-plus construct, an
 * Include) gets them here: the labels of the service whose scope it was created in, else the release's labels (a user's
 * `app.kubernetes.io/name` stays: naming a service, it attaches the object to that service; naming none, the object
 * stays release-level), and the `berth.dev/release` annotation that ownership, prune and uninstall go by. Cluster-scoped objects lose the chart's
 * namespace; namespaced ones are put into the release's (a different one was refused or, when allowed, is rewritten).
 */
export function releaseObjects(app: Application, rendered: readonly RenderedObject[], services: readonly Workload[]): RenderedObject[] {
  const { release } = app;
  const id = `${release.namespace}/${release.name}`;
  // Made when the first object without the release's labels needs it (Berth's own constructs never do).
  let owners: Map<string, Workload> | undefined;
  const ownersOf = (): Map<string, Workload> => {
    if (owners) return owners;
    owners = new Map();
    // A set, not the list: every object looks up its scopes, and a list made that N² at N services.
    const serviceSet = new Set<IConstruct>(services);
    for (const o of apiObjectsOf(app)) {
      const w = serviceOf(o, serviceSet);
      if (w) owners.set(`${o.apiVersion}/${o.kind}/${o.name}`, w);
    }
    return owners;
  };
  const scopes = definedKinds(rendered);
  const releaseLabels = {
    [LABEL_INSTANCE]: release.name,
    [LABEL_PART_OF]: app.appName,
    [LABEL_VERSION]: app.version,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
  return rendered.map((o) => {
    if (o.metadata.annotations?.[ANNOTATION_RELEASE] === id && o.metadata.labels?.[LABEL_INSTANCE] === release.name) return o;
    const owner = ownersOf().get(`${o.apiVersion}/${o.kind}/${o.metadata.name}`);
    const own = owner ? Object.fromEntries(Object.entries(owner.labels).filter(([k]) => RESERVED_LABELS.has(k))) : releaseLabels;
    const user = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !(k in own)));
    const metadata = {
      ...o.metadata,
      labels: { ...user, ...own },
      annotations: { ...o.metadata.annotations, [ANNOTATION_RELEASE]: id },
      namespace: release.namespace as string | undefined,
    };
    if (isClusterScoped(o, scopes)) delete metadata.namespace;
    return { ...o, metadata };
  });
}
