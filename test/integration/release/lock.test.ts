import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { KubeClient } from '../../../src/kube/client.js';
import { UserError } from '../../../src/errors.js';
import { leaseName, microTime, ReleaseLock } from '../../../src/release/lock.js';
import { processScope } from '../../../src/util/process.js';
import { applyYaml, createTestNamespace, deleteNamespace, getJson, kubectl, testKubeconfig } from '../harness.js';

let client: KubeClient;
let ns: string;

const alice = { identity: 'alice@laptop pid 11', host: 'laptop', pid: 11 };
const bob = { identity: 'bob@ci pid 22', host: 'ci', pid: 22 };

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
  ns = await createTestNamespace('lock');
});
afterAll(async () => {
  await deleteNamespace(ns);
});

describe('ReleaseLock against the local control plane', () => {
  it('lets one holder in and fails a concurrent acquire at once, naming the holder and the expiry', async () => {
    const lock = await ReleaseLock.acquire(client, ns, 'one', { holder: alice, ttlSeconds: 30 });
    try {
      const lease = await getJson('lease', leaseName('one'), ns);
      expect(lease.spec.holderIdentity).toBe('alice@laptop pid 11');
      expect(lease.spec.leaseDurationSeconds).toBe(30);
      const started = Date.now();
      const err = await ReleaseLock.acquire(client, ns, 'one', { holder: bob }).catch((e: unknown) => e);
      const ms = Date.now() - started;
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(
        new RegExp(`^release one in namespace ${ns} is locked by alice@laptop pid 11; its lock expires at \\S+Z \\(in (29|30)s\\) unless renewed$`),
      );
      expect(ms).toBeLessThan(2000);
    } finally {
      await lock.release();
    }
    expect(await getJson('lease', leaseName('one'), ns)).toBeUndefined();
  });

  it('decides between two acquires started together: exactly one wins', async () => {
    const results = await Promise.allSettled([
      ReleaseLock.acquire(client, ns, 'race', { holder: alice }),
      ReleaseLock.acquire(client, ns, 'race', { holder: bob }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<ReleaseLock>[];
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String(lost[0]!.reason.message)).toContain(`is locked by ${won[0]!.value.holder.identity}`);
    await won[0]!.value.release();
  });

  it('renews the lease while held', async () => {
    const lock = await ReleaseLock.acquire(client, ns, 'renew', { holder: alice, ttlSeconds: 3 });
    try {
      const first = (await getJson('lease', leaseName('renew'), ns)).spec.renewTime;
      await new Promise((r) => setTimeout(r, 4500));
      const later = (await getJson('lease', leaseName('renew'), ns)).spec.renewTime;
      expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
      await expect(ReleaseLock.acquire(client, ns, 'renew', { holder: bob, ttlSeconds: 3 })).rejects.toThrow('is locked by alice@laptop pid 11');
      lock.assertHeld();
    } finally {
      await lock.release();
    }
  });

  it('takes over an expired lease and reports the revision the old holder left pending', async () => {
    const expired = new Date(Date.now() - 60_000);
    await applyYaml(
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: leaseName('stale'), annotations: { 'berth.dev/holder-host': 'elsewhere', 'berth.dev/holder-pid': '5', 'berth.dev/pending-revision': '4' } },
        spec: { holderIdentity: 'carol@elsewhere pid 5', leaseDurationSeconds: 30, acquireTime: microTime(expired), renewTime: microTime(expired) },
      },
      ns,
    );
    const lock = await ReleaseLock.acquire(client, ns, 'stale', { holder: bob });
    try {
      expect(lock.takenOverFrom).toMatchObject({ holder: 'carol@elsewhere pid 5', holderDead: false, pendingRevision: 4 });
      expect(lock.takenOverFrom?.expiredAt?.getTime()).toBe(expired.getTime() + 30_000);
      const lease = await getJson('lease', leaseName('stale'), ns);
      expect(lease.spec.holderIdentity).toBe('bob@ci pid 22');
      expect(lease.spec.leaseTransitions).toBe(1);
      expect(lease.metadata.annotations['berth.dev/pending-revision']).toBeUndefined();
    } finally {
      await lock.release();
    }
  });

  it('takes over at once from a holder of this boot and PID namespace whose process was killed', async () => {
    // A real process that has exited: its pid is free.
    const child = spawnSync(process.execPath, ['-e', "process.stdout.write(process.pid + ' ' + require('fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[19])"]);
    const [deadPid, startTime] = child.stdout.toString().split(' ');
    const deadHolder = { identity: `dave@${hostname()} pid ${deadPid}`, host: hostname(), pid: Number(deadPid), ...processScope(), startTime };
    const abandoned = await ReleaseLock.acquire(client, ns, 'dead', { holder: deadHolder, ttlSeconds: 60 });
    await abandoned.setPendingRevision(2);
    // Simulate SIGKILL: the holder stops renewing without releasing.
    (abandoned as unknown as { timer: NodeJS.Timeout }).timer.unref();
    clearInterval((abandoned as unknown as { timer: NodeJS.Timeout }).timer);
    const lock = await ReleaseLock.acquire(client, ns, 'dead', { holder: bob });
    try {
      expect(lock.takenOverFrom).toMatchObject({ holder: deadHolder.identity, holderDead: true, pendingRevision: 2 });
    } finally {
      await lock.release();
    }
  });

  it('notices a lost lease instead of writing on', async () => {
    const lock = await ReleaseLock.acquire(client, ns, 'lost', { holder: alice, ttlSeconds: 30 });
    await kubectl(['patch', 'lease', leaseName('lost'), '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { holderIdentity: 'mallory@x pid 1' } })]);
    await lock.renew();
    expect(() => lock.assertHeld()).toThrow(/lost the lock of release lost/);
    await lock.release();
    expect((await getJson('lease', leaseName('lost'), ns)).spec.holderIdentity).toBe('mallory@x pid 1');
  });
});
