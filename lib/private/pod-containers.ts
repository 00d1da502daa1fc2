import type * as k8s from '../imports/k8s-lib.js';
import type { ContainerSpec, SidecarSpec } from '../container.js';
import type { Volume } from '../volume.js';
import type { VolumeMount, Workload } from '../workload.js';
import { renderContainer } from './container.js';
import { constructError, propError } from './errors.js';
import { resolvePorts, sidecarPortName, type ResolvedPort } from './ports.js';
import { usesDefaultResources } from './resources.js';
import { validateContainerSpec } from './validate-container.js';

/** The main container as the other containers must not clash with it. */
export interface MainContainer {
  readonly name: string;
  readonly ports: readonly ResolvedPort[];
  readonly volumes: readonly VolumeMount[];
  /** The pod's, which a sidecar's preStop hook must finish within. */
  readonly terminationGracePeriodSeconds?: number;
  /** The pod's `security.hostUsers`, which `procMount: 'Unmasked'` needs false. */
  readonly hostUsers?: boolean;
}

/**
 * The containers of one pod besides the main one, and the rules that span containers: names unique in the pod,
 * no port number or port name twice, one volume per name. Containers are validated and rendered when added, so an
 * error points at the line that added them.
 */
export class PodContainers {
  /** Container name → which container has it, for messages: `the main container`, `'sidecars[0]'`. */
  private readonly names = new Map<string, string>();
  /** `8080/TCP` → the prop of the port: containers share the pod's network namespace. */
  private readonly portNumbers = new Map<string, string>();
  /** Port name → its prop: a Service's `targetPort` names one port of the pod. */
  private readonly portNames = new Map<string, string>();
  /** Every port of the pod, main container first: what a Service may select by name. */
  private readonly podPorts: ResolvedPort[] = [];
  /** Pod volumes in first-mount order, main container first. */
  private readonly podVolumes: Volume[] = [];
  private readonly waits: k8s.Container[] = [];
  private readonly earlySidecars: k8s.Container[] = [];
  private readonly inits: k8s.Container[] = [];
  private readonly sidecars: k8s.Container[] = [];
  /** Init containers and sidecars whose CPU request or memory is `DEFAULT_RESOURCES`', in the order added. */
  readonly onDefaultResources: string[] = [];
  private initCount = 0;
  private sidecarCount = 0;

  constructor(
    private readonly workload: Workload,
    private readonly main: MainContainer,
  ) {
    this.names.set(main.name, 'the main container');
    for (const [i, p] of main.ports.entries()) {
      this.portNumbers.set(`${p.containerPort}/${p.protocol}`, `ports[${i}].port`);
      this.portNames.set(p.name, `ports[${i}].name`);
    }
    this.podPorts.push(...main.ports);
    for (const m of main.volumes) if (!this.podVolumes.includes(m.volume)) this.podVolumes.push(m.volume);
  }

  /** Init containers in start order: the `dependsOn` waits, early sidecars, init containers, the other sidecars. */
  get initContainers(): k8s.Container[] {
    return [...this.waits, ...this.earlySidecars, ...this.inits, ...this.sidecars];
  }

  /** Every port of the pod so far, the main container's first. */
  get ports(): readonly ResolvedPort[] {
    return [...this.podPorts];
  }

  /** Every volume some container mounts, each once. */
  get volumes(): readonly Volume[] {
    return [...this.podVolumes];
  }

  /** A `dependsOn(..., { waitForPort: true })` container; its name is Berth's, so a clash is a call-site error. */
  addWait(container: k8s.Container, call: string): void {
    const owner = this.names.get(container.name);
    if (owner !== undefined) {
      throw constructError(this.workload, `${call}: its init container is named '${container.name}', which is already the name of ${owner}; rename that container`);
    }
    this.names.set(container.name, `the init container of ${call}`);
    this.waits.push(container);
  }

