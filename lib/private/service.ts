import { isIP } from 'node:net';
import { Lazy } from 'cdk8s';
import * as k8s from '../imports/k8s-lib.js';
import type { ServiceOptions, ServicePortOptions, ServiceType } from '../service.js';
import type { Workload } from '../workload.js';
import { propError, show } from './errors.js';
import { checkMetadata, objectMeta, qualifiedNameProblem } from './metadata.js';
import { dns1035Problem } from './naming.js';
import type { ResolvedPort } from './ports.js';
import { checkInt, checkPort } from './validate.js';

/** Where a Service comes from, for messages and for what only the main Service gets. */
export interface ServiceSite {
  /** The options' prop path: `service`, `extraServices.external`, `headlessService`, `addService('admin')`. */
  readonly prop: string;
  /** The main Service takes the ports' `nodePort`: a node port is unique in the cluster, so only one Service can. */
  readonly main: boolean;
}

/** The ports a Service can be built from. */
export interface ServicePortSource {
  /** What a Service without `ports` exposes; read at synth, so `addSidecar()` after construction still counts. */
  readonly exposed: readonly ResolvedPort[];
  /** Every port of the pod known now, for a selection by name. */
  readonly pod: readonly ResolvedPort[];
}

/** One rendered port of a Service: what `port`, `addr` and the Ingress read. */
export interface RenderedServicePort {
  readonly name: string;
  readonly servicePort: number;
  readonly protocol: string;
  readonly nodePort?: number;
  /** The prop the node port came from, for messages. */
  readonly nodePortProp?: string;
}

/** A Service of a workload: the object, its name and type, and its ports as they will be rendered. */
export interface WorkloadService {
  readonly object: k8s.KubeService;
  readonly name: string;
  readonly type: ServiceType;
  readonly headless: boolean;
  readonly site: ServiceSite;
  /** Its ports; with the default selection they grow with exposed sidecar ports added later. */
  ports(): RenderedServicePort[];
}

const HAS_NODE_PORTS: ReadonlySet<ServiceType> = new Set(['NodePort', 'LoadBalancer']);
const LOAD_BALANCER_ONLY = ['loadBalancerSourceRanges', 'loadBalancerClass'] as const;

/**
 * A Service over the pods of `workload`, selecting them by instance + name only (never overridable). Every option
 * is checked here, so the error points at the line that asked for the Service.
 */
export function createServiceFor(
  workload: Workload,
  source: ServicePortSource,
  id: string,
  name: string,
  options: ServiceOptions,
  site: ServiceSite,
): WorkloadService {
  const at = (field: string) => `${site.prop}.${field}`;
  const type = options.type ?? 'ClusterIP';
  const headless = options.headless ?? false;
  checkServiceOptions(workload, options, site, type, headless);
  const selected = options.ports === undefined ? undefined : selectPorts(workload, source.pod, options.ports, site);
  const ports = (): RenderedServicePort[] =>
    selected ??
    source.exposed.map((p) => ({
      name: p.name,
      servicePort: p.servicePort,
      protocol: p.protocol,
      nodePort: site.main ? p.nodePort : undefined,
      nodePortProp: `${p.prop}.nodePort`,
    }));
  if (ports().length === 0 && !headless) {
    throw propError(workload, at('ports'), options.ports ?? [], "must list at least one port: a Service without ports must be 'headless'");
  }
  const service: WorkloadService = {
    name,
    type,
    headless,
    site,
    ports,
    object: new k8s.KubeService(workload, id, {
      metadata: objectMeta(workload, name, options),
      spec: {
        type,
        clusterIp: headless ? 'None' : undefined,
        publishNotReadyAddresses: options.publishNotReadyAddresses,
        externalTrafficPolicy: options.externalTrafficPolicy,
        loadBalancerClass: options.loadBalancerClass,
        loadBalancerSourceRanges: options.loadBalancerSourceRanges ? [...options.loadBalancerSourceRanges] : undefined,
        sessionAffinity: options.sessionAffinity,
        sessionAffinityConfig:
          options.sessionAffinityTimeoutSeconds === undefined ? undefined : { clientIp: { timeoutSeconds: options.sessionAffinityTimeoutSeconds } },
        ipFamilyPolicy: options.ipFamilyPolicy,
        selector: { ...workload.selectorLabels },
        ports: Lazy.any({
          produce: (): k8s.ServicePort[] =>
            ports().map((p) => ({
              name: p.name,
              port: p.servicePort,
              // By name, so the Service follows the container port when only that changes.
              targetPort: k8s.IntOrString.fromString(p.name),
              protocol: p.protocol,
              nodePort: p.nodePort,
            })),
        }),
      },
    }),
  };
  for (const p of ports()) checkNodePort(workload, service, p);
  return service;
}

/**
 * Refuses a node port on a Service whose type has none: Kubernetes would reject it (ClusterIP) or it would be
 * silently meaningless. Also called for sidecar ports exposed after the Service was created.
 */
export function checkNodePort(workload: Workload, service: WorkloadService, port: RenderedServicePort): void {
  if (port.nodePort === undefined) return;
  if (HAS_NODE_PORTS.has(service.type) && !service.headless) return;
  const what = service.headless ? 'headless' : `of type '${service.type}'`;
  throw propError(
    workload,
    port.nodePortProp ?? `${service.site.prop}.ports`,
    port.nodePort,
    `needs a Service of type 'NodePort' or 'LoadBalancer', and ${service.name} is ${what}: set '${service.site.prop}.type' or remove 'nodePort'`,
  );
}

