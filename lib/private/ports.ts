import type { PortSpec } from '../workload.js';

/** A `PortSpec` with its defaults filled in: what the container, the Service and the probes are rendered from. */
export interface ResolvedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly protocol: string;
  readonly nodePort?: number;
  /** Where the port was given, for messages: `ports[0]`, `sidecars[1].ports[0]`. */
  readonly prop: string;
}

/** The name of the `index`-th port: probes, Ingress and Service refer to ports by name. */
export function portName(port: PortSpec, index: number): string {
  return port.name ?? (index === 0 ? 'http' : `port-${port.port}`);
}

/** The default name of a sidecar's port: `http` is the main container's. */
export function sidecarPortName(port: PortSpec): string {
  return port.name ?? `port-${port.port}`;
}

/** `prefix` is '' for the main container's ports and `sidecars[0].` for a sidecar's. */
export function resolvePorts(ports: readonly PortSpec[], nameOf: (p: PortSpec, i: number) => string = portName, prefix = ''): ResolvedPort[] {
  return ports.map((p, i) => ({
    name: nameOf(p, i),
    containerPort: p.port,
    servicePort: p.servicePort ?? p.port,
    protocol: p.protocol ?? 'TCP',
    nodePort: p.nodePort,
    prop: `${prefix}ports[${i}]`,
  }));
}
