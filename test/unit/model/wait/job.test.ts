import { jobReadiness } from '../../../../src/model/wait/job.js';
import { live } from './fixtures.js';

const job = (status: object) => live('batch/v1', 'Job', { status });

describe('jobReadiness', () => {
  it('waits while pods are active', () => {
    expect(jobReadiness(job({ active: 1 }))).toEqual({ done: false, ok: false, message: '1 active, 0 succeeded, 0 failed' });
  });

  it('is ready when complete', () => {
    expect(jobReadiness(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }))).toEqual({
      done: true,
      ok: true,
      message: 'completed (1 succeeded)',
    });
  });

  it('fails with the cluster reason', () => {
    const r = jobReadiness(
      job({ failed: 6, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }),
    );
    expect(r).toEqual({ done: true, ok: false, message: 'job failed: BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });

  it('fails as soon as the controller sets FailureTarget, before the last pod has terminated', () => {
    const r = jobReadiness(
      job({
        active: 1,
        failed: 2,
        conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
      }),
    );
    expect(r).toEqual({ done: true, ok: false, message: 'job failed: BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });

  it('keeps waiting while FailureTarget is False', () => {
    expect(jobReadiness(job({ active: 1, failed: 1, conditions: [{ type: 'FailureTarget', status: 'False' }] }))).toEqual({
      done: false,
      ok: false,
      message: '1 active, 0 succeeded, 1 failed',
    });
  });
});
