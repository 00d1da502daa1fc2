import { randomBytes } from 'node:crypto';
import type { Revision, RevisionStatus } from '../../../src/model/revision.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';

/** A hand-built revision (synth is not needed to test the store). */
export function revision(release: string, namespace: string, n: number, status: RevisionStatus, manifests: KubeObject[] = []): Revision {
  const now = new Date().toISOString();
  return {
    release,
    namespace,
    revision: n,
    status,
    app: 'shop',
    version: `1.0.${n}`,
    env: 'dev',
    manifests,
    services: [{ name: 'web', kind: 'stateless', dependsOn: [], configHash: 'abc' }],
    values: { web: { replicas: 2, password: 'hmac-sha256:7d3f0c5e2b6a4e1f9c8d7b6a5f4e3d2c1b0a99887766554433221100ffeeddcc' } },
    description: n === 1 ? 'Install complete' : `Upgrade to 1.0.${n}`,
    createdAt: now,
    updatedAt: now,
    user: 'tester@ci',
  };
}

export function configMap(name: string, namespace: string, data: Record<string, string>, service = 'web'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/instance': 'shop' } },
    data,
  };
}

/** ConfigMaps holding `mib` MiB of random (incompressible) text: a release too big for one Secret. */
export function bigManifests(namespace: string, mib: number): KubeObject[] {
  const perObject = 700 * 1024;
  const count = Math.ceil((mib * 1024 * 1024) / perObject);
  return Array.from({ length: count }, (_, i) =>
    configMap(`big-${i}`, namespace, { blob: randomBytes(Math.ceil(perObject * 0.75)).toString('base64') }),
  );
}
