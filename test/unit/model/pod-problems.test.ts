import type { KubeObject } from '../../../src/model/manifest-set.js';
import { podIsReady, podProblems, toEventInfo, type EventInfo } from '../../../src/model/pod-problems.js';

function pod(status: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'api' }] }): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shop-api-1', namespace: 'dev' }, spec, status };
}
const notReady = { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [api]' };

describe('podProblems', () => {
  test('a crash-looping container: CrashLoopBackOff with the last exit', () => {
    const p = pod({
      phase: 'Running',
      conditions: [notReady],
      containerStatuses: [
        { name: 'api', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=api' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } },
      ],
    });
    expect(podProblems(p)).toEqual([
      { pod: 'shop-api-1', container: 'api', reason: 'CrashLoopBackOff', message: 'container api: back-off 40s restarting failed container=api; last run ended Error (exit code 1)' },
    ]);
  });

  test('an OOMKilled container is reported as OOMKilled, not as the back-off that follows', () => {
    const p = pod({
      phase: 'Running',
      conditions: [notReady],
      containerStatuses: [{ name: 'api', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
    });
    expect(podProblems(p)).toEqual([
      { pod: 'shop-api-1', container: 'api', reason: 'OOMKilled', message: 'container api was killed for exceeding its memory limit (2 restarts, now CrashLoopBackOff)' },
    ]);
  });

  test("ImagePullBackOff takes the registry's answer from the pod's newest Failed event", () => {
    const p = pod({ phase: 'Pending', conditions: [notReady], containerStatuses: [{ name: 'api', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "api:nope"' } } }] });
    const events: EventInfo[] = [
      { time: '2026-01-01T00:00:02Z', type: 'Warning', reason: 'Failed', object: 'Pod/shop-api-1', kind: 'Pod', name: 'shop-api-1', message: 'Failed to pull image "api:nope": not found', count: 3, source: 'kubelet' },
    ];
    expect(podProblems(p, events)[0]).toEqual({ pod: 'shop-api-1', container: 'api', reason: 'ImagePullBackOff', message: 'container api: Failed to pull image "api:nope": not found' });
  });

  test("an unschedulable pod carries the scheduler's message", () => {
    const p = pod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 node(s) didn\'t match Pod\'s node affinity/selector.' }],
    });
    expect(podProblems(p)).toEqual([{ pod: 'shop-api-1', reason: 'Unschedulable', message: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector." }]);
  });

  test('a running container that is not ready shows its failing probe from an Unhealthy event', () => {
    const p = pod({ phase: 'Running', conditions: [notReady], containerStatuses: [{ name: 'api', ready: false, started: true, state: { running: {} } }] });
    const probe: EventInfo = { time: 't', type: 'Warning', reason: 'Unhealthy', object: 'Pod/shop-api-1', kind: 'Pod', name: 'shop-api-1', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 9, source: 'kubelet' };
    expect(podProblems(p, [probe])[0]).toMatchObject({ reason: 'ReadinessProbeFailed', message: 'container api: Readiness probe failed: HTTP probe failed with statuscode: 503' });
    expect(podProblems(p)[0]).toMatchObject({ reason: 'NotReady', message: 'container api runs but is not ready (containers with unready status: [api])' });
  });

  test('an init container still running (waiting for a dependency) is the reason, not the main container', () => {
    const p = pod(
      {
        phase: 'Pending',
        conditions: [notReady],
        initContainerStatuses: [{ name: 'wait-for-db', ready: false, state: { running: {} } }],
        containerStatuses: [{ name: 'api', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
      },
      { initContainers: [{ name: 'wait-for-db' }], containers: [{ name: 'api' }] },
    );
    expect(podProblems(p)[0]).toEqual({ pod: 'shop-api-1', container: 'wait-for-db', reason: 'Initializing', message: 'init container wait-for-db is still running' });
  });

  test('a ready pod, a completed pod and a pod being deleted have no problems', () => {
    expect(podProblems(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'api', ready: true, state: { running: {} } }] }))).toEqual([]);
    expect(podProblems(pod({ phase: 'Succeeded' }))).toEqual([]);
    expect(podProblems({ ...pod({ phase: 'Running' }), metadata: { name: 'x', deletionTimestamp: '2026-01-01T00:00:00Z' } })).toEqual([]);
    expect(podIsReady(pod({ phase: 'Running', conditions: [notReady] }))).toBe(false);
  });

  test('a failed pod (Job, restartPolicy Never) names the exit code', () => {
    const p = pod({ phase: 'Failed', conditions: [notReady], containerStatuses: [{ name: 'api', ready: false, state: { terminated: { reason: 'Error', exitCode: 2, message: 'boom' } } }] });
    expect(podProblems(p)).toEqual([{ pod: 'shop-api-1', container: 'api', reason: 'Error', message: 'container api exited (exit code 2): boom' }]);
  });
});

describe('toEventInfo', () => {
  test('reads core/v1 events, preferring the series time and count', () => {
    const e = toEventInfo({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'x.1' },
      involvedObject: { kind: 'Pod', name: 'shop-api-1' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container ',
      count: 2,
      lastTimestamp: '2026-01-01T00:00:01Z',
      series: { count: 7, lastObservedTime: '2026-01-01T00:05:00.000000Z' },
      source: { component: 'kubelet' },
    });
    expect(e).toEqual({ time: '2026-01-01T00:05:00.000000Z', type: 'Warning', reason: 'BackOff', object: 'Pod/shop-api-1', kind: 'Pod', name: 'shop-api-1', message: 'Back-off restarting failed container', count: 7, source: 'kubelet' });
  });
});