  addInit(spec: ContainerSpec): void {
    const prop = `initContainers[${this.initCount}]`;
    validateContainerSpec(this.workload, prop, spec, 'init', this.main.hostUsers);
    this.claim(prop, spec, []);
    this.inits.push(renderContainer(this.workload, spec, this.site(prop, spec, [])));
    this.initCount++;
  }

  /**
   * Adds a sidecar and returns its ports that the Service exposes. `exposeProblem` says why this workload cannot
   * expose a port, when it cannot; `servicePorts` are the ports its Service has so far.
   */
  addSidecar(spec: SidecarSpec, exposeProblem: string | undefined, servicePorts: readonly ResolvedPort[]): ResolvedPort[] {
    const prop = `sidecars[${this.sidecarCount}]`;
    validateContainerSpec(this.workload, prop, spec, 'sidecar', this.main.hostUsers);
    const ports = resolvePorts(spec.ports ?? [], sidecarPortName, `${prop}.`);
    const exposed: ResolvedPort[] = [];
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (!p.expose) continue;
      if (exposeProblem) throw propError(this.workload, `${prop}.ports[${i}].expose`, true, exposeProblem);
      const port = ports[i]!;
      const clash = [...servicePorts, ...exposed].find((s) => s.servicePort === port.servicePort && s.protocol === port.protocol);
      if (clash) {
        throw propError(this.workload, `${prop}.ports[${i}].servicePort`, port.servicePort, `is already a port of the Service (port '${clash.name}'): set another 'servicePort'`);
      }
      exposed.push(port);
    }
    this.claim(prop, spec, ports);
    const container = renderContainer(this.workload, spec, { ...this.site(prop, spec, ports), restartPolicy: 'Always' });
    (spec.startBeforeInitContainers ? this.earlySidecars : this.sidecars).push(container);
    this.sidecarCount++;
    return exposed;
  }

  private site(prop: string, spec: ContainerSpec, ports: readonly ResolvedPort[]) {
    return {
      prefix: `${prop}.`,
      portsOwner: 'container',
      ports,
      loadServiceConfig: spec.loadServiceConfig ?? false,
      gracePeriodSeconds: this.main.terminationGracePeriodSeconds,
    };
  }

  /** Checks the names, ports and volumes of a new container against the pod's, then records them. */
  private claim(prop: string, spec: ContainerSpec, ports: readonly ResolvedPort[]): void {
    const owner = this.names.get(spec.name);
    if (owner !== undefined) {
      throw propError(this.workload, `${prop}.name`, spec.name, `is already the name of ${owner}: container names must be unique in the pod`);
    }
    for (const [i, p] of ports.entries()) {
      const numberOwner = this.portNumbers.get(`${p.containerPort}/${p.protocol}`);
      if (numberOwner !== undefined) {
        throw propError(this.workload, `${prop}.ports[${i}].port`, p.containerPort, `is already '${numberOwner}': containers of a pod share its network, so each port can be listened on once`);
      }
      const nameOwner = this.portNames.get(p.name);
      if (nameOwner !== undefined) {
        throw propError(this.workload, `${prop}.ports[${i}].name`, p.name, `is already '${nameOwner}': port names must be unique in the pod`);
      }
    }
    for (const [i, m] of (spec.volumes ?? []).entries()) {
      const same = this.podVolumes.find((v) => v.name === m.volume.name);
      if (same && same !== m.volume) {
        throw propError(this.workload, `${prop}.volumes[${i}].volume.name`, m.volume.name, 'names a different volume of the pod already: give each volume its own name, or mount the same Volume object');
      }
    }
    this.names.set(spec.name, `'${prop}'`);
    if (usesDefaultResources(spec.resources)) this.onDefaultResources.push(spec.name);
    for (const [i, p] of ports.entries()) {
      this.portNumbers.set(`${p.containerPort}/${p.protocol}`, `${prop}.ports[${i}].port`);
      this.portNames.set(p.name, `${prop}.ports[${i}].name`);
    }
    this.podPorts.push(...ports);
    for (const m of spec.volumes ?? []) if (!this.podVolumes.includes(m.volume)) this.podVolumes.push(m.volume);
  }
}
