import type { KubeObject } from '../../../../src/model/manifest-set.js';
import type { EventInfo } from '../../../../src/model/pod-problems.js';
import { ANNOTATION_CRASH_LOOP_RESTARTS, crashLoopRestartsOf, currentPods, podReadiness } from '../../../../src/model/wait/pod.js';

const notReady = [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [api]' }];

function pod(
  container: Record<string, unknown>,
  { phase = 'Running', annotations, labels, name = 'shop-api-5d9-x2k4q' }: { phase?: string; annotations?: Record<string, string>; labels?: Record<string, string>; name?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'dev', ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'api' }] },
    status: { phase, conditions: notReady, containerStatuses: [{ name: 'api', ready: false, ...container }] },
  };
}

const crashLoop = (restartCount: number) => ({
  restartCount,
  lastState: { terminated: { exitCode: 1, reason: 'Error' } },
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api' } },
});

const pullBackOff = { restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "shop/api:nope"' } } };

describe('podReadiness', () => {
  it('is ready when the kubelet says so', () => {
    const p: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shop-api-1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(podReadiness(p)).toEqual({ done: true, ok: true, message: 'pod shop-api-1 is ready' });
  });

  it('fails at once on ImagePullBackOff, naming the pod, the container and the kubelet message', () => {
    expect(podReadiness(pod(pullBackOff, { phase: 'Pending' }))).toEqual({
      done: true,
      ok: false,
      message: 'pod shop-api-5d9-x2k4q: ImagePullBackOff: container api: Back-off pulling image "shop/api:nope"',
    });
  });

  it("fails on ErrImagePull with the registry's answer from the newest Failed event", () => {
    const events: EventInfo[] = [
      {
        time: '2025-01-01T00:00:02Z',
        type: 'Warning',
        reason: 'Failed',
        object: 'Pod/shop-api-5d9-x2k4q',
        kind: 'Pod',
        name: 'shop-api-5d9-x2k4q',
        message: 'Failed to pull image "shop/api:nope": manifest unknown',
        count: 1,
        source: 'kubelet',
      },
    ];
    const p = pod({ state: { waiting: { reason: 'ErrImagePull', message: 'rpc error' } } }, { phase: 'Pending' });
    expect(podReadiness(p, { events })).toEqual({
      done: true,
      ok: false,
      message: 'pod shop-api-5d9-x2k4q: ErrImagePull: container api: Failed to pull image "shop/api:nope": manifest unknown',
    });
  });

  it('waits on CrashLoopBackOff below the threshold (the default is 3 restarts)', () => {
    expect(podReadiness(pod(crashLoop(2)))).toEqual({
      done: false,
      ok: false,
      message: 'pod shop-api-5d9-x2k4q: CrashLoopBackOff: container api: back-off 40s restarting failed container=api; last run ended Error (exit code 1)',
    });
  });

  it('fails on CrashLoopBackOff at the threshold, saying which threshold', () => {
    expect(podReadiness(pod(crashLoop(3)))).toEqual({
      done: true,
      ok: false,
      message:
        'pod shop-api-5d9-x2k4q: CrashLoopBackOff: container api: back-off 40s restarting failed container=api; last run ended Error (exit code 1) (threshold 3 restarts)',
    });
  });

  it("takes the deploy's threshold, and a pod's own annotation over it", () => {
    expect(podReadiness(pod(crashLoop(3)), { crashLoopRestarts: 5 }).done).toBe(false);
    expect(podReadiness(pod(crashLoop(5)), { crashLoopRestarts: 5 }).done).toBe(true);
    const patient = pod(crashLoop(5), { annotations: { [ANNOTATION_CRASH_LOOP_RESTARTS]: '10' } });
    expect(podReadiness(patient, { crashLoopRestarts: 5 })).toMatchObject({ done: false });
    expect(podReadiness(pod(crashLoop(10), { annotations: { [ANNOTATION_CRASH_LOOP_RESTARTS]: '10' } })).message).toMatch(/\(threshold 10 restarts\)$/);
  });

  it('fails a crash loop caused by the memory limit under its real reason', () => {
    const p = pod({ restartCount: 4, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } }, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect(podReadiness(p)).toEqual({
      done: true,
      ok: false,
      message: 'pod shop-api-5d9-x2k4q: OOMKilled: container api was killed for exceeding its memory limit (4 restarts, now CrashLoopBackOff)',
    });
  });

  it('waits on problems that can heal: a pod not ready yet, an unschedulable pod', () => {
    expect(podReadiness(pod({ state: { running: {} } }))).toEqual({
      done: false,
      ok: false,
      message: 'pod shop-api-5d9-x2k4q: NotReady: container api runs but is not ready (containers with unready status: [api])',
    });
    const unschedulable: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shop-api-1' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] },
    };
    expect(podReadiness(unschedulable)).toEqual({ done: false, ok: false, message: 'pod shop-api-1: Unschedulable: 0/3 nodes are available' });
  });
});

