import { leaseState, lockedError, microTime, type LeaseObject } from '../../../src/release/lock.js';

const now = new Date('2026-11-24T22:00:00.000Z');

function lease(spec: LeaseObject['spec'], annotations: Record<string, string> = {}): LeaseObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'berth-release-shop', namespace: 'dev', annotations }, spec };
}

describe('leaseState', () => {
  it('is free without a holder', () => {
    expect(leaseState(lease({ holderIdentity: '' }), now, 'here', () => true)).toMatchObject({ free: true, expired: false });
  });

  it('is held until renewTime + leaseDurationSeconds', () => {
    const state = leaseState(lease({ holderIdentity: 'ann@ci pid 7', leaseDurationSeconds: 30, renewTime: '2026-11-24T21:59:45.000000Z' }), now, 'here', () => true);
    expect(state).toMatchObject({ free: false, expired: false, holder: 'ann@ci pid 7', holderDead: false });
    expect(state.expiresAt?.toISOString()).toBe('2026-11-24T22:00:15.000Z');
  });

  it('is expired once renewTime + leaseDurationSeconds has passed', () => {
    const state = leaseState(lease({ holderIdentity: 'ann@ci pid 7', leaseDurationSeconds: 30, renewTime: '2026-11-24T21:59:30.000000Z' }), now, 'here', () => true);
    expect(state.expired).toBe(true);
  });

  it('falls back to acquireTime when there is no renewTime', () => {
    const state = leaseState(lease({ holderIdentity: 'x', leaseDurationSeconds: 30, acquireTime: '2026-11-24T21:59:50.000000Z' }), now, 'here', () => true);
    expect(state.expired).toBe(false);
  });

  it('treats a lease without times as expired', () => {
    expect(leaseState(lease({ holderIdentity: 'x', leaseDurationSeconds: 30 }), now, 'here', () => true).expired).toBe(true);
  });

  it('sees a holder on this host whose process is gone as dead, without waiting for the expiry', () => {
    const l = lease({ holderIdentity: 'ann@here pid 4242', leaseDurationSeconds: 30, renewTime: microTime(now) }, { 'berth.dev/holder-host': 'here', 'berth.dev/holder-pid': '4242' });
    expect(leaseState(l, now, 'here', (pid) => pid !== 4242)).toMatchObject({ expired: false, holderDead: true });
    expect(leaseState(l, now, 'here', () => true).holderDead).toBe(false);
  });

  it('never judges a holder on another host by local pids', () => {
    const l = lease({ holderIdentity: 'ann@there pid 4242', leaseDurationSeconds: 30, renewTime: microTime(now) }, { 'berth.dev/holder-host': 'there', 'berth.dev/holder-pid': '4242' });
    expect(leaseState(l, now, 'here', () => false).holderDead).toBe(false);
  });

  it('reports the pending revision the holder recorded', () => {
    expect(leaseState(lease({ holderIdentity: 'x' }, { 'berth.dev/pending-revision': '7' }), now, 'here', () => true).pendingRevision).toBe(7);
  });
});

describe('microTime', () => {
  it('writes six fractional digits as Kubernetes MicroTime expects', () => {
    expect(microTime(new Date('2026-11-24T22:00:01.234Z'))).toBe('2026-11-24T22:00:01.234000Z');
  });
});

describe('lockedError', () => {
  it('names the release, the holder and when the lock expires', () => {
    const err = lockedError('shop', 'dev', { free: false, holder: 'ann@ci pid 7', expiresAt: new Date('2026-11-24T22:00:12.000Z'), expired: false, holderDead: false }, now);
    expect(err.message).toBe('release shop in namespace dev is locked by ann@ci pid 7; its lock expires at 2026-11-24T22:00:12.000Z (in 12s) unless renewed');
    expect(err.hint).toMatch(/wait for it to finish/);
  });
});
