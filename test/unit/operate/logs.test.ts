import type { KubeObject } from '../../../src/model/manifest-set.js';
import { mergeByTime, podContainers, splitTimestamp, type LogLine } from '../../../src/operate/logs.js';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { initContainers: [{ name: 'wait-for-db' }, { name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'api' }, { name: 'new' }] },
  status: {
    initContainerStatuses: [
      { name: 'wait-for-db', restartCount: 0, state: { terminated: { exitCode: 0 } } },
      { name: 'proxy', restartCount: 0, state: { running: {} } },
    ],
    containerStatuses: [
      { name: 'api', restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } },
      { name: 'new', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
    ],
  },
};

describe('podContainers', () => {
  test('lists init containers and sidecars first, and which logs can be read now', () => {
    expect(podContainers(pod)).toEqual([
      { name: 'wait-for-db', init: true, restartCount: 0, readable: true },
      { name: 'proxy', init: true, restartCount: 0, readable: true },
      { name: 'api', init: false, restartCount: 3, readable: true },
      { name: 'new', init: false, restartCount: 0, readable: false, why: 'waiting: ContainerCreating' },
    ]);
  });

  test('with previous, only containers that ran before can be read', () => {
    expect(podContainers(pod, { previous: true }).filter((c) => c.readable).map((c) => c.name)).toEqual(['api']);
  });
});

describe('splitTimestamp', () => {
  test('takes the RFC 3339 time the API puts in front of each line', () => {
    expect(splitTimestamp('2026-12-01T21:52:00.133680371Z GET /healthz 200')).toEqual({ time: '2026-12-01T21:52:00.133680371Z', message: 'GET /healthz 200' });
    expect(splitTimestamp('no time here')).toEqual({ message: 'no time here' });
    expect(splitTimestamp('2026-12-01T21:52:00Z')).toEqual({ time: '2026-12-01T21:52:00Z', message: '' });
  });
});

describe('mergeByTime', () => {
  const l = (container: string, time: string, message: string): LogLine => ({ service: 's', pod: 'p', container, time, message });
  test('interleaves streams by time, fractions of different length compared as numbers', () => {
    const a = [l('a', '2026-01-01T00:00:01.5Z', 'a1'), l('a', '2026-01-01T00:00:03Z', 'a2')];
    const b = [l('b', '2026-01-01T00:00:01.25Z', 'b1'), l('b', '2026-01-01T00:00:02.000000001Z', 'b2')];
    expect(mergeByTime([a, b]).map((x) => x.message)).toEqual(['b1', 'a1', 'b2', 'a2']);
  });
  test('keeps the order of lines with equal times', () => {
    const a = [l('a', '2026-01-01T00:00:01Z', 'first'), l('a', '2026-01-01T00:00:01Z', 'second')];
    expect(mergeByTime([a, []]).map((x) => x.message)).toEqual(['first', 'second']);
  });
});
