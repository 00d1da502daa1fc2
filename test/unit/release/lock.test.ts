import { ClusterError, UserError } from '../../../src/errors.js';
import { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import {
  fencedApi,
  holderLiveness,
  leaseState,
  LockFence,
  lockedError,
  microTime,
  ReleaseLock,
  waitingLine,
  type Holder,
  type LeaseObject,
  type LeaseState,
  type LocalProcesses,
} from '../../../src/release/lock.js';
import { DEAD_HOLDER, FakeClock, LIVE_HOLDER, PROCESSES } from '../deploy/helpers.js';

const now = new Date('2026-11-24T22:00:00.000Z');
const BOOT = 'boot-1';
const PID_NS = 'pid:[4026531836]';

function lease(spec: LeaseObject['spec'], annotations: Record<string, string> = {}): LeaseObject {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'berth-release-shop', namespace: 'dev', annotations }, spec };
}

/** The annotations a holder of pid 4242 writes. */
function identity(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'berth.dev/holder-host': 'build',
    'berth.dev/holder-pid': '4242',
    'berth.dev/holder-boot-id': BOOT,
    'berth.dev/holder-pid-namespace': PID_NS,
    'berth.dev/holder-start-time': '7000',
    ...overrides,
  };
}

/** This machine, where `running` maps pids to their start times. */
function machine(running: Record<number, string>, scope: Partial<LocalProcesses> = {}): LocalProcesses {
  return { bootId: BOOT, pidNamespace: PID_NS, startTime: (pid) => running[pid], ...scope };
}

const held = { holderIdentity: 'ann@build pid 4242', leaseDurationSeconds: 30, renewTime: microTime(now) };

describe('leaseState', () => {
  it('is free without a holder', () => {
    expect(leaseState(lease({ holderIdentity: '' }), now, machine({}))).toMatchObject({ free: true, expired: false });
  });

  it('is held until renewTime + leaseDurationSeconds', () => {
    const state = leaseState(lease({ holderIdentity: 'ann@ci pid 7', leaseDurationSeconds: 30, renewTime: '2026-11-24T21:59:45.000000Z' }), now, machine({}));
    expect(state).toMatchObject({ free: false, expired: false, holder: 'ann@ci pid 7', holderDead: false });
    expect(state.expiresAt?.toISOString()).toBe('2026-11-24T22:00:15.000Z');
  });

  it('is expired once renewTime + leaseDurationSeconds has passed', () => {
    const state = leaseState(lease({ holderIdentity: 'ann@ci pid 7', leaseDurationSeconds: 30, renewTime: '2026-11-24T21:59:30.000000Z' }), now, machine({}));
    expect(state.expired).toBe(true);
  });

  it('falls back to acquireTime when there is no renewTime', () => {
    const state = leaseState(lease({ holderIdentity: 'x', leaseDurationSeconds: 30, acquireTime: '2026-11-24T21:59:50.000000Z' }), now, machine({}));
    expect(state.expired).toBe(false);
  });

  it('treats a lease without times as expired', () => {
    expect(leaseState(lease({ holderIdentity: 'x', leaseDurationSeconds: 30 }), now, machine({})).expired).toBe(true);
  });

  it('sees a holder of this boot and PID namespace whose process is gone as dead, without waiting for the expiry', () => {
    expect(leaseState(lease(held, identity()), now, machine({}))).toMatchObject({ expired: false, holderDead: true, liveness: 'dead', livenessReason: 'process 4242 is gone' });
  });

  it('sees a holder whose pid now belongs to a later process as dead', () => {
    expect(leaseState(lease(held, identity()), now, machine({ 4242: '9100' }))).toMatchObject({
      holderDead: true,
      livenessReason: 'process 4242 is gone (the pid now belongs to another process)',
    });
  });

  it('sees a holder whose process runs as alive', () => {
    expect(leaseState(lease(held, identity()), now, machine({ 4242: '7000' }))).toMatchObject({ holderDead: false, liveness: 'running' });
  });

  it('never judges a holder of another PID namespace on this host by the pids it can see', () => {
    const state = leaseState(lease(held, identity()), now, machine({}, { pidNamespace: 'pid:[4026532178]' }));
    expect(state).toMatchObject({ holderDead: false, liveness: 'unknown', livenessReason: 'it runs in another PID namespace on this host (pid:[4026531836])' });
  });

  it('never judges a holder of another machine (another boot id) by local pids, whatever its host name', () => {
    const state = leaseState(lease(held, identity()), now, machine({}, { bootId: 'boot-2' }));
    expect(state).toMatchObject({ holderDead: false, liveness: 'unknown', livenessReason: 'it runs on another machine (another boot id)' });
  });

  it('cannot prove dead a holder that recorded only its host and pid (an older Berth)', () => {
    const old = { 'berth.dev/holder-host': 'build', 'berth.dev/holder-pid': '4242' };
    expect(leaseState(lease(held, old), now, machine({}))).toMatchObject({ holderDead: false, liveness: 'unknown', livenessReason: 'its process identity was not recorded' });
  });

  it('cannot prove anything where /proc shows no process identity', () => {
    expect(holderLiveness(identity(), machine({}, { bootId: undefined }))).toEqual({ liveness: 'unknown', reason: 'this system does not show process identities (/proc)' });
  });

  it('reports the pending revision the holder recorded', () => {
    expect(leaseState(lease({ holderIdentity: 'x' }, { 'berth.dev/pending-revision': '7' }), now, machine({})).pendingRevision).toBe(7);
  });
});

