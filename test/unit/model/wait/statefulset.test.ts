import { statefulSetReadiness } from '../../../../src/model/wait/statefulset.js';
import { live } from './fixtures.js';

const sts = (status: object, spec: object = { replicas: 2 }) => live('apps/v1', 'StatefulSet', { spec, status });

describe('statefulSetReadiness', () => {
  it('waits for the latest generation to be observed', () => {
    expect(statefulSetReadiness(sts({ observedGeneration: 1, readyReplicas: 2 })).message).toBe(
      'waiting for generation 2 to be observed (observed 1)',
    );
  });

  it('waits until every replica is ready', () => {
    expect(statefulSetReadiness(sts({ observedGeneration: 2, readyReplicas: 1 }))).toEqual({
      done: false,
      ok: false,
      message: '1 of 2 replicas ready',
    });
  });

  it('waits until the update revision is reached', () => {
    const r = statefulSetReadiness(
      sts({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-2' }),
    );
    expect(r).toEqual({ done: false, ok: false, message: 'rolling update to revision db-2 in progress' });
  });

  it('waits for updated replicas above the partition', () => {
    const spec = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } };
    const r = statefulSetReadiness(sts({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 }, spec));
    expect(r.message).toBe('1 of 2 replicas updated');
    const done = statefulSetReadiness(
      sts({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'b' }, spec),
    );
    expect(done.ok).toBe(true);
  });

  it('is ready when all replicas run the update revision', () => {
    const r = statefulSetReadiness(
      sts({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'db-2', updateRevision: 'db-2' }),
    );
    expect(r).toEqual({ done: true, ok: true, message: '2 of 2 replicas ready' });
  });

  it('accepts ready replicas with the OnDelete strategy', () => {
    const r = statefulSetReadiness(sts({ observedGeneration: 2, readyReplicas: 2 }, { replicas: 2, updateStrategy: { type: 'OnDelete' } }));
    expect(r.ok).toBe(true);
  });
});
