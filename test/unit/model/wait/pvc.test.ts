import { pvcReadiness } from '../../../../src/model/wait/pvc.js';
import { live } from './fixtures.js';

describe('pvcReadiness', () => {
  it('is ready when bound', () => {
    expect(pvcReadiness(live('v1', 'PersistentVolumeClaim', { status: { phase: 'Bound' } }))).toEqual({ done: true, ok: true, message: 'bound' });
  });

  it('waits while pending', () => {
    expect(pvcReadiness(live('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }))).toEqual({
      done: false,
      ok: false,
      message: 'phase Pending, waiting to be bound',
    });
  });

  it('fails when lost', () => {
    const r = pvcReadiness(live('v1', 'PersistentVolumeClaim', { status: { phase: 'Lost' } }));
    expect(r.done && !r.ok).toBe(true);
    expect(r.message).toBe('claim lost: its volume no longer exists');
  });
});