describe('microTime', () => {
  it('writes six fractional digits as Kubernetes MicroTime expects', () => {
    expect(microTime(new Date('2026-11-24T22:00:01.234Z'))).toBe('2026-11-24T22:00:01.234000Z');
  });
});

describe('lockedError and waitingLine', () => {
  const state: LeaseState = { free: false, holder: 'ann@ci pid 7', expiresAt: new Date('2026-11-24T22:00:12.000Z'), expired: false, holderDead: false, liveness: 'running' };

  it('names the release, the holder and when the lock expires', () => {
    const err = lockedError('shop', 'dev', state, now);
    expect(err.message).toBe('release shop in namespace dev is locked by ann@ci pid 7; its lock expires at 2026-11-24T22:00:12.000Z (in 12s) unless renewed');
    expect(err.hint).toBe('another berth run is changing this release; wait for it to finish, or pass a longer --lock-timeout to queue behind it');
  });

  it('says how long it waited, and why it could not tell whether the holder still runs', () => {
    const unknown = { ...state, liveness: 'unknown' as const, livenessReason: 'it runs in another PID namespace on this host (pid:[1])' };
    const err = lockedError('shop', 'dev', unknown, now, 3000);
    expect(err.message).toBe(
      'release shop in namespace dev is locked by ann@ci pid 7; its lock expires at 2026-11-24T22:00:12.000Z (in 12s) unless renewed; gave up after waiting 3s (--lock-timeout)',
    );
    expect(err.hint).toBe(
      'Berth cannot tell whether the holder still runs: it runs in another PID namespace on this host (pid:[1]). If it was killed, its lock expires unrenewed: run again then, or pass a longer --lock-timeout to wait for it',
    );
  });

  it('shows what a waiting run waits for: the holder, the seconds left on its lease and on the wait', () => {
    expect(waitingLine('shop', { ...state, livenessReason: 'process 7 is running on this host' }, now, 41_500)).toBe(
      'waiting for the lock of release shop: held by ann@ci pid 7 (process 7 is running on this host); its lease expires in 12s unless renewed; giving up in 42s',
    );
  });
});

