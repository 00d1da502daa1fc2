import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type { EdgeKind, ServiceEdge, ServicePort } from '../contract.js';
import { WAIT_FOR_PREFIX } from './wait-for-init.js';

type Edge = { to: string; kinds: EdgeKind[]; via: string[] };

/**
 * The dependency graph of an application, computed once from the construct tree at synth: which service needs
 * which (`dependsOn()`), and which service's config, env or args hold another's address (`db.host`, `orders.url`),
 * so a call relation shows even where nobody declared a dependency. Addresses are the names of the other service's
 * Service objects (`shop-db`, `shop-db-headless`, `shop-db.prod.svc.cluster.local`), matched as whole DNS labels:
 * `shop-db` does not match inside `shop-db-proxy`. Secret values are never read.
 */

/** The part of a service the graph reads: its name, construct subtree and declared dependencies. */
export interface GraphService {
  readonly name: string;
  readonly node: IConstruct['node'];
  readonly dependencies: readonly { readonly name: string }[];
}

interface Json {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

interface Container {
  env?: { name: string; value?: string }[];
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

type PodSpec = { containers?: Container[]; initContainers?: (Container & { name?: string })[] };

function podSpecOf(o: Json): PodSpec | undefined {
  const spec = o.spec as { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

/** The main containers of a rendered workload: the ones whose ports clients reach. */
function containersOf(o: Json): Container[] {
  return podSpecOf(o)?.containers ?? [];
}

/**
 * Every container the user configured: the main ones, init containers and sidecars, but not the `dependsOn` waits
 * (`wait-for-*`, a name only they may have), whose address is the dependency's and already its own edge.
 */
function configuredContainersOf(o: Json): Container[] {
  const spec = podSpecOf(o);
  const inits = (spec?.initContainers ?? []).filter((c) => !c.name?.startsWith(WAIT_FOR_PREFIX));
  return [...(spec?.containers ?? []), ...inits];
}

/** The strings a service is configured with, each with where it came from. */
function configStrings(objects: readonly Json[]): { kind: EdgeKind; via: string; value: string }[] {
  const out: { kind: EdgeKind; via: string; value: string }[] = [];
  for (const o of objects) {
    if (o.kind === 'ConfigMap') {
      for (const [k, v] of Object.entries(o.data ?? {})) out.push({ kind: 'config', via: `config ${k}`, value: String(v) });
    }
    if (!WORKLOAD_KINDS.has(o.kind ?? '')) continue;
    for (const c of configuredContainersOf(o)) {
      for (const e of c.env ?? []) if (e.value !== undefined) out.push({ kind: 'env', via: `env ${e.name}`, value: e.value });
      for (const a of [...(c.command ?? []), ...(c.args ?? [])]) out.push({ kind: 'args', via: 'args', value: a });
    }
  }
  return out;
}

type ConfigString = ReturnType<typeof configStrings>[number];

/** A name that is one run of DNS label characters, and the runs of them in a string. */
const LABEL_RUN = /^[A-Za-z0-9-]+$/;
const LABEL_RUNS = /[A-Za-z0-9-]+/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The rendered objects of one service: the ApiObjects in its construct subtree, as the chart rendered them. */
function objectsOf(service: GraphService, rendered: ReadonlyMap<string, Json> | undefined): Json[] {
  return service.node
    .findAll()
    // A service's policy is derived from the graph (lib/private/network-policies.ts), never an input to it.
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind !== 'NetworkPolicy')
    .map((o) => (rendered ? rendered.get(`${o.kind}/${o.name}`) : (o.toJson() as Json)))
    .filter((o): o is Json => o !== undefined);
}

/**
 * Ports and edges of every service, keyed by service name. `rendered` is the chart's JSON (`chart.toJson()`) when
 * the caller has it; without it each object renders itself (no chart validation, so an invalid app still describes).
 */
export function describeGraph(
  services: readonly GraphService[],
  rendered?: readonly unknown[],
): Map<string, { ports: ServicePort[]; edges: ServiceEdge[] }> {
  let byRef: Map<string, Json> | undefined;
  if (rendered) {
    byRef = new Map();
    for (const o of rendered as Json[]) if (o.kind && o.metadata?.name) byRef.set(`${o.kind}/${o.metadata.name}`, o);
  }
  const objects = new Map(services.map((s) => [s.name, objectsOf(s, byRef)]));

  // A DNS label ends at a character that cannot be part of one, so a name made only of label characters is found by
  // cutting each string into runs of them and looking the runs up: one pass per string instead of one regex per
  // other service (N² tests, a tenth of a warm synth of 500 services). Any other name keeps its regex.
  const owners = new Map<string, string[]>();
  const patterns = new Map<string, RegExp>();
  const order: string[] = [];
  for (const s of services) {
    const names = objects.get(s.name)!.filter((o) => o.kind === 'Service').map((o) => o.metadata!.name!);
    if (names.length === 0) continue;
    order.push(s.name);
    const odd = names.filter((n) => !LABEL_RUN.test(n));
    for (const n of names) if (LABEL_RUN.test(n)) owners.set(n, [...(owners.get(n) ?? []), s.name]);
    if (odd.length > 0) patterns.set(s.name, new RegExp(`(^|[^A-Za-z0-9-])(${odd.map(escape).join('|')})($|[^A-Za-z0-9-])`));
  }

  const out = new Map<string, { ports: ServicePort[]; edges: ServiceEdge[] }>();
  for (const s of services) {
    const mine = objects.get(s.name)!;
    const edges = new Map<string, Edge>();
    const edge = (to: string) => {
      let e = edges.get(to);
      if (!e) edges.set(to, (e = { to, kinds: [], via: [] }));
      return e;
    };
    for (const d of s.dependencies) edge(d.name).kinds.push('dependsOn');
    const hits = new Map<string, Set<ConfigString>>();
    const hit = (other: string, str: ConfigString) => {
      if (other === s.name) return;
      let set = hits.get(other);
      if (!set) hits.set(other, (set = new Set()));
      set.add(str);
    };
    const strings = configStrings(mine);
    for (const str of strings) {
      for (const run of str.value.match(LABEL_RUNS) ?? []) for (const other of owners.get(run) ?? []) hit(other, str);
      for (const [other, pattern] of patterns) if (pattern.test(str.value)) hit(other, str);
    }
    // Services in creation order, each one's strings in their order: the kinds and vias come out as they always did.
    for (const other of order) {
      const found = hits.get(other);
      if (!found) continue;
      for (const str of strings) {
        if (!found.has(str)) continue;
        const e = edge(other);
        if (!e.kinds.includes(str.kind)) e.kinds.push(str.kind);
        if (!e.via.includes(str.via)) e.via.push(str.via);
      }
    }
    out.set(s.name, { ports: portsOf(mine), edges: [...edges.values()].sort((a, b) => a.to.localeCompare(b.to)) });
  }
  return out;
}

/** The client-facing Service's ports (not the headless one), else the containers' ports. */
function portsOf(objects: readonly Json[]): ServicePort[] {
  const services = objects.filter((o) => o.kind === 'Service');
  const main = services.find((o) => (o.spec as { clusterIP?: string } | undefined)?.clusterIP !== 'None') ?? services[0];
  if (main) {
    const ports = ((main.spec as { ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] } | undefined)?.ports) ?? [];
    return ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), ...(p.protocol ? { protocol: p.protocol } : {}) }));
  }
  const workload = objects.find((o) => WORKLOAD_KINDS.has(o.kind ?? ''));
  return (workload ? containersOf(workload) : []).flatMap((c) =>
    (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, ...(p.protocol ? { protocol: p.protocol } : {}) })),
  );
}
