import { ApiObject, Chart } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { ApplicationDescription } from './contract.js';
import type { NetworkPoliciesOptions } from './network-policy.js';
import type { Workload } from './workload.js';
import { constructError, nameError, propError } from './private/errors.js';
import { APPLICATION_PROPS, checkKnownKeys } from './private/known-keys.js';
import { describeGraph } from './private/graph.js';
import { dns1035Problem, dns1123LabelProblem, MAX_CONTROLLER_NAME_LENGTH, MAX_NAME_LENGTH, objectName } from './private/naming.js';
import { objectsUnder, placementProblems, releaseObjects, type RenderedObject } from './private/release-objects.js';
import { installFastSerialize, synthSimpleChart } from './private/fast-serialize.js';

installFastSerialize();

/** Where an application is being deployed: the release name, its namespace and the environment's name. */
export interface ReleaseContext {
  /**
   * Release name, the `app.kubernetes.io/instance` label and the prefix of every object name (`shop-prod`).
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
   */
  readonly name: string;
  /**
   * Namespace every object of the release goes into.
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
   */
  readonly namespace: string;
  /**
   * Environment name (`dev`, `prod`): the env file the config came from.
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
   */
  readonly env: string;
}

export interface ApplicationProps<TConfig> {
  /** The typed config object, usually the default export of `apps/<app>/env/<env>.ts`. */
  readonly config: TConfig;
  /** Release name, namespace and environment name. */
  readonly release: ReleaseContext;
  /**
   * Application version, the label `app.kubernetes.io/version` on every object.
   * @default '0.1.0'
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
   */
  readonly version?: string;
  /**
   * Whether the application may render cluster-scoped objects (Namespace, ClusterRole, CustomResourceDefinition,
   * ...). Refused by default: a release lives in one namespace, and a cluster-wide object affects every other one.
   * When allowed, they are owned, pruned and uninstalled by the release like the rest (the engine then also lists
   * the release's objects cluster-wide, which needs cluster-wide read access).
   * @default 'refuse'
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#not-all-objects-are-in-a-namespace
   */
  readonly clusterScoped?: 'refuse' | 'allow';
  /**
   * What to do with an object that names a namespace other than the release's (typically one of an `Include`d
   * file): refuse it at synth, or put it into the release's namespace.
   * @default 'refuse'
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
   */
  readonly otherNamespaces?: 'refuse' | 'rewrite';
  /**
   * A NetworkPolicy per service from the dependency graph: each service accepts connections only from its own pods,
   * the services that depend on it or hold its address, the Ingress controller (services with an Ingress) and the
   * `extra` rules. Needs a network plugin that enforces NetworkPolicy.
   * @default no policies
   */
  readonly networkPolicies?: NetworkPoliciesOptions;
}

export type { ApplicationDescription, EdgeKind, ServiceDescription, ServiceEdge, ServicePort } from './contract.js';

/** Marks applications; a registry symbol so that two bundled copies of the library still recognise each other. */
const APPLICATION = Symbol.for('berth.Application');

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The services of one system under one typed config object. Subclass it, create the services in the
 * constructor and default-export the class from `apps/<app>/index.ts`:
 *
 * ```ts
 * export default class Shop extends Application<ShopConfig> {
 *   constructor(scope: Construct, id: string, props: ApplicationProps<ShopConfig>) {
 *     super(scope, id, props);
 *     const db = new StatefulApp(this, 'db', { image: props.config.db.image, ports: [{ port: 5432 }] });
 *     new StatelessApp(this, 'api', { image: props.config.api.image, ports: [{ port: 8080 }] }).dependsOn(db);
 *   }
 * }
 * ```
 *
 * The id is the application name (`app.kubernetes.io/part-of`); every object goes into `release.namespace`.
 */
export class Application<TConfig = unknown> extends Chart {
  /**
   * Whether `x` is an Application. Use this, not `instanceof`: cdk8s's Chart answers `instanceof` for every
   * chart, so `x instanceof Application` is true for any Chart.
   */
  static isApplication(x: unknown): x is Application {
    return x !== null && typeof x === 'object' && APPLICATION in x;
  }

  /** The application containing `scope`; throws when there is none. */
  static of(scope: IConstruct): Application {
    for (const s of [...scope.node.scopes].reverse()) {
      if (Application.isApplication(s)) return s;
    }
    throw constructError(scope, 'must be created inside an Application: pass the application (`this` in its constructor) as the scope');
  }