describe('ReleaseLock over the in-memory API', () => {
  const alice: Holder = { identity: 'alice@laptop pid 11', host: 'laptop', pid: 11 };
  let api: MemoryKubeApi;
  let clock: FakeClock;
  const acquire = (holder: Holder, extra: Parameters<typeof ReleaseLock.acquire>[3] = {}) =>
    ReleaseLock.acquire(api, 'dev', 'shop', { holder, processes: PROCESSES, clock, ...extra });
  beforeEach(() => {
    api = new MemoryKubeApi();
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    clock = new FakeClock();
  });

  it('records the holder process identity in the lease', async () => {
    const lock = await acquire(LIVE_HOLDER);
    expect((api.objects('Lease')[0] as LeaseObject).metadata.annotations).toEqual({
      'berth.dev/holder-host': 'build',
      'berth.dev/holder-pid': '100',
      'berth.dev/holder-boot-id': 'boot-1',
      'berth.dev/holder-pid-namespace': 'pid:[4026531836]',
      'berth.dev/holder-start-time': '5000',
    });
    await lock.release();
  });

  it('takes over at once from a holder of this host whose process is gone, reporting the revision it was writing', async () => {
    const first = await acquire(DEAD_HOLDER);
    await first.setPendingRevision(4);
    const second = await acquire(alice);
    expect(second.takenOverFrom).toMatchObject({ holder: DEAD_HOLDER.identity, holderDead: true, pendingRevision: 4 });
    await second.release();
    await first.release();
    expect(api.objects('Lease')).toEqual([]);
  });

  it('refuses at once, by default, while a holder in another PID namespace holds the lease, though its pid is not visible here', async () => {
    const first = await acquire(LIVE_HOLDER);
    const elsewhere: LocalProcesses = { ...PROCESSES, pidNamespace: 'pid:[4026532178]', startTime: () => undefined };
    const err = await ReleaseLock.acquire(api, 'dev', 'shop', { holder: alice, processes: elsewhere, clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^release shop in namespace dev is locked by ci@build pid 100; its lock expires at \S+ \(in 30s\) unless renewed$/);
    expect((err as UserError).hint).toMatch(/^Berth cannot tell whether the holder still runs: it runs in another PID namespace on this host/);
    expect((api.objects('Lease')[0] as LeaseObject).spec?.holderIdentity).toBe(LIVE_HOLDER.identity);
    await first.release();
  });

  it('waits for the lease of a holder it cannot judge to expire, showing the holder and the seconds left, then takes it over', async () => {
    const renewed = new Date(clock.wall() - 27_000);
    api.put(lease({ holderIdentity: 'bob@ci pid 5', leaseDurationSeconds: 30, renewTime: microTime(renewed) }, { ...identity(), 'berth.dev/holder-boot-id': 'boot-2', 'berth.dev/pending-revision': '3' }));
    const lines: string[] = [];
    const lock = await acquire(alice, { waitMs: 60_000, onWait: (state, left) => lines.push(waitingLine('shop', state, new Date(clock.wall()), left)) });
    expect(lines[0]).toBe('waiting for the lock of release shop: held by bob@ci pid 5 (it runs on another machine (another boot id)); its lease expires in 3s unless renewed; giving up in 60s');
    expect(lines.at(-1)).toMatch(/its lease expires in 1s unless renewed; giving up in 58s$/);
    expect(lock.takenOverFrom).toMatchObject({ holder: 'bob@ci pid 5', holderDead: false, pendingRevision: 3 });
    await lock.release();
  });

  it('waits for a live holder to release the lock, then takes it fresh', async () => {
    const first = await acquire(LIVE_HOLDER);
    let released: Promise<void> | undefined;
    const lock = await acquire(alice, { waitMs: 60_000, onWait: () => void (released ??= first.release()) });
    expect(lock.takenOverFrom).toBeUndefined();
    expect((api.objects('Lease')[0] as LeaseObject).spec?.holderIdentity).toBe(alice.identity);
    await lock.release();
  });

  it('gives up after the lock timeout, saying how long it waited', async () => {
    const first = await acquire(LIVE_HOLDER);
    const err = await acquire(alice, { waitMs: 5000 }).catch((e: unknown) => e);
    expect((err as UserError).message).toMatch(/^release shop in namespace dev is locked by ci@build pid 100; its lock expires at \S+ \(in 25s\) unless renewed; gave up after waiting 5s \(--lock-timeout\)$/);
    await first.release();
  });

  it('knows it lost the lease when a renewal finds someone else holding it', async () => {
    const lock = await acquire(alice);
    const l = api.objects('Lease')[0] as LeaseObject;
    await api.replace({ ...l, spec: { ...l.spec, holderIdentity: 'bob@ci pid 2' } });
    await lock.renew();
    expect(() => lock.assertHeld()).toThrow(/^lost the lock of release shop: /);
    await lock.release();
    expect((api.objects('Lease')[0] as LeaseObject).spec?.holderIdentity).toBe('bob@ci pid 2');
  });

  it('retries once when the lease appears between its read and its create', async () => {
    api.failNext({ verb: 'create', kind: 'Lease' }, { status: 409, reason: 'AlreadyExists', message: 'leases.coordination.k8s.io "berth-release-shop" already exists' });
    const lock = await acquire(alice);
    expect(api.requests.filter((r) => r.verb === 'create' && r.kind === 'Lease')).toHaveLength(2);
    await lock.release();
  });
});

describe('fencing', () => {
  let api: MemoryKubeApi;
  let clock: FakeClock;
  beforeEach(() => {
    api = new MemoryKubeApi();
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    clock = new FakeClock();
  });
  const acquire = (fence?: LockFence) => ReleaseLock.acquire(api, 'dev', 'shop', { holder: LIVE_HOLDER, processes: PROCESSES, clock, fence });

  it('holds the lock until its last renewal + TTL − safety margin has passed on the monotonic clock', async () => {
    const lock = await acquire();
    expect(lock.safetyMarginMs).toBe(6000);
    clock.advance(24_000);
    expect(() => lock.assertHeld()).not.toThrow();
    clock.advance(1);
    expect(() => lock.assertHeld()).toThrow(
      new ClusterError(
        'lost the lock of release shop: not renewed for 24.0s, longer than its 30s lease less a 6s safety margin (was this process paused?); another run may hold it now. Nothing more was written',
      ),
    );
    await lock.release();
    // A lost lease is not ours to delete: the next run takes it over once it has expired.
    expect(api.objects('Lease')).toHaveLength(1);
  });

  it('counts from the last successful renewal', async () => {
    const lock = await acquire();
    clock.advance(20_000);
    await lock.renew();
    clock.advance(20_000);
    expect(() => lock.assertHeld()).not.toThrow();
    await lock.release();
  });

  it('never renews a lease that may have expired meanwhile, so a paused holder cannot win it back', async () => {
    const lock = await acquire();
    await lock.setPendingRevision(2);
    clock.advance(31_000);
    const before = api.requests.length;
    await lock.renew();
    expect(api.requests.slice(before)).toEqual([]);
    expect(() => lock.assertHeld()).toThrow(/^lost the lock of release shop: not renewed for 31\.0s, .*; revision 2 is not recorded as deployed, and the next run marks it interrupted$/);
    await lock.release();
  });

  it('also counts wall-clock time, which runs on while a frozen VM\'s monotonic clock stands still', async () => {
    const lock = await acquire();
    clock.advanceWallOnly(40_000);
    expect(() => lock.assertHeld()).toThrow(/^lost the lock of release shop: not renewed for 40\.0s/);
    await lock.release();
  });

  it('fencedApi sends no write once the lock is lost, while reads and dry runs still go through', async () => {
    const fence = new LockFence();
    const fenced = fencedApi(api, fence);
    const lock = await acquire(fence);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'dev' }, data: { k: 'v' } };
    await fenced.apply(cm);
    clock.advance(31_000);
    const before = api.requests.length;
    const attempts = [
      () => fenced.apply(cm),
      () => fenced.create({ ...cm, metadata: { ...cm.metadata, name: 'b' } }),
      () => fenced.replace(cm),
      () => fenced.mergePatch(cm, { data: { k: 'w' } }),
      () => fenced.delete(cm),
    ];
    for (const write of attempts) await expect(write()).rejects.toThrow(/^lost the lock of release shop: /);
    expect(api.requests.slice(before)).toEqual([]);
    await expect(fenced.read(cm)).resolves.toMatchObject({ data: { k: 'v' } });
    await expect(fenced.apply(cm, { dryRun: true })).resolves.toMatchObject({ data: { k: 'v' } });
    await lock.release();
  });

  it('fencedApi lets writes through once the lock is released normally', async () => {
    const fence = new LockFence();
    const fenced = fencedApi(api, fence);
    const lock = await acquire(fence);
    await lock.release();
    clock.advance(60_000);
    await expect(fenced.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'dev' } })).resolves.toMatchObject({ metadata: { name: 'a' } });
  });
});
