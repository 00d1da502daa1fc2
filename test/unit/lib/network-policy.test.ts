import {
  Application,
  BatchJob,
  DaemonApp,
  NetworkPeer,
  NetworkPolicy,
  StatefulApp,
  StatelessApp,
  type NetworkPoliciesOptions,
  type NetworkPolicyProps,
} from '../../../lib/index.js';
import { find, RELEASE, synth, testApp, validationErrors, type KubeObj } from './util.js';

const ON: NetworkPoliciesOptions = {
  ingressFromDependents: true,
  ingressController: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
};

function appWith(networkPolicies?: NetworkPoliciesOptions): Application {
  return new Application(testApp(), 'shop', { config: {}, release: RELEASE, networkPolicies });
}

/** The shape of apps/shop: who references or depends on whom, one Ingress, a job and a node agent without ports. */
function shopLike(app: Application): void {
  const db = new StatefulApp(app, 'db', { image: 'postgres:16.4', ports: [{ port: 5432, name: 'postgres' }], replicas: 2 });
  const cache = new StatelessApp(app, 'cache', { image: 'redis:7.4', ports: [{ port: 6379, name: 'redis' }] });
  const dbProxy = new StatelessApp(app, 'db-proxy', { image: 'pgbouncer:1.23', ports: [{ port: 6432 }], env: { DB_HOST: db.host } });
  dbProxy.dependsOn(db, { waitForPort: true });
  const orders = new StatelessApp(app, 'orders', {
    image: 'orders:1.4',
    ports: [{ port: 8080, servicePort: 80 }],
    config: { DATABASE_HOST: dbProxy.host, CACHE_URL: cache.urlFor('redis') },
  });
  new StatelessApp(app, 'gateway', {
    image: 'gateway:2.0',
    ports: [{ port: 8080, servicePort: 80 }],
    args: [`--upstream=${orders.url}`],
    ingress: { host: 'shop.example.com' },
  });
  new BatchJob(app, 'backup', { image: 'backup:1.0', schedule: '@daily' }).dependsOn(db);
  new DaemonApp(app, 'node-agent', { image: 'agent:1.0' });
}

function render(app: Application): KubeObj[] {
  const errors = validationErrors(app);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return app.toJson() as KubeObj[];
}

/** A rule read back as peers (`svc:<name>`, `ns:<name>`, `cidr:<range>`) and ports (`<port>/<protocol>`). */
function readRules(policy: KubeObj): { from: string[]; ports: string[] }[] {
  return ((policy.spec.ingress ?? []) as any[]).map((rule) => ({
    from: (rule.from ?? []).map((peer: any) =>
      peer.ipBlock
        ? `cidr:${peer.ipBlock.cidr}`
        : peer.namespaceSelector
          ? `ns:${peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? '*'}${peer.podSelector ? ` pods:${JSON.stringify(peer.podSelector.matchLabels)}` : ''}`
          : `svc:${peer.podSelector.matchLabels['app.kubernetes.io/name']}`,
    ),
    ports: (rule.ports ?? []).map((p: any) => `${p.port}/${p.protocol}`),
  }));
}

