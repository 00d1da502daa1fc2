import type { IConstruct } from 'constructs';
import type { ContainerSpec, SidecarSpec } from '../container.js';
import { constructError, propError } from './errors.js';
import { CONTAINER_SPEC, checkKnownKeys, SIDECAR_SPEC } from './known-keys.js';
import { sidecarPortName } from './ports.js';
import { checkContainerSecurity, checkNoPodSecurity } from './security.js';
import { checkImage } from './image.js';
import { checkContainerName, checkEnv, checkPorts, checkProbes, checkResources, checkVolumes } from './validate-workload.js';

/** What a sidecar has and an init container has not. */
const SIDECAR_ONLY = ['ports', 'liveness', 'readiness', 'startup', 'startBeforeInitContainers', 'lifecycle'] as const;

/**
 * Checks one init container or sidecar on its own (the rules across containers are PodContainers'). `prop` is
 * where it was given: `initContainers[0]`, `sidecars[1]`.
 */
export function validateContainerSpec(scope: IConstruct, prop: string, spec: ContainerSpec | SidecarSpec, kind: 'init' | 'sidecar', hostUsers?: boolean): void {
  if (typeof spec !== 'object' || spec === null) {
    throw propError(scope, prop, spec, "must be a container, e.g. { name: 'migrate', image: 'migrate:1.0' }");
  }
  const prefix = `${prop}.`;
  if (kind === 'init') {
    for (const key of SIDECAR_ONLY) {
      if ((spec as SidecarSpec)[key] !== undefined) {
        throw constructError(scope, `'${prefix}${key}' is only for sidecars: an init container runs to completion before the next one starts; move it to 'sidecars' to keep it running`);
      }
    }
  }
  // Keys known elsewhere get their own message before the check of unknown keys.
  checkNoPodSecurity(scope, prefix, spec.security);
  checkKnownKeys(scope, prop, spec, kind === 'init' ? CONTAINER_SPEC : SIDECAR_SPEC);
  checkContainerName(scope, `${prefix}name`, spec.name);
  checkImage(scope, `${prefix}image`, spec.image);
  checkEnv(scope, prefix, spec.env);
  checkResources(scope, prefix, spec.resources ?? {});
  checkVolumes(scope, prefix, spec.volumes ?? []);
  checkContainerSecurity(scope, prefix, spec.security ?? {}, hostUsers);
  if (kind === 'init') return;
  checkProbes(scope, prefix, spec as SidecarSpec);
  const ports = (spec as SidecarSpec).ports ?? [];
  checkPorts(scope, prefix, ports, sidecarPortName);
  for (const [i, p] of ports.entries()) {
    for (const key of ['servicePort', 'nodePort'] as const) {
      if (p[key] !== undefined && !p.expose) {
        throw propError(scope, `${prefix}ports[${i}].${key}`, p[key], "only applies to a port the Service exposes: add 'expose: true' or remove it");
      }
    }
  }
}
