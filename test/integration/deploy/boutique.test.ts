import { getJson, kubectl, kubectlResult, listJson, testNamespaces } from '../harness.js';
import { berth } from './helpers.js';

/** apps/boutique on the local control plane: the port deploys as a release, escape-hatch object and patch included. */
const namespace = testNamespaces();

/** Every object in the namespace, of every listable kind, labelled with the release. */
async function labelled(ns: string): Promise<string[]> {
  const kinds = (await kubectl(['api-resources', '--verbs=list', '--namespaced', '-o', 'name'])).split('\n').filter((k) => k && k !== 'events' && k !== 'events.events.k8s.io');
  const out = await kubectl(['get', kinds.join(','), '-n', ns, '-l', 'app.kubernetes.io/instance=boutique', '-o', 'name']);
  return out.split('\n').filter(Boolean);
}

describe('apps/boutique as release boutique', () => {
  it('deploys every service under the original Service names, leaves no server-side diff, prunes the network policies when they are switched off and uninstalls cleanly', async () => {
    const ns = await namespace('boutique');
    const res = await berth('deploy', 'boutique', '-n', ns, '--env', 'dev', '--timeout', '120s');
    expect(res.stderr).not.toContain('error:');
    expect(res.stdout).toContain(`release ${ns}/boutique: revision 1 deployed (Install)`);
    expect(res).toExitWith(0);

    const deployments = await listJson('deployments', ns, 'app.kubernetes.io/instance=boutique');
    expect(deployments).toHaveLength(12);
    for (const d of deployments) expect([d.metadata.name, d.status.availableReplicas]).toEqual([d.metadata.name, 1]);
    const services = (await listJson('services', ns)).map((s) => `${s.metadata.name} ${s.spec.type}`).sort();
    expect(services).toEqual([
      'adservice ClusterIP',
      'cartservice ClusterIP',
      'checkoutservice ClusterIP',
      'currencyservice ClusterIP',
      'emailservice ClusterIP',
      'frontend ClusterIP',
      'frontend-external LoadBalancer',
      'paymentservice ClusterIP',
      'productcatalogservice ClusterIP',
      'recommendationservice ClusterIP',
      'redis-cart ClusterIP',
      'shippingservice ClusterIP',
    ]);
    const frontend = await getJson('deployment', 'boutique-frontend', ns);
    expect(frontend.spec.template.spec.enableServiceLinks).toBe(false);
    expect(await getJson('networkpolicy', 'boutique-deny-all', ns)).toMatchObject({ metadata: { annotations: { 'berth.dev/release': `${ns}/boutique` } } });
    expect((await listJson('networkpolicies', ns)).map((p) => p.metadata.name)).toHaveLength(13);

    const synth = await berth('synth', 'boutique', '--env', 'dev', '-r', 'boutique', '-n', ns, '--stdout');
    const kdiff = await kubectlResult(['diff', '--server-side', '--field-manager=berth', '-f', '-'], { input: synth.stdout });
    expect(kdiff.stdout).toBe('');
    expect(kdiff).toExitWith(0);

    const again = await berth('deploy', 'boutique', '-n', ns, '--env', 'dev', '--set', 'networkPolicies=false', '--timeout', '120s');
    expect(again).toExitWith(0);
    // The 12 per-service policies of the networkPolicies option and the deny-all escape-hatch object, nothing else.
    expect(again.stdout).toContain('0 to create, 0 to update, 13 to delete, 35 unchanged');
    expect(await listJson('networkpolicies', ns)).toEqual([]);

    const gone = await berth('uninstall', 'boutique', '-n', ns);
    expect(gone).toExitWith(0);
    expect(await labelled(ns)).toEqual([]);
  });
});