describe('networkPolicies: a policy per service from the dependency graph', () => {
  it('renders no policy unless the application asks for them', () => {
    const app = appWith();
    shopLike(app);
    expect(render(app).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  it('lets into each service its own pods and the services that depend on it or hold its address, on its target ports', () => {
    const app = appWith(ON);
    shopLike(app);
    const objects = render(app);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(
      ['backup', 'cache', 'db', 'db-proxy', 'gateway', 'node-agent', 'orders'].map((s) => `shop-prod-${s}`),
    );
    const rules = (service: string) => readRules(find(objects, 'NetworkPolicy', `shop-prod-${service}`));
    // db: the proxy holds its address and waits for it, the backup job depends on it; its own replicas replicate.
    expect(rules('db')).toEqual([{ from: ['svc:db', 'svc:db-proxy', 'svc:backup'], ports: ['postgres/TCP'] }]);
    expect(rules('db-proxy')).toEqual([{ from: ['svc:db-proxy', 'svc:orders'], ports: ['http/TCP'] }]);
    expect(rules('cache')).toEqual([{ from: ['svc:cache', 'svc:orders'], ports: ['redis/TCP'] }]);
    expect(rules('orders')).toEqual([{ from: ['svc:orders', 'svc:gateway'], ports: ['http/TCP'] }]);
    // Behind an Ingress: the controller too, on the same ports.
    expect(rules('gateway')).toEqual([
      { from: ['svc:gateway'], ports: ['http/TCP'] },
      { from: ['ns:ingress-nginx pods:{"app.kubernetes.io/name":"ingress-nginx"}'], ports: ['http/TCP'] },
    ]);
    // No ports: nothing may connect.
    expect(rules('backup')).toEqual([]);
    expect(rules('node-agent')).toEqual([]);
  });

  it('restricts ingress only, selects the pods by instance and name, and carries the service labels (its file, its wave)', () => {
    const app = appWith(ON);
    shopLike(app);
    const db = find(render(app), 'NetworkPolicy', 'shop-prod-db');
    expect(db.spec.policyTypes).toEqual(['Ingress']);
    expect(db.spec.egress).toBeUndefined();
    expect(db.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'db' } });
    expect(db.metadata.labels['app.kubernetes.io/name']).toBe('db');
    expect(db.metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod' });
  });

  it('appends the explicit extra rules to the service they name', () => {
    const app = appWith({
      ...ON,
      extra: [
        { service: 'gateway', peers: [NetworkPeer.cidr('10.0.0.0/8', { except: ['10.1.0.0/16'] })], ports: [{ port: 8080 }] },
        { service: 'orders', peers: [NetworkPeer.namespace('monitoring')], ports: [{ port: 9090 }] },
      ],
    });
    shopLike(app);
    const objects = render(app);
    expect(readRules(find(objects, 'NetworkPolicy', 'shop-prod-gateway'))[2]).toEqual({ from: ['cidr:10.0.0.0/8'], ports: ['8080/TCP'] });
    expect(find(objects, 'NetworkPolicy', 'shop-prod-gateway').spec.ingress[2].from[0].ipBlock).toEqual({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] });
    expect(readRules(find(objects, 'NetworkPolicy', 'shop-prod-orders'))[1]).toEqual({ from: ['ns:monitoring'], ports: ['9090/TCP'] });
  });

  it('leaves the other objects of every service byte for byte as without the option', () => {
    const off = appWith();
    shopLike(off);
    const on = appWith(ON);
    shopLike(on);
    expect(render(on).filter((o) => o.kind !== 'NetworkPolicy')).toEqual(render(off));
  });

  it('refuses a service with an Ingress when the Ingress controller is not named', () => {
    const app = appWith({ ingressFromDependents: true });
    shopLike(app);
    expect(validationErrors(app)).toEqual([
      "shop/gateway: has an Ingress, and 'networkPolicies.ingressController' is not set, so its policy would refuse the Ingress controller's traffic: set it, e.g. { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }",
    ]);
  });

  it('refuses an extra rule for a service the application does not have', () => {
    const app = appWith({ ...ON, extra: [{ service: 'gatewy', peers: [NetworkPeer.namespace('monitoring')] }] });
    shopLike(app);
    expect(validationErrors(app)).toEqual([
      "shop: 'networkPolicies.extra[0].service' ('gatewy') is not a service of the application; services: backup, cache, db, db-proxy, gateway, node-agent, orders",
    ]);
  });

  it.each<[string, NetworkPoliciesOptions, string]>([
    ['ingressFromDependents other than true', { ingressFromDependents: false as unknown as true }, "shop: 'networkPolicies.ingressFromDependents' (false) must be true (what the option does); leave networkPolicies out for no policies"],
    ['a bad controller namespace', { ...ON, ingressController: { namespace: 'Ingress_Nginx' } }, "shop: 'networkPolicies.ingressController.namespace' ('Ingress_Nginx') is not a DNS-1123 label: use lower-case letters, digits and '-', start and end with a letter or digit"],
    ['a misspelt option', { ...ON, ingressControler: {} } as unknown as NetworkPoliciesOptions, "shop: 'networkPolicies' unknown property 'ingressControler' — did you mean 'ingressController'?"],
    ['a bad range in an extra rule', { ...ON, extra: [{ service: 'gateway', peers: [NetworkPeer.cidr('10.0.0.0')] }] }, "shop: 'networkPolicies.extra[0].peers[0].cidr' ('10.0.0.0') must be an IP range in CIDR notation, e.g. '10.0.0.0/8' or 'fd00::/8'"],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(() => shopLike(appWith(options))).toThrow(message);
  });
});

describe('NetworkPolicy', () => {
  it('renders peers of every kind, port ranges and egress, with the release labels', () => {
    const objects = synth((app) => {
      const api = new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }] });
      new NetworkPolicy(app, 'api-access', {
        selector: api,
        ingress: [
          { peers: [NetworkPeer.pods({ role: 'scraper' }, 'monitoring'), NetworkPeer.namespace('*')], ports: [{ port: 'http' }] },
          { peers: [NetworkPeer.cidr('fd00::/8')], ports: [{ port: 30000, endPort: 30100, protocol: 'UDP' }] },
        ],
        egress: [{ peers: [NetworkPeer.namespace('kube-system')], ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }],
      });
    });
    const policy = find(objects, 'NetworkPolicy', 'shop-prod-api-access');
    expect(policy.metadata.labels['app.kubernetes.io/name']).toBe('api');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { role: 'scraper' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
            { namespaceSelector: {} },
          ],
          ports: [{ port: 'http', protocol: 'TCP' }],
        },
        { from: [{ ipBlock: { cidr: 'fd00::/8' } }], ports: [{ port: 30000, endPort: 30100, protocol: 'UDP' }] },
      ],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
      ],
    });
  });

  it('selects pods by labels and then belongs to the release, not to a service', () => {
    const policy = find(synth((app) => new NetworkPolicy(app, 'deny-all', { selector: {}, ingress: [] })), 'NetworkPolicy');
    expect(policy.metadata.name).toBe('shop-prod-deny-all');
    expect(policy.metadata.labels).toEqual({
      'app.kubernetes.io/component': 'network-policy',
      'app.kubernetes.io/instance': 'shop-prod',
      'app.kubernetes.io/managed-by': 'berth',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '0.1.0',
    });
    // Empty selector and rule list rendered absent: the API server stores them so, and an applied [] or {} would
    // change the object on every apply.
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
  });

  const policy = (props: NetworkPolicyProps) => () => synth((app) => new NetworkPolicy(app, 'p', props));
  it.each<[string, NetworkPolicyProps, string]>([
    ['neither ingress nor egress', { selector: {} }, "shop/p: sets neither 'ingress' nor 'egress': a policy without either restricts nothing; set 'ingress: []' to refuse all ingress"],
    ['a range that is no CIDR', { selector: {}, ingress: [{ peers: [NetworkPeer.cidr('10.0.0.300')] }] }, "shop/p: 'ingress[0].peers[0].cidr' ('10.0.0.300') must be an IP range in CIDR notation, e.g. '10.0.0.0/8' or 'fd00::/8'"],
    ['a bad excepted range', { selector: {}, egress: [{ peers: [NetworkPeer.cidr('10.0.0.0/8', { except: ['x'] })] }] }, "shop/p: 'egress[0].peers[0].except[0]' ('x') must be an IP range in CIDR notation"],
    ['an empty peer list', { selector: {}, ingress: [{ peers: [] }] }, "shop/p: 'ingress[0].peers' ([]) is empty, which Kubernetes reads as 'everyone': leave 'peers' out to allow everyone, or name the peers"],
    ['a peer that is no NetworkPeer', { selector: {}, ingress: [{ peers: [{ cidr: '10.0.0.0/8' } as unknown as NetworkPeer] }] }, `shop/p: 'ingress[0].peers[0]' ({"cidr":"10.0.0.0/8"}) must be a NetworkPeer, e.g. NetworkPeer.service(api) or NetworkPeer.cidr('10.0.0.0/8')`],
    ['a bad namespace', { selector: {}, ingress: [{ peers: [NetworkPeer.namespace('Monitoring')] }] }, "shop/p: 'ingress[0].peers[0].namespace' ('Monitoring') is not a DNS-1123 label: use lower-case letters, digits and '-', start and end with a letter or digit, or '*' for every namespace"],
    ['a port range without a numeric port', { selector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, "shop/p: 'ingress[0].ports[0].endPort' (90) needs a numeric 'port' to start the range"],
    ['a port range that ends below its start', { selector: {}, ingress: [{ ports: [{ port: 100, endPort: 90 }] }] }, "shop/p: 'ingress[0].ports[0].endPort' (90) is below 'port' (100): the range is port..endPort"],
    ['a port out of range', { selector: {}, ingress: [{ ports: [{ port: 0 }] }] }, "shop/p: 'ingress[0].ports[0].port' (0) must be a port number between 1 and 65535"],
    ['a bad port name', { selector: {}, ingress: [{ ports: [{ port: 'HTTP' }] }] }, "shop/p: 'ingress[0].ports[0].port' ('HTTP') must be a port number or the name of a container port (at most 15 lower-case letters, digits and '-'), e.g. 'http'"],
    ['a bad protocol', { selector: {}, ingress: [{ ports: [{ port: 80, protocol: 'tcp' as 'TCP' }] }] }, "shop/p: 'ingress[0].ports[0].protocol' ('tcp') must be 'TCP', 'UDP' or 'SCTP'"],
    ['a rule key of another tool', { selector: {}, ingress: [{ from: [] } as unknown as NetworkPolicyProps['ingress'] & object] } as unknown as NetworkPolicyProps, "shop/p: 'ingress[0]' unknown property 'from' — known: peers, ports"],
  ])('refuses %s, naming the prop', (_, props, message) => {
    expect(policy(props)).toThrow(message);
  });
});