function checkServiceOptions(workload: Workload, o: ServiceOptions, site: ServiceSite, type: ServiceType, headless: boolean): void {
  const at = (field: string) => `${site.prop}.${field}`;
  if (o.name !== undefined) {
    const problem = typeof o.name === 'string' ? dns1035Problem(o.name) : 'must be a string';
    if (problem) throw propError(workload, at('name'), o.name, `${problem}: a Service name is a DNS-1035 label, e.g. 'carts-db'`);
  }
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) {
    throw propError(workload, at('type'), type, "must be 'ClusterIP', 'NodePort' or 'LoadBalancer'");
  }
  if (headless && type !== 'ClusterIP') {
    throw propError(workload, at('type'), type, `conflicts with '${at('headless')}': a headless Service has no cluster IP, so no node ports or load balancer; remove one`);
  }
  if (o.externalTrafficPolicy !== undefined) {
    if (!['Cluster', 'Local'].includes(o.externalTrafficPolicy)) {
      throw propError(workload, at('externalTrafficPolicy'), o.externalTrafficPolicy, "must be 'Cluster' or 'Local'");
    }
    if (!HAS_NODE_PORTS.has(type)) {
      throw propError(workload, at('externalTrafficPolicy'), o.externalTrafficPolicy, `only applies to traffic from outside the cluster, a Service of type 'NodePort' or 'LoadBalancer' (this one is '${type}'): set '${at('type')}' or remove it`);
    }
  }
  for (const field of LOAD_BALANCER_ONLY) {
    if (o[field] !== undefined && type !== 'LoadBalancer') {
      throw propError(workload, at(field), o[field], `only applies to a Service of type 'LoadBalancer' (this one is '${type}'): set '${at('type')}: 'LoadBalancer'' or remove it`);
    }
  }
  for (const [i, range] of (o.loadBalancerSourceRanges ?? []).entries()) {
    if (!isCidr(range)) throw propError(workload, at(`loadBalancerSourceRanges[${i}]`), range, "is not a CIDR: use an address and a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'");
  }
  if (o.loadBalancerClass !== undefined) {
    const problem = typeof o.loadBalancerClass === 'string' ? qualifiedNameProblem(o.loadBalancerClass) : 'must be a string';
    if (problem) {
      throw propError(workload, at('loadBalancerClass'), o.loadBalancerClass, `${problem}, e.g. 'service.k8s.aws/nlb'`);
    }
  }
  if (o.sessionAffinity !== undefined && !['None', 'ClientIP'].includes(o.sessionAffinity)) {
    throw propError(workload, at('sessionAffinity'), o.sessionAffinity, "must be 'None' or 'ClientIP'");
  }
  if (o.sessionAffinity === 'ClientIP' && headless) {
    throw propError(workload, at('sessionAffinity'), o.sessionAffinity, 'has no effect on a headless Service (clients connect to the pods directly): remove it');
  }
  if (o.sessionAffinityTimeoutSeconds !== undefined) {
    checkInt(workload, at('sessionAffinityTimeoutSeconds'), o.sessionAffinityTimeoutSeconds, 1, 86400);
    if (o.sessionAffinity !== 'ClientIP') {
      throw propError(workload, at('sessionAffinityTimeoutSeconds'), o.sessionAffinityTimeoutSeconds, `only applies with '${at('sessionAffinity')}: 'ClientIP''`);
    }
  }
  if (o.ipFamilyPolicy !== undefined && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(o.ipFamilyPolicy)) {
    throw propError(workload, at('ipFamilyPolicy'), o.ipFamilyPolicy, "must be 'SingleStack', 'PreferDualStack' or 'RequireDualStack'");
  }
  checkMetadata(workload, at('labels'), o.labels, at('annotations'), o.annotations);
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const family = isIP(m[1]!);
  return family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128);
}

/** The ports `selection` names, with this Service's port numbers; every name must be a port of the pod. */
function selectPorts(workload: Workload, pod: readonly ResolvedPort[], selection: readonly (string | ServicePortOptions)[], site: ServiceSite): RenderedServicePort[] {
  const out: RenderedServicePort[] = [];
  for (const [i, entry] of selection.entries()) {
    const prop = `${site.prop}.ports[${i}]`;
    const o: ServicePortOptions = typeof entry === 'string' ? { name: entry } : entry;
    const port = pod.find((p) => p.name === o.name);
    if (!port) {
      const known = pod.map((p) => show(p.name)).join(', ') || 'none';
      throw propError(workload, typeof entry === 'string' ? prop : `${prop}.name`, o.name, `is not a port of the pod (its ports: ${known}): name a port of 'ports' or of a sidecar in 'sidecars'`);
    }
    if (out.some((p) => p.name === o.name)) throw propError(workload, prop, o.name, 'is listed twice: name each port once');
    checkPort(workload, `${prop}.servicePort`, o.servicePort);
    if (o.nodePort !== undefined) checkInt(workload, `${prop}.nodePort`, o.nodePort, 30000, 32767);
    const servicePort = o.servicePort ?? port.servicePort;
    const clash = out.find((p) => p.servicePort === servicePort && p.protocol === port.protocol);
    if (clash) throw propError(workload, `${prop}.servicePort`, servicePort, `is already the port of '${clash.name}' in this Service: set another 'servicePort'`);
    const nodePort = o.nodePort ?? (site.main ? port.nodePort : undefined);
    out.push({
      name: port.name,
      servicePort,
      protocol: port.protocol,
      nodePort,
      nodePortProp: o.nodePort !== undefined ? `${prop}.nodePort` : `${port.prop}.nodePort`,
    });
  }
  return out;
}
