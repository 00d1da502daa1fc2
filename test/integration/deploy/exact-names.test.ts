import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploy } from '../../../src/deploy/deploy.js';
import { uninstall } from '../../../src/deploy/uninstall.js';
import { UserError } from '../../../src/errors.js';
import { synthesize } from '../../../src/synth/synthesize.js';
import { getJson, listJson, testNamespaces } from '../harness.js';
import { testContext } from './helpers.js';

/** `carts-db` (Deployment and Service under that exact name) and `carts` (generated names). */
const EXACT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'apps', 'exact');

const namespace = testNamespaces();

async function deployExact(ns: string, release: string) {
  const set = await synthesize({ app: EXACT, env: 'default', release, namespace: ns });
  return deploy(await testContext(ns), set, { timeoutMs: 60_000 });
}

describe('exact names', () => {
  it('lets only one release of a namespace take an exact name: the second is refused before anything is written, naming the owner', async () => {
    const ns = await namespace('exact-names');
    expect((await deployExact(ns, 'shop-a')).outcome?.status).toBe('deployed');
    const svc = await getJson('service', 'carts-db', ns);
    expect(svc?.metadata.annotations['berth.dev/release']).toBe(`${ns}/shop-a`);
    expect((await getJson('deployment', 'shop-a-carts', ns))?.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_ADDR', value: 'carts-db:27017' }]);

    const err = await deployExact(ns, 'shop-b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    // The wording of the ownership message is another branch's; what must hold: the objects and the owning release.
    const message = (err as UserError).message;
    expect(message).toContain('Service/carts-db');
    expect(message).toContain('Deployment/carts-db');
    expect(message).toContain(`owned by release shop-a in namespace ${ns}`);
    expect(message).not.toContain('shop-b-carts');
    // Nothing of shop-b was written: no revision, not even its objects with names of its own.
    expect(await listJson('secrets', ns, 'owner=berth,release=shop-b')).toEqual([]);
    expect(await getJson('deployment', 'shop-b-carts', ns)).toBeUndefined();
    expect((await getJson('service', 'carts-db', ns))?.metadata.annotations['berth.dev/release']).toBe(`${ns}/shop-a`);

    // Once shop-a is uninstalled the name is free, and shop-b takes it.
    await uninstall(await testContext(ns), ns, 'shop-a');
    expect((await deployExact(ns, 'shop-b')).outcome?.status).toBe('deployed');
    expect((await getJson('service', 'carts-db', ns))?.metadata.annotations['berth.dev/release']).toBe(`${ns}/shop-b`);
  });
});