describe('crashLoopRestartsOf', () => {
  it('ignores an annotation that is not a whole number', () => {
    expect(crashLoopRestartsOf(pod({}, { annotations: { [ANNOTATION_CRASH_LOOP_RESTARTS]: 'many' } }), 4)).toBe(4);
    expect(crashLoopRestartsOf(pod({}, { annotations: { [ANNOTATION_CRASH_LOOP_RESTARTS]: '7' } }), 4)).toBe(7);
  });
});

describe('currentPods', () => {
  const named = (name: string, labels: Record<string, string>) => pod({}, { name, labels });

  it("keeps a Deployment's pods of the ReplicaSet with its revision, not the old ones", () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-api', uid: 'd-1', generation: 2, annotations: { 'deployment.kubernetes.io/revision': '2' } },
      status: { observedGeneration: 2 },
    };
    const rs = (hash: string, revision: string, uid = 'd-1'): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `shop-api-${hash}`,
        labels: { 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': revision },
        ownerReferences: [{ uid, controller: true }],
      },
    });
    const oldPod = named('shop-api-aaa-1', { 'pod-template-hash': 'aaa' });
    const newPod = named('shop-api-bbb-1', { 'pod-template-hash': 'bbb' });
    expect(currentPods(deployment, [oldPod, newPod], [rs('aaa', '1'), rs('bbb', '2')]).map((p) => p.metadata.name)).toEqual(['shop-api-bbb-1']);
    expect(currentPods(deployment, [oldPod, newPod], [rs('bbb', '2', 'someone-else')])).toEqual([]);
    expect(currentPods(deployment, [oldPod, newPod], [])).toEqual([]);
  });

  it('takes no pod as current while the controller has not observed the latest generation (its markers are stale)', () => {
    const stale: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop-api', uid: 'd-1', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      status: { observedGeneration: 2 },
    };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'shop-api-aaa', labels: { 'pod-template-hash': 'aaa' }, annotations: { 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [{ uid: 'd-1', controller: true }] },
    };
    expect(currentPods(stale, [named('shop-api-aaa-1', { 'pod-template-hash': 'aaa' })], [rs])).toEqual([]);
  });

  it("keeps a StatefulSet's pods of its update revision and a DaemonSet's of its generation", () => {
    const sts: KubeObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 2 }, status: { observedGeneration: 2, updateRevision: 'db-2' } };
    const pods = [named('db-0', { 'controller-revision-hash': 'db-1' }), named('db-1', { 'controller-revision-hash': 'db-2' })];
    expect(currentPods(sts, pods).map((p) => p.metadata.name)).toEqual(['db-1']);
    const ds: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', generation: 3 }, status: { observedGeneration: 3 } };
    const agents = [named('agent-a', { 'pod-template-generation': '2' }), named('agent-b', { 'pod-template-generation': '3' })];
    expect(currentPods(ds, agents).map((p) => p.metadata.name)).toEqual(['agent-b']);
  });

  it("keeps every pod of a Job (a Job's template never changes)", () => {
    const job: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' } };
    expect(currentPods(job, [named('migrate-x', {}), named('migrate-y', {})])).toHaveLength(2);
  });
});
