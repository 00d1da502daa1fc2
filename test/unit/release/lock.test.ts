import { hostname } from 'node:os';
import { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import { leaseState, lockedError, microTime, ReleaseLock, type LeaseObject } from '../../../src/release/lock.js';

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

describe('ReleaseLock over the in-memory API', () => {
  const alive = { identity: 'alice@laptop pid 11', host: 'laptop', pid: 11 };
  let api: MemoryKubeApi;
  beforeEach(() => {
    api = new MemoryKubeApi();
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
  });

  it('takes over at once from a holder of this host whose process is gone, reporting the revision it was writing', async () => {
    const dead = { identity: `ci@${hostname()} pid 2147483646`, host: hostname(), pid: 2147483646 };
    const first = await ReleaseLock.acquire(api, 'dev', 'shop', { holder: dead });
    await first.setPendingRevision(4);
    const second = await ReleaseLock.acquire(api, 'dev', 'shop', { holder: alive });
    expect(second.takenOverFrom).toMatchObject({ holder: dead.identity, holderDead: true, pendingRevision: 4 });
    await second.release();
    await first.release();
    expect(api.objects('Lease')).toEqual([]);
  });

  it('knows it lost the lease when a renewal finds someone else holding it', async () => {
    const lock = await ReleaseLock.acquire(api, 'dev', 'shop', { holder: alive });
    const lease = api.objects('Lease')[0] as LeaseObject;
    await api.replace({ ...lease, spec: { ...lease.spec, holderIdentity: 'bob@ci pid 2' } });
    await lock.renew();
    expect(() => lock.assertHeld()).toThrow(/^lost the lock of release shop: /);
    await lock.release();
    expect((api.objects('Lease')[0] as LeaseObject).spec?.holderIdentity).toBe('bob@ci pid 2');
  });

  it('retries once when the lease appears between its read and its create', async () => {
    api.failNext({ verb: 'create', kind: 'Lease' }, { status: 409, reason: 'AlreadyExists', message: 'leases.coordination.k8s.io "berth-release-shop" already exists' });
    const lock = await ReleaseLock.acquire(api, 'dev', 'shop', { holder: alive });
    expect(api.requests.filter((r) => r.verb === 'create' && r.kind === 'Lease')).toHaveLength(2);
    await lock.release();
  });
});
