// A redeploy without changes on the real API server: no server-side dry run and no write but the revision, decided
// from the deployed revision and the managed fields the server keeps; drift by kubectl is still found and undone.
import { deploy } from '../../../src/deploy/deploy.js';
import type { KubeApi } from '../../../src/model/kube-api.js';
import { getJson, kubectl, listJson, testNamespaces } from '../harness.js';
import { synthWaves, testContext } from './helpers.js';

const namespace = testNamespaces();

/** A deploy of the waves app at `env`, counting the dry runs the plan makes. */
async function deployCounting(ns: string, env: string) {
  const ctx = await testContext(ns);
  const dryRuns: string[] = [];
  const client: KubeApi = {
    ...ctx.client,
    apply: (obj, options) => {
      if (options?.dryRun) dryRuns.push(`${obj.kind}/${obj.metadata.name}`);
      return ctx.client.apply(obj, options);
    },
  };
  const result = await deploy({ ...ctx, client }, await synthWaves(env, 'w', ns), { timeoutMs: 60_000 });
  return { result, dryRuns: dryRuns.sort() };
}

const versions = async (ns: string) =>
  Object.fromEntries(
    (await listJson('deployments,services,configmaps,secrets,serviceaccounts', ns, 'app.kubernetes.io/instance=w')).map((o) => [
      `${o.kind}/${o.metadata.name}`,
      o.metadata.resourceVersion,
    ]),
  );

describe('redeploy without changes', () => {
  it('makes no dry run and writes no object, then finds a kubectl edit and applies the object back', async () => {
    const ns = await namespace('deploy-nodry');
    const first = await deployCounting(ns, 'v1');
    expect(first.result.outcome?.status).toBe('deployed');
    // The first deploy dry-runs every object (nothing deployed to compare with).
    expect(first.dryRuns).toHaveLength(first.result.plan.changes.length);
    const before = await versions(ns);

    const again = await deployCounting(ns, 'v1');
    expect(again.result.outcome).toMatchObject({ status: 'deployed', noop: true });
    expect(again.dryRuns).toEqual([]);
    expect(await versions(ns)).toEqual(before);

    // Drift: someone changes a field Berth set; the server moves its ownership to kubectl.
    const container = (await getJson('deployment', 'w-api', ns))!.spec.template.spec.containers[0].name as string;
    await kubectl(['set', 'image', 'deployment/w-api', `${container}=example.com/drifted:9`, '-n', ns]);
    const third = await deployCounting(ns, 'v1');
    expect(third.dryRuns).toEqual(['Deployment/w-api']);
    expect(third.result.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.ref}`)).toEqual(['update Deployment/w-api']);
    expect((await getJson('deployment', 'w-api', ns))!.spec.template.spec.containers[0].image).not.toBe('example.com/drifted:9');

    // A one-service change dry-runs and writes that service's object only.
    const change = await deployCounting(ns, 'v2');
    expect(change.dryRuns).toEqual(['Deployment/w-api']);
    expect(change.result.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.ref}`)).toEqual(['update Deployment/w-api']);
  });
});
