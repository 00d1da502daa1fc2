import { deploymentReadiness } from '../../../../src/model/wait/deployment.js';
import { live } from './fixtures.js';

const deployment = (status: object, replicas = 3) => live('apps/v1', 'Deployment', { spec: { replicas }, status });

describe('deploymentReadiness', () => {
  it('waits while the controller has not observed the latest generation', () => {
    const r = deploymentReadiness(deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }));
    expect(r).toEqual({ done: false, ok: false, message: 'waiting for generation 2 to be observed (observed 1)' });
  });

  it('waits until every replica is updated', () => {
    const r = deploymentReadiness(deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 }));
    expect(r).toEqual({ done: false, ok: false, message: '1 of 3 replicas updated' });
  });

  it('waits until old replicas are gone', () => {
    const r = deploymentReadiness(deployment({ observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }));
    expect(r.message).toBe('1 old replicas pending termination');
    expect(r.done).toBe(false);
  });

  it('waits until updated replicas are available', () => {
    const r = deploymentReadiness(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }));
    expect(r.message).toBe('2 of 3 updated replicas available');
  });

  it('is ready when the rollout is complete', () => {
    const r = deploymentReadiness(deployment({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }));
    expect(r).toEqual({ done: true, ok: true, message: '3 of 3 replicas available' });
  });

  it('treats a missing replicas field as one replica', () => {
    const obj = live('apps/v1', 'Deployment', { status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
    expect(deploymentReadiness(obj).ok).toBe(true);
  });

  it('fails with the cluster reason when the progress deadline is exceeded', () => {
    const r = deploymentReadiness(
      deployment({
        observedGeneration: 2,
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "shop-api-5d9" has timed out progressing.' },
        ],
      }),
    );
    expect(r).toEqual({
      done: true,
      ok: false,
      message: 'rollout failed: ProgressDeadlineExceeded: ReplicaSet "shop-api-5d9" has timed out progressing.',
    });
  });

  it('waits on a fresh object without status', () => {
    expect(deploymentReadiness(live('apps/v1', 'Deployment', { generation: 1, status: {} })).done).toBe(false);
  });

  it('fails at once when its ReplicaSet cannot create pods, with the quota the API server named', () => {
    const message =
      'pods "shop-api-5d9-x2k4q" is forbidden: exceeded quota: pods-none, requested: pods=1, used: pods=0, limited: pods=0';
    const r = deploymentReadiness(
      deployment({
        observedGeneration: 2,
        replicas: 0,
        conditions: [
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated' },
          { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message },
        ],
      }),
    );
    expect(r).toEqual({ done: true, ok: false, message: `rollout failed: FailedCreate: ${message}` });
  });

  it('ignores a ReplicaFailure the controller has cleared', () => {
    const r = deploymentReadiness(
      deployment({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'False', reason: 'FailedCreate' }] }),
    );
    expect(r).toEqual({ done: false, ok: false, message: '1 of 3 replicas updated' });
  });

  it('does not judge a ReplicaFailure of a generation the controller has not observed yet', () => {
    const r = deploymentReadiness(
      deployment({ observedGeneration: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }] }),
    );
    expect(r).toEqual({ done: false, ok: false, message: 'waiting for generation 2 to be observed (observed 1)' });
  });
});
