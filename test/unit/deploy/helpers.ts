import { silentProgress, type DeployContext } from '../../../src/deploy/context.js';
import { releaseContext } from '../../../src/deploy/setup.js';
import {
  ANNOTATION_RELEASE,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_PART_OF,
  type KubeObject,
  type ManifestSet,
} from '../../../src/model/manifest-set.js';
import { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import { SecretRevisionStore } from '../../../src/release/store.js';
import type { Holder, LocalProcesses, LockClock } from '../../../src/release/lock.js';

export const NS = 'dev';
export const RELEASE = 'demo';

/** The machine the unit tests pretend to run on: one boot, one PID namespace, in which only pid 100 runs. */
export const PROCESSES: LocalProcesses = { bootId: 'boot-1', pidNamespace: 'pid:[4026531836]', startTime: (pid) => (pid === 100 ? '5000' : undefined) };

/** A holder of this boot and PID namespace whose process does not exist: its lock is taken over at once. */
export const DEAD_HOLDER: Holder = { identity: 'ci@build pid 4242', host: 'build', pid: 4242, bootId: 'boot-1', pidNamespace: 'pid:[4026531836]', startTime: '7000' };

/** A holder of this boot and PID namespace whose process runs. */
export const LIVE_HOLDER: Holder = { identity: 'ci@build pid 100', host: 'build', pid: 100, bootId: 'boot-1', pidNamespace: 'pid:[4026531836]', startTime: '5000' };

/** A clock the test moves by hand: `advance(31_000)` is a process paused for 31 s; sleeping moves it too. */
export class FakeClock implements LockClock {
  private ms = 0;
  private wallMs = Date.now();
  monotonic(): number {
    return this.ms;
  }
  wall(): number {
    return this.wallMs;
  }
  advance(ms: number): void {
    this.ms += ms;
    this.wallMs += ms;
  }
  /** A VM frozen and thawed: other machines' clocks ran on, this one's monotonic clock did not. */
  advanceWallOnly(ms: number): void {
    this.wallMs += ms;
  }
  async sleep(ms: number): Promise<void> {
    this.advance(ms);
    // Let pending I/O of the in-memory API (a release under way) finish first, as real time would.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Small chunks, so every revision spans several Secrets and the chunk-then-head order is exercised. */
export const CHUNK_BYTES = 256;

function meta(name: string, service: string): KubeObject['metadata'] {
  return {
    name,
    namespace: NS,
    labels: { [LABEL_NAME]: service, [LABEL_INSTANCE]: RELEASE, [LABEL_PART_OF]: 'demo', [LABEL_MANAGED_BY]: 'berth' },
    annotations: { [ANNOTATION_RELEASE]: `${NS}/${RELEASE}` },
  };
}

export function configMap(name: string, data: Record<string, string>, service = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, service), data };
}

export function deployment(name: string, image: string, service = 'web'): KubeObject {
  const selector = { [LABEL_INSTANCE]: RELEASE, [LABEL_NAME]: service };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, service),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: { metadata: { labels: selector }, spec: { containers: [{ name: service, image }] } },
    },
  };
}

/** The release as synth would render it: service `web` with the given objects. */
export function release(objects: KubeObject[], config: unknown = {}): ManifestSet {
  return {
    app: 'demo',
    version: '1.0.0',
    release: RELEASE,
    namespace: NS,
    env: 'dev',
    services: [{ name: 'web', kind: 'stateless', dependsOn: [], configHash: 'h' }],
    objects,
    config,
    publicConfig: config,
  };
}

/** The web release at an image tag, with its ConfigMap. */
export function web(tag: string, extra: KubeObject[] = []): ManifestSet {
  return release([configMap('demo-web-config', { TAG: tag }), deployment('demo-web', `example/web:${tag}`), ...extra], { tag });
}

export type Rollout = 'available' | 'unavailable' | 'deadline-exceeded';

/**
 * Stands in for the Deployment controller: after each write, the Deployment's status says its rollout is complete,
 * stuck with no replica available, or failed with ProgressDeadlineExceeded, as `outcome` decides from its image.
 */
export function deploymentController(api: MemoryKubeApi, outcome: (image: string) => Rollout): void {
  api.controller('Deployment', (obj) => {
    const image = (obj.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
    const observedGeneration = obj.metadata.generation;
    switch (outcome(image)) {
      case 'available':
        return { observedGeneration, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
      case 'unavailable':
        return { observedGeneration, replicas: 1, updatedReplicas: 1, availableReplicas: 0 };
      case 'deadline-exceeded':
        return {
          observedGeneration,
          replicas: 1,
          updatedReplicas: 1,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${obj.metadata.name}-2" has timed out progressing.` }],
        };
    }
  });
}

/** A fresh in-memory cluster with the release's namespace, its Secret store and a Deployment controller stand-in. */
export function memoryCluster(outcome: (image: string) => Rollout = () => 'available'): { api: MemoryKubeApi; store: SecretRevisionStore } {
  const api = new MemoryKubeApi();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  deploymentController(api, outcome);
  return { api, store: new SecretRevisionStore(api, NS, CHUNK_BYTES) };
}

/** The context the CLI builds, over the in-memory API: the real Secret store, the real lock and its fence. */
export function memoryContext(
  api: MemoryKubeApi,
  holder: Holder = LIVE_HOLDER,
  lock: { clock?: LockClock; waitMs?: number; processes?: LocalProcesses; progress?: DeployContext['progress'] } = {},
): DeployContext {
  return releaseContext(api, NS, {
    progress: lock.progress ?? silentProgress,
    user: 'tester@ci',
    chunkBytes: CHUNK_BYTES,
    lock: { holder, ttlSeconds: 30, processes: lock.processes ?? PROCESSES, clock: lock.clock, waitMs: lock.waitMs },
  });
}

/** Requests that changed something (dry runs and reads excluded), as `verb Kind/name`. */
export function writes(api: MemoryKubeApi, from = 0): string[] {
  return api.requests
    .slice(from)
    .filter((r) => !r.dryRun && r.verb !== 'read' && r.verb !== 'list' && r.verb !== 'watch')
    .map((r) => `${r.verb} ${r.kind}/${r.name}`);
}
