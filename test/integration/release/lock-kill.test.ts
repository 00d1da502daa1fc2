import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { KubeClient } from '../../../src/kube/client.js';
import { ReleaseLock } from '../../../src/release/lock.js';
import { SecretRevisionStore } from '../../../src/release/store.js';
import { createTestNamespace, deleteNamespace, getJson, testKubeconfig } from '../harness.js';
import { revision } from './fixtures.js';

let ns: string;
let client: KubeClient;
let script: string;

beforeAll(async () => {
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
  ns = await createTestNamespace('lock-kill');
  // A real process that takes the lock, records a pending revision and then hangs, as a deploy mid-apply does.
  const dir = join(process.cwd(), 'node_modules', '.cache', 'berth-test-lock-kill');
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'holder.ts');
  writeFileSync(
    source,
    `import { KubeClient } from '${process.cwd()}/src/kube/client.ts';
import { ReleaseLock } from '${process.cwd()}/src/release/lock.ts';
import { SecretRevisionStore } from '${process.cwd()}/src/release/store.ts';
const [kubeconfig, namespace, release] = process.argv.slice(2);
const client = await KubeClient.connect({ kubeconfig });
const lock = await ReleaseLock.acquire(client, namespace, release, { ttlSeconds: 60 });
const store = new SecretRevisionStore(client, namespace);
const rev = { ...JSON.parse(process.env.REVISION), namespace };
await store.create(rev);
await lock.setPendingRevision(rev.revision);
process.stdout.write('holding\\n');
setInterval(() => {}, 1000);
`,
  );
  script = join(dir, 'holder.mjs');
  await build({ entryPoints: [source], outfile: script, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
});
afterAll(async () => {
  await deleteNamespace(ns);
});

it('a run SIGKILLed while holding the lock is taken over at once by the next run, which marks its revision interrupted', async () => {
  const store = new SecretRevisionStore(client, ns);
  await store.create(revision('shop', ns, 1, 'deployed'));
  const child = spawn(process.execPath, [script, testKubeconfig(), ns, 'shop'], {
    env: { ...process.env, REVISION: JSON.stringify(revision('shop', ns, 2, 'pending')) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited early with ${code}`)));
  });
  const lease = await getJson('lease', 'berth-release-shop', ns);
  expect(lease.spec.holderIdentity).toMatch(new RegExp(` pid ${child.pid}$`));
  // While it lives, nobody else gets in.
  await expect(ReleaseLock.acquire(client, ns, 'shop')).rejects.toThrow(`is locked by ${lease.spec.holderIdentity}`);

  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const started = Date.now();
  const lock = await ReleaseLock.acquire(client, ns, 'shop');
  try {
    // Long before the 60 s lease would have expired.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lock.takenOverFrom).toMatchObject({ holder: lease.spec.holderIdentity, holderDead: true, pendingRevision: 2 });
    expect(await store.interruptPending('shop', `the run of ${lock.takenOverFrom!.holder} was killed`)).toEqual([2]);
    expect((await store.list('shop')).map((r) => [r.revision, r.status])).toEqual([
      [1, 'deployed'],
      [2, 'interrupted'],
    ]);
  } finally {
    await lock.release();
  }
});