  /** The typed config object the application was created with. */
  readonly config: TConfig;
  /** Release name, namespace and environment. */
  readonly release: ReleaseContext;
  /** Application name: the construct id (`shop`). */
  readonly appName: string;
  /** Application version: `props.version` or '0.1.0'. */
  readonly version: string;
  /** @internal The `networkPolicies` prop, read by each Workload as it is created. */
  readonly _networkPolicies?: NetworkPoliciesOptions;
  private readonly registered: Workload[] = [];
  private readonly clusterScoped: 'refuse' | 'allow';
  private readonly otherNamespaces: 'refuse' | 'rewrite';

  constructor(scope: Construct, id: string, props: ApplicationProps<TConfig>) {
    super(scope, id, { namespace: props.release.namespace, disableResourceNameHashes: true });
    Object.defineProperty(this, APPLICATION, { value: true });
    checkKnownKeys(this, '', props, APPLICATION_PROPS);
    this.config = props.config;
    this.release = props.release;
    this.appName = id;
    this.version = props.version ?? '0.1.0';
    this.clusterScoped = props.clusterScoped ?? 'refuse';
    this.otherNamespaces = props.otherNamespaces ?? 'refuse';
    this._networkPolicies = props.networkPolicies;

    const idProblem = dns1123LabelProblem(id);
    if (idProblem) throw nameError(this, 'application name', id, idProblem);
    const releaseProblem = dns1035Problem(props.release.name);
    if (releaseProblem) throw nameError(this, 'release name', props.release.name, `${releaseProblem}; choose another release name`);
    const nsProblem = dns1123LabelProblem(props.release.namespace);
    if (nsProblem) throw nameError(this, 'namespace', props.release.namespace, nsProblem);
    if (this.version.length > 63 || !LABEL_VALUE.test(this.version)) {
      throw propError(
        this,
        'version',
        this.version,
        "is not a valid label value: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      );
    }
    // One validation, so that both checks share one walk for the objects.
    this.node.addValidation({
      validate: () => {
        const objects = objectsUnder(this);
        return [...this.validateServices(objects.all), ...placementProblems(this, { clusterScoped: this.clusterScoped, otherNamespaces: this.otherNamespaces }, objects.own)];
      },
    });
  }

  /**
   * Every object of the application as the engine takes it: objects not rendered by Berth's constructs (`berth/k8s`
   * bindings, cdk8s-plus constructs, `Include`) get the release's labels and annotation here, so that they are
   * ordered, diffed, ownership-checked, pruned and uninstalled like the rest (lib/private/release-objects.ts).
   */
  override toJson(): unknown[] {
    const validated = this._validatedConstructs;
    this._validatedConstructs = undefined;
    const rendered = synthSimpleChart(this, validated) ?? super.toJson();
    return releaseObjects(this, rendered as RenderedObject[], this.registered);
  }

  /**
   * @internal Set by the synth driver right before `toJson()`, once it has run every construct's validations itself
   * (with its own messages): how many constructs it validated. The next `toJson()` then does not run them again.
   */
  _validatedConstructs?: number;

  /**
   * Names of objects created without `metadata.name`: `<release>-<construct path below the application>`
   * (`shop-web-extra` for `new k8s.KubeConfigMap(web, 'extra')`), so that two releases in one namespace do not clash.
   */
  override generateObjectName(apiObject: ApiObject): string {
    const path = apiObject.node.scopes
      .slice(this.node.scopes.length)
      .map((s) => s.node.id)
      // cdk8s-plus constructs hold their object as child `Resource` (or `Default`); cdk8s leaves those ids out too.
      .filter((id) => id !== 'Resource' && id !== 'Default')
      .map((id) => id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''));
    return objectName([this.release.name, ...path], apiObject.kind === 'CronJob' ? MAX_CONTROLLER_NAME_LENGTH : MAX_NAME_LENGTH);
  }

  /** The services of this application, in creation order. */
  get services(): readonly Workload[] {
    return [...this.registered];
  }

