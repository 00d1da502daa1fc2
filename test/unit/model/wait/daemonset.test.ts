import { daemonSetReadiness } from '../../../../src/model/wait/daemonset.js';
import { live } from './fixtures.js';

const ds = (status: object) => live('apps/v1', 'DaemonSet', { status: { observedGeneration: 2, ...status } });

describe('daemonSetReadiness', () => {
  it('waits until every node runs the latest template', () => {
    expect(daemonSetReadiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 3 })).message).toBe(
      '1 of 3 nodes updated',
    );
  });

  it('waits until every node is available', () => {
    expect(daemonSetReadiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }))).toEqual({
      done: false,
      ok: false,
      message: '2 of 3 nodes available',
    });
  });

  it('is ready when updated and available everywhere', () => {
    expect(daemonSetReadiness(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))).toEqual({
      done: true,
      ok: true,
      message: '3 of 3 nodes available',
    });
  });

  it('waits for the controller to observe a new generation', () => {
    const obj = live('apps/v1', 'DaemonSet', { generation: 3, status: { observedGeneration: 2, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1 } });
    expect(daemonSetReadiness(obj).done).toBe(false);
  });
});
