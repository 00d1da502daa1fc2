// Escape hatches with the full release lifecycle on the real API server: objects of `berth/k8s`, cdk8s-plus-27 and an
// Include beside a Berth service (fixtures/apps/escape) are deployed, redeployed without an ownership error or a
// write, pruned when removed and uninstalled with nothing left, an allowed ClusterRole included; a CRD and an object of
// it in one release; `--adopt` of a kubectl-created object, then a clean redeploy.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { deploy } from '../../../src/deploy/deploy.js';
import { uninstall } from '../../../src/deploy/uninstall.js';
import { UserError } from '../../../src/errors.js';
import type { ManifestSet } from '../../../src/model/manifest-set.js';
import { synthesize } from '../../../src/synth/synthesize.js';
import { getJson, kubectl, kubectlResult, listJson, testNamespaces } from '../harness.js';
import { testContext } from './helpers.js';

const ESCAPE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'apps', 'escape');
const namespace = testNamespaces();
const clusterObjects: string[][] = [];

afterAll(async () => {
  for (const [kind, name] of clusterObjects) await kubectl(['delete', kind!, name!, '--ignore-not-found', '--wait=false']);
});

function synthEscape(env: string, release: string, ns: string, set: string[] = []): Promise<ManifestSet> {
  return synthesize({ app: ESCAPE, env, release, namespace: ns, values: { files: [], set } });
}

async function deployEscape(set: ManifestSet, options: Parameters<typeof deploy>[2] = {}) {
  return deploy(await testContext(set.namespace), set, { timeoutMs: 60_000, ...options });
}

/** Everything in the namespace or the cluster that carries the release's annotation (what `uninstall` must leave none of). */
async function annotatedWith(ns: string, release: string): Promise<string[]> {
  const kinds = 'configmaps,serviceaccounts,services,deployments,clusterroles,customresourcedefinitions';
  const items = [...(await listJson(kinds, ns)), ...(await listJson('clusterroles,customresourcedefinitions'))];
  return items.filter((o) => o.metadata.annotations?.['berth.dev/release'] === `${ns}/${release}`).map((o) => `${o.kind}/${o.metadata.name}`);
}

/** `kubectl apply --server-side --dry-run=server --validate=strict` of the objects: what the API server says of them. */
async function strictDryRun(set: ManifestSet) {
  return kubectlResult(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager', 'berth-check', '-f', '-'], {
    input: set.objects.map((o) => stringify(o)).join('---\n'),
  });
}

describe('escape-hatch objects through the release lifecycle', () => {
  it('deploys, redeploys with no ownership error and no writes, prunes a removed object and uninstalls everything, a ClusterRole included', async () => {
    const ns = await namespace('escape-life');
    const release = 'esc';
    const role = `${release}-${ns}-reader`;
    clusterObjects.push(['clusterrole', role]);
    const v1 = await synthEscape('cluster', release, ns);
    expect(v1.objects.map((o) => `${o.kind}/${o.metadata.name}${o.metadata.labels?.['app.kubernetes.io/name'] ? ` (${o.metadata.labels['app.kubernetes.io/name']})` : ''}`)).toEqual([
      'ServiceAccount/included-robot',
      `ClusterRole/${role}`,
      'ConfigMap/esc-extra',
      'ConfigMap/esc-settings',
      'ConfigMap/included-settings (upstream)',
      'ConfigMap/esc-web-extra-conf (web)',
      'Service/esc-web (web)',
      'Deployment/esc-web (web)',
    ]);
    const dry = await strictDryRun(v1);
    expect(dry.stderr).toBe('');
    expect(dry).toExitWith(0);

    const first = await deployEscape(v1);
    expect(first.outcome).toMatchObject({ revision: 1, status: 'deployed' });
    expect((await getJson('clusterrole', role)).metadata.annotations['berth.dev/release']).toBe(`${ns}/${release}`);

    const second = await deployEscape(await synthEscape('cluster', release, ns));
    expect(second.plan.conflicts).toEqual([]);
    expect(second.plan.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 8 });
    expect(second.outcome).toMatchObject({ revision: 2, status: 'deployed', noop: true });

    const third = await deployEscape(await synthEscape('cluster-noextra', release, ns));
    expect(third.plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.ref}`)).toEqual(['delete ConfigMap/esc-extra']);
    expect(await getJson('configmap', 'esc-extra', ns)).toBeUndefined();

    const gone = await uninstall(await testContext(ns), ns, release);
    expect(gone.deleted).toContain(`ClusterRole/${role}`);
    expect(await annotatedWith(ns, release)).toEqual([]);
    expect(await getJson('clusterrole', role)).toBeUndefined();
  });

  it('applies a CustomResourceDefinition and an object of its kind in one release, and uninstalls both', async () => {
    const ns = await namespace('escape-crd');
    const group = `w${randomBytes(3).toString('hex')}.escape.berth.dev`;
    clusterObjects.push(['customresourcedefinition', `widgets.${group}`]);
    const set = await synthEscape('v1', 'crd', ns, [`crdGroup=${group}`]);
    const result = await deployEscape(set);
    expect(result.outcome).toMatchObject({ revision: 1, status: 'deployed' });
    const widget = await getJson(`widgets.${group}`, 'crd-widget', ns);
    expect(widget.spec).toEqual({ size: 3 });
    expect(widget.metadata.annotations['berth.dev/release']).toBe(`${ns}/crd`);
    // Everything exists now, the custom object included: the API server accepts each one under strict validation.
    expect(await strictDryRun(set)).toExitWith(0);
    const again = await deployEscape(await synthEscape('v1', 'crd', ns, [`crdGroup=${group}`]));
    expect(again.outcome).toMatchObject({ revision: 2, status: 'deployed', noop: true });

    await uninstall(await testContext(ns), ns, 'crd');
    expect(await getJson('customresourcedefinition', `widgets.${group}`)).toBeUndefined();
    expect(await annotatedWith(ns, 'crd')).toEqual([]);
  });

  it('refuses an object kubectl created, naming its field managers, then adopts it with --adopt and redeploys cleanly', async () => {
    const ns = await namespace('escape-adopt');
    await kubectl(['create', 'configmap', 'adopt-extra', '-n', ns, '--from-literal=A=hand-made']);
    const set = await synthEscape('v1', 'adopt', ns);
    const err = await deployEscape(set).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      `release adopt in namespace ${ns} would change objects it does not own:\n  ConfigMap/adopt-extra is owned by another tool (field managers: kubectl-create (Update))`,
    );
    expect((await deployEscape(set, { adopt: true })).outcome).toMatchObject({ status: 'deployed' });
    const cm = await getJson('configmap', 'adopt-extra', ns);
    expect(cm.data).toEqual({ A: '1' });
    expect(cm.metadata.annotations['berth.dev/release']).toBe(`${ns}/adopt`);
    const next = await deployEscape(await synthEscape('v1', 'adopt', ns));
    expect(next.plan.conflicts).toEqual([]);
    expect(next.outcome).toMatchObject({ status: 'deployed', noop: true });
  });
});