  /**
   * Plain data for the engine: services, their kinds, dependencies, config hashes, ports and graph edges.
   * `rendered` is this chart's JSON when the caller has it already (synth does), so nothing is rendered twice.
   * `graph: false` leaves out ports and edges, which take a walk of every object's config and which only the deploy
   * record and the graph read (`berth synth` to files does not: ~15 ms at 500 services).
   */
  describe(rendered?: readonly unknown[], options: { readonly graph?: boolean } = {}): ApplicationDescription {
    const own = this.registered.map((w) => ({ name: w.name, node: w.node, dependencies: w.dependencies.filter((d) => Application.of(d) === this) }));
    const graph = options.graph === false ? undefined : describeGraph(own, rendered);
    return {
      app: this.appName,
      version: this.version,
      services: this.registered.map((w) => ({
        name: w.name,
        kind: w.kind,
        dependsOn: w.dependencies.filter((d) => Application.of(d) === this).map((d) => d.name),
        configHash: w.configHash,
        defaultResources: w.defaultResourceContainers,
        ...(graph ? { ports: graph.get(w.name)?.ports ?? [], edges: graph.get(w.name)?.edges ?? [] } : {}),
      })),
    };
  }

  /** @internal Called by the Workload constructor. */
  _registerService(workload: Workload): void {
    this.registered.push(workload);
  }

  /**
   * Two objects of one kind with one name would overwrite each other when applied: possible once names can be exact
   * (`service.name`, `workloadName`) or a loose object picks a generated name.
   */
  private nameClashes(objects: readonly ApiObject[]): string[] {
    const errors: string[] = [];
    const seen = new Map<string, ApiObject>();
    for (const o of objects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      const key = `${group}/${o.kind}/${o.name}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, o);
        continue;
      }
      // Two services of one name clash in every object; the duplicate service name is the one error to report.
      if (this.serviceOf(o)?.name === this.serviceOf(first)?.name && this.serviceOf(o)) continue;
      errors.push(
        `${o.node.path}: ${o.kind} '${o.name}' of ${this.ownerOf(o)} has the name of a ${first.kind} of ${this.ownerOf(first)}: ` +
          "objects of one kind need different names in a namespace; change 'service.name', 'workloadName', the 'extraServices' suffix or the service name",
      );
    }
    return errors;
  }

  private serviceOf(o: ApiObject): Workload | undefined {
    return this.registered.find((s) => o.node.scopes.includes(s));
  }

  /** Where an object comes from, for messages: `service 'db' (shop/db)`, or the construct path of a loose object. */
  private ownerOf(o: ApiObject): string {
    const w = this.serviceOf(o);
    return w ? `service '${w.name}' (${w.node.path})` : o.node.path;
  }

  /** `objects`: every API object under the application, in tree order. */
  private validateServices(objects: readonly ApiObject[]): string[] {
    const errors: string[] = [];
    const byName = new Map<string, Workload>();
    for (const w of this.registered) {
      const other = byName.get(w.name);
      if (other) {
        errors.push(
          `${w.node.path}: service name '${w.name}' is already used by ${other.node.path}: service names must be unique within an application; set a different 'name'`,
        );
      }
      byName.set(w.name, w);
      for (const dep of w.dependencies) {
        const depApp = Application.of(dep);
        if (depApp !== this) {
          errors.push(
            `${w.node.path}: depends on '${dep.node.path}', a service of application '${depApp.appName}': dependencies must stay inside application '${this.appName}'; reach other applications by address (config) instead`,
          );
        }
      }
    }
    errors.push(...this.nameClashes(objects));
    const cycle = findCycle(this.registered);
    if (cycle) {
      errors.push(
        `${this.node.path}: dependency cycle ${cycle.map((w) => w.name).join(' -> ')}: remove one of these dependsOn() calls`,
      );
    }
    return errors;
  }
}

/** The first dependency cycle found (first service repeated at the end), or undefined. */
function findCycle(services: readonly Workload[]): Workload[] | undefined {
  const state = new Map<Workload, 'visiting' | 'done'>();
  const stack: Workload[] = [];
  const visit = (w: Workload): Workload[] | undefined => {
    if (state.get(w) === 'done') return undefined;
    if (state.get(w) === 'visiting') return [...stack.slice(stack.indexOf(w)), w];
    state.set(w, 'visiting');
    stack.push(w);
    for (const d of w.dependencies) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(w, 'done');
    return undefined;
  };
  for (const w of services) {
    const found = visit(w);
    if (found) return found;
  }
  return undefined;
}
