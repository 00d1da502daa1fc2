import * as k8s from '../imports/k8s-lib.js';
import type { DependsOnOptions, Workload } from '../workload.js';
import { constructError } from './errors.js';
import { checkImage } from './image.js';
import { objectName } from './naming.js';

/** Names of the wait containers start with it, and only theirs: other containers may not use it. */
export const WAIT_FOR_PREFIX = 'wait-for-';

const DEFAULT_WAIT_IMAGE = 'busybox:1.36.1';
/** busybox's `nobody`: the wait container must satisfy runAsNonRoot too. */
const NOBODY = 65534;

/**
 * The init container of `dependsOn(dependency, { waitForPort: true })`: it polls the dependency's Service until
 * its first port accepts TCP connections, so the pods of `dependent` start only once it is reachable.
 */
export function waitForPortContainer(dependent: Workload, dependency: Workload, options: DependsOnOptions): k8s.Container {
  if (!dependency.hasService) {
    throw constructError(
      dependent,
      `dependsOn(${dependency.node.path}, { waitForPort: true }): '${dependency.name}' has no Service to wait for; give it 'ports' or drop 'waitForPort'`,
    );
  }
  if (options.waitImage !== undefined) checkImage(dependent, `dependsOn(${dependency.node.path}).waitImage`, options.waitImage);
  const host = dependency.host;
  const port = dependency.port;
  return {
    name: objectName([`${WAIT_FOR_PREFIX}${dependency.name}`]),
    image: options.waitImage ?? DEFAULT_WAIT_IMAGE,
    command: ['sh', '-c', `until nc -z -w 2 ${host} ${port}; do echo "waiting for ${host}:${port}"; sleep 2; done`],
    resources: {
      requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
      limits: { memory: k8s.Quantity.fromString('32Mi') },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}
