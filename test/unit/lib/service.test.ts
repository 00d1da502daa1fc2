import { BatchJob, DaemonApp, StatefulApp, StatelessApp, type StatefulAppProps, type StatelessAppProps } from '../../../lib/index.js';
import { find, makeApp, synth, validationErrors } from './util.js';

const SELECTOR = { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'frontend' };

/** The frontend of a public microservices demo: HTTP on 8080 behind port 80, and a metrics port. */
const frontend = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'frontend', {
    image: 'frontend:0.10.2',
    ports: [{ port: 8080, servicePort: 80 }, { port: 9090, name: 'metrics' }],
    ...props,
  }));

const build = (props: Partial<StatelessAppProps> = {}) => () => frontend(props);

const db = (props: Partial<StatefulAppProps> = {}) =>
  synth((app) => new StatefulApp(app, 'db', { image: 'mongo:7.0.14', ports: [{ port: 27017, name: 'mongo' }], ...props }));

describe('Services of a workload', () => {
  test('renders a ClusterIP Service and a LoadBalancer beside it, each with its own ports, metadata and traffic settings', () => {
    const objects = frontend({
      service: { name: 'frontend', ports: ['http'] },
      extraServices: {
        external: {
          name: 'frontend-external',
          type: 'LoadBalancer',
          ports: [{ name: 'http', servicePort: 443, nodePort: 30443 }],
          annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
          labels: { exposure: 'public' },
          externalTrafficPolicy: 'Local',
          loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
          loadBalancerClass: 'service.k8s.aws/nlb',
        },
      },
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/shop-prod-frontend', 'Service/frontend', 'Service/frontend-external']);
    const main = find(objects, 'Service', 'frontend');
    expect(main.spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    const external = find(objects, 'Service', 'frontend-external');
    expect(external.spec).toEqual({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerClass: 'service.k8s.aws/nlb',
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
      selector: SELECTOR,
      ports: [{ name: 'http', port: 443, targetPort: 'http', protocol: 'TCP', nodePort: 30443 }],
    });
    expect(external.metadata.annotations).toEqual({
      'berth.dev/release': 'prod/shop-prod',
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
    });
    expect(external.metadata.labels).toMatchObject({ exposure: 'public', 'app.kubernetes.io/name': 'frontend' });
    expect(main.metadata.labels).not.toHaveProperty('exposure');
    expect(main.metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod' });
  });

  test('names another Service <release>-<service>-<suffix>, also when added with addService()', () => {
    const objects = synth((app) => {
      const web = new StatelessApp(app, 'frontend', { image: 'frontend:1', ports: [{ port: 8080 }], extraServices: { internal: {} } });
      const admin = web.addService('admin', { type: 'NodePort', ports: [{ name: 'http', nodePort: 30080 }] });
      expect(admin.name).toBe('shop-prod-frontend-admin');
      expect(Object.keys(web.extraServices)).toEqual(['internal', 'admin']);
    });
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual([
      'shop-prod-frontend',
      'shop-prod-frontend-internal',
      'shop-prod-frontend-admin',
    ]);
    expect(find(objects, 'Service', 'shop-prod-frontend-admin').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', nodePort: 30080 },
    ]);
  });

  test('exposes only the ports named, in that order, including a sidecar port the main Service leaves out', () => {
    const objects = frontend({
      service: { ports: ['metrics', 'http'] },
      sidecars: [{ name: 'exporter', image: 'exporter:1.0', ports: [{ port: 9100, name: 'node-metrics' }] }],
      extraServices: { monitoring: { ports: ['node-metrics', { name: 'metrics', servicePort: 80 }] } },
    });
    expect(find(objects, 'Service', 'shop-prod-frontend').spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['metrics:9090', 'http:80']);
    expect(find(objects, 'Service', 'shop-prod-frontend-monitoring').spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual([
      'node-metrics:9100',
      'metrics:80',
    ]);
  });

  test('renders headless, session affinity, publishNotReadyAddresses and ipFamilyPolicy', () => {
    const headless = find(frontend({ service: { headless: true, publishNotReadyAddresses: true, ipFamilyPolicy: 'PreferDualStack' } }), 'Service');
    expect(headless.spec).toMatchObject({ type: 'ClusterIP', clusterIP: 'None', publishNotReadyAddresses: true, ipFamilyPolicy: 'PreferDualStack' });
    const sticky = find(frontend({ service: { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 } }), 'Service');
    expect(sticky.spec).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } });
    expect(sticky.spec).not.toHaveProperty('clusterIP');
  });

  test('keeps serviceType working as the older spelling of service.type', () => {
    expect(find(frontend({ serviceType: 'LoadBalancer' }), 'Service').spec.type).toBe('LoadBalancer');
    expect(find(frontend({ service: { type: 'NodePort' } }), 'Service').spec.type).toBe('NodePort');
  });

  test('points host, fqdn, port, url, addr, portOf and addrOf at the main Service, following its exact name and ports', () => {
    synth((app) => {
      const cartsDb = new StatelessApp(app, 'carts-db', { image: 'mongo:7.0.14', ports: [{ port: 27017, name: 'mongo' }], service: { name: 'carts-db' } });
      const web = new StatelessApp(app, 'frontend', {
        image: 'frontend:1',
        ports: [{ port: 8080, servicePort: 80 }, { port: 9090, name: 'metrics' }],
        service: { ports: ['metrics', { name: 'http', servicePort: 8000 }] },
      });
      expect([cartsDb.host, cartsDb.fqdn, cartsDb.port, cartsDb.addr, cartsDb.url]).toEqual([
        'carts-db',
        'carts-db.prod.svc.cluster.local',
        27017,
        'carts-db:27017',
        'http://carts-db:27017',
      ]);
      expect([web.host, web.port, web.addr, web.portOf('http'), web.addrOf('http')]).toEqual([
        'shop-prod-frontend',
        9090,
        'shop-prod-frontend:9090',
        8000,
        'shop-prod-frontend:8000',
      ]);
      expect(() => web.portOf('grpc')).toThrow("shop/frontend: portOf('grpc'): the Service shop-prod-frontend has no port named 'grpc' (its ports: 'metrics', 'http')");
      const peers = new StatelessApp(app, 'peers', { image: 'peers:1', ports: [{ port: 7946 }], service: { headless: true, ports: [] } });
      expect(peers.host).toBe('shop-prod-peers');
      expect(() => peers.addr).toThrow("shop/peers: 'port': the Service shop-prod-peers lists no ports ('service.ports' is []): name one there");
      expect(() => new BatchJob(app, 'job', { image: 'job:1' }).addr).toThrow(
        "shop/job: 'host' is only available on services with a Service: a batch workload has none",
      );
    });
  });

  test('makes dependsOn waits and the Ingress use the exact name', () => {
    const objects = synth((app) => {
      const cartsDb = new StatelessApp(app, 'carts-db', { image: 'mongo:7.0.14', ports: [{ port: 27017 }], service: { name: 'carts-db' } });
      new StatelessApp(app, 'carts', {
        image: 'carts:1',
        ports: [{ port: 8080 }],
        service: { name: 'carts' },
        ingress: { host: 'carts.example.com' },
      }).dependsOn(cartsDb, { waitForPort: true });
    });
    const wait = find(objects, 'Deployment', 'shop-prod-carts').spec.template.spec.initContainers[0];
    expect(wait.command[2]).toContain('nc -z -w 2 carts-db 27017');
    expect(find(objects, 'Ingress').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'carts', port: { name: 'http' } } });
  });

  test('finds references to an exact name in the dependency graph', () => {
    const app = makeApp();
    const cartsDb = new StatelessApp(app, 'carts-db', { image: 'mongo:7.0.14', ports: [{ port: 27017 }], service: { name: 'carts-db' } });
    new StatelessApp(app, 'carts', { image: 'carts:1', env: { DB: cartsDb.addr } });
    const carts = app.describe().services.find((s) => s.name === 'carts')!;
    expect(carts.edges).toEqual([{ to: 'carts-db', kinds: ['env'], via: ['env DB'] }]);
  });

  test('puts podLabels / podAnnotations on the pod template, workloadLabels / workloadAnnotations on the workload only', () => {
    const objects = frontend({
      labels: { team: 'web' },
      annotations: { owner: 'web-team' },
      podLabels: { 'sidecar.istio.io/inject': 'false' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      workloadLabels: { tier: 'edge' },
      workloadAnnotations: { 'reloader.stakater.com/auto': 'true' },
      service: { annotations: { 'prometheus.io/probe': 'true' } },
      config: { MODE: 'prod' },
    });
    const d = find(objects, 'Deployment');
    const svc = find(objects, 'Service');
    const pod = d.spec.template.metadata;
    expect(pod.labels).toMatchObject({ team: 'web', 'sidecar.istio.io/inject': 'false' });
    expect(pod.labels).not.toHaveProperty('tier');
    expect(Object.keys(pod.annotations).sort()).toEqual(['berth.dev/config-hash', 'berth.dev/release', 'owner', 'prometheus.io/port', 'prometheus.io/scrape']);
    expect(d.metadata.labels).toMatchObject({ team: 'web', tier: 'edge' });
    expect(d.metadata.labels).not.toHaveProperty('sidecar.istio.io/inject');
    expect(Object.keys(d.metadata.annotations).sort()).toEqual(['berth.dev/release', 'owner', 'reloader.stakater.com/auto']);
    expect(Object.keys(svc.metadata.annotations).sort()).toEqual(['berth.dev/release', 'owner', 'prometheus.io/probe']);
    expect(svc.metadata.labels).not.toHaveProperty('tier');
    expect(find(objects, 'ConfigMap').metadata.annotations).toEqual({ owner: 'web-team', 'berth.dev/release': 'prod/shop-prod' });
    // Selectors stay instance + name.
    expect(d.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(svc.spec.selector).toEqual(SELECTOR);
  });

  test('gives the workload object an exact name with workloadName, for every kind', () => {
    const objects = synth((app) => {
      new StatelessApp(app, 'web', { image: 'web:1', workloadName: 'web', autoscaling: { maxReplicas: 3 } });
      new DaemonApp(app, 'agent', { image: 'agent:1', workloadName: 'node-agent' });
      new BatchJob(app, 'backup', { image: 'backup:1', workloadName: 'nightly-backup', schedule: '0 2 * * *' });
      new BatchJob(app, 'migrate', { image: 'migrate:1', workloadName: 'migrate' });
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/web',
      'HorizontalPodAutoscaler/shop-prod-web',
      'DaemonSet/node-agent',
      'CronJob/nightly-backup',
      'Job/migrate',
    ]);
    expect(find(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe('web');
  });

  test('configures the client, headless and extra Services of a StatefulApp, and names its StatefulSet', () => {
    const objects = synth((app) => {
      const d = new StatefulApp(app, 'db', {
        image: 'mongo:7.0.14',
        replicas: 2,
        ports: [{ port: 27017, name: 'mongo' }, { port: 9216, name: 'metrics' }],
        workloadName: 'carts-db',
        service: { name: 'carts-db', ports: ['mongo'] },
        headlessService: { name: 'carts-db-peers', ports: ['mongo'], annotations: { 'example.com/peers': 'yes' } },
        extraServices: { metrics: { ports: ['metrics'], annotations: { 'prometheus.io/scrape': 'true' } } },
      });
      expect(d.podDnsNames).toEqual(['carts-db-0.carts-db-peers', 'carts-db-1.carts-db-peers']);
      expect(d.addr).toBe('carts-db:27017');
      expect(d.addService('admin', { ports: ['mongo'] }).name).toBe('shop-prod-db-admin');
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/carts-db-peers',
      'Service/carts-db',
      'Service/shop-prod-db-metrics',
      'StatefulSet/carts-db',
      'Service/shop-prod-db-admin',
    ]);
    const peers = find(objects, 'Service', 'carts-db-peers');
    expect(peers.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'mongo', port: 27017, targetPort: 'mongo', protocol: 'TCP' }] });
    expect(peers.metadata.annotations['example.com/peers']).toBe('yes');
    expect(find(objects, 'StatefulSet').spec.serviceName).toBe('carts-db-peers');
    expect(find(objects, 'Service', 'carts-db').spec.ports).toHaveLength(1);
    expect(find(db({ headlessService: { publishNotReadyAddresses: false } }), 'Service', 'shop-prod-db-headless').spec.publishNotReadyAddresses).toBe(false);
  });

  test('matches the snapshot', () => {
    expect(
      frontend({
        service: { name: 'frontend', ports: ['http'], sessionAffinity: 'ClientIP' },
        extraServices: { external: { name: 'frontend-external', type: 'LoadBalancer', ports: ['http'], externalTrafficPolicy: 'Local' } },
        podAnnotations: { 'prometheus.io/scrape': 'true' },
      }),
    ).toMatchSnapshot();
  });
});

describe('Service options refused', () => {
  test.each<[string, Partial<StatelessAppProps>, string]>([
    ['a node port on a ClusterIP Service', { ports: [{ port: 8080, nodePort: 30080 }] },
      "'ports[0].nodePort' (30080) needs a Service of type 'NodePort' or 'LoadBalancer', and shop-prod-frontend is of type 'ClusterIP': set 'service.type' or remove 'nodePort'"],
    ['a node port on a headless Service', { ports: [{ port: 8080, nodePort: 30080 }], service: { headless: true } },
      "'ports[0].nodePort' (30080) needs a Service of type 'NodePort' or 'LoadBalancer', and shop-prod-frontend is headless: set 'service.type' or remove 'nodePort'"],
    ['a selected node port on an extra ClusterIP Service', { extraServices: { admin: { ports: [{ name: 'http', nodePort: 30081 }] } } },
      "'extraServices.admin.ports[0].nodePort' (30081) needs a Service of type 'NodePort' or 'LoadBalancer', and shop-prod-frontend-admin is of type 'ClusterIP': set 'extraServices.admin.type' or remove 'nodePort'"],
    ['headless with a type that has node ports', { service: { headless: true, type: 'NodePort' } },
      "'service.type' ('NodePort') conflicts with 'service.headless': a headless Service has no cluster IP, so no node ports or load balancer; remove one"],
    ['an unknown type', { service: { type: 'External' as never } }, "'service.type' ('External') must be 'ClusterIP', 'NodePort' or 'LoadBalancer'"],
    ['externalTrafficPolicy on a ClusterIP Service', { service: { externalTrafficPolicy: 'Local' } },
      "'service.externalTrafficPolicy' ('Local') only applies to traffic from outside the cluster, a Service of type 'NodePort' or 'LoadBalancer' (this one is 'ClusterIP'): set 'service.type' or remove it"],
    ['an unknown externalTrafficPolicy', { service: { type: 'NodePort', externalTrafficPolicy: 'Nearest' as never } }, "'service.externalTrafficPolicy' ('Nearest') must be 'Cluster' or 'Local'"],
    ['loadBalancerSourceRanges on a NodePort Service', { service: { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] } },
      "'service.loadBalancerSourceRanges' ([\"10.0.0.0/8\"]) only applies to a Service of type 'LoadBalancer' (this one is 'NodePort'): set 'service.type: 'LoadBalancer'' or remove it"],
    ['loadBalancerClass on a ClusterIP Service', { service: { loadBalancerClass: 'example.com/lb' } },
      "'service.loadBalancerClass' ('example.com/lb') only applies to a Service of type 'LoadBalancer' (this one is 'ClusterIP'): set 'service.type: 'LoadBalancer'' or remove it"],
    ['a source range that is not a CIDR', { service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0.300/8'] } },
      "'service.loadBalancerSourceRanges[1]' ('10.0.0.300/8') is not a CIDR: use an address and a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32'"],
    ['an IPv4 prefix over 32', { service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] } }, "'service.loadBalancerSourceRanges[0]' ('10.0.0.0/33') is not a CIDR"],
    ['a loadBalancerClass that is not a qualified name', { service: { type: 'LoadBalancer', loadBalancerClass: 'my lb' } },
      "'service.loadBalancerClass' ('my lb') is not a qualified name: at most 63 letters, digits, '-', '_' or '.' (after an optional 'prefix/'), starting and ending with a letter or digit, e.g. 'service.k8s.aws/nlb'"],
    ['an unknown sessionAffinity', { service: { sessionAffinity: 'Cookie' as never } }, "'service.sessionAffinity' ('Cookie') must be 'None' or 'ClientIP'"],
    ['ClientIP affinity on a headless Service', { service: { headless: true, sessionAffinity: 'ClientIP' } },
      "'service.sessionAffinity' ('ClientIP') has no effect on a headless Service (clients connect to the pods directly): remove it"],
    ['an affinity timeout without ClientIP', { service: { sessionAffinityTimeoutSeconds: 60 } }, "'service.sessionAffinityTimeoutSeconds' (60) only applies with 'service.sessionAffinity: 'ClientIP''"],
    ['an affinity timeout over a day', { service: { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 86401 } },
      "'service.sessionAffinityTimeoutSeconds' (86401) must be an integer between 1 and 86400"],
    ['an unknown ipFamilyPolicy', { service: { ipFamilyPolicy: 'DualStack' as never } }, "'service.ipFamilyPolicy' ('DualStack') must be 'SingleStack', 'PreferDualStack' or 'RequireDualStack'"],
    ['an exact name that is not a DNS-1035 label', { service: { name: 'Carts_DB' } },
      "'service.name' ('Carts_DB') is not a DNS-1035 label (contains 'C', '_', 'D', 'B'): use lower-case letters, digits and '-', start with a letter and end with a letter or digit: a Service name is a DNS-1035 label, e.g. 'carts-db'"],
    ['a port the pod does not have', { service: { ports: ['grpc'] } },
      "'service.ports[0]' ('grpc') is not a port of the pod (its ports: 'http', 'metrics'): name a port of 'ports' or of a sidecar in 'sidecars'"],
    ['an unknown port given as an object', { extraServices: { x: { ports: [{ name: 'grpc' }] } } }, "'extraServices.x.ports[0].name' ('grpc') is not a port of the pod"],
    ['a port listed twice', { service: { ports: ['http', 'http'] } }, "'service.ports[1]' ('http') is listed twice: name each port once"],
    ['two ports on one Service port', { service: { ports: ['http', { name: 'metrics', servicePort: 80 }] } },
      "'service.ports[1].servicePort' (80) is already the port of 'http' in this Service: set another 'servicePort'"],
    ['a bad Service port', { service: { ports: [{ name: 'http', servicePort: 70000 }] } }, "'service.ports[0].servicePort' (70000) must be a port number between 1 and 65535"],
    ['a node port out of range', { service: { type: 'NodePort', ports: [{ name: 'http', nodePort: 8080 }] } }, "'service.ports[0].nodePort' (8080) must be an integer between 30000 and 32767"],
    ['a Service with no ports', { service: { ports: [] } }, "'service.ports' ([]) must list at least one port: a Service without ports must be 'headless'"],
    ['serviceType and service.type together', { serviceType: 'NodePort', service: { type: 'LoadBalancer' } },
      "'serviceType' ('NodePort') conflicts with 'service.type': set only 'service.type' ('serviceType' is its older spelling)"],
    ['service options without ports', { ports: [], service: { type: 'LoadBalancer' } }, "'service' ({\"type\":\"LoadBalancer\"}) needs 'ports': a Service is only created for a workload with ports"],
    ['an extra Service without ports', { ports: [], extraServices: { external: {} } }, "'extraServices.external' ('external') needs a main Service, and this workload has none: give the workload 'ports'"],
    ['a suffix that is not a DNS label', { extraServices: { External: {} } }, "'extraServices.External' ('External') is not a DNS-1123 label"],
    ['a reserved label on a Service', { service: { labels: { 'app.kubernetes.io/name': 'x' } } }, "'service.labels.app.kubernetes.io/name' ('x') is set by Berth; remove it"],
    ['a reserved annotation on the pods', { podAnnotations: { 'berth.dev/config-hash': 'x' } }, "'podAnnotations.berth.dev/config-hash' ('x') is set by Berth: remove it"],
    ['a reserved annotation on every object', { annotations: { 'berth.dev/release': 'other/x' } }, "'annotations.berth.dev/release' ('other/x') is set by Berth: remove it"],
    ['a pod label that would change the selector', { podLabels: { 'app.kubernetes.io/instance': 'x' } }, "'podLabels.app.kubernetes.io/instance' ('x') is set by Berth; remove it"],
    ['a label value that is not one', { workloadLabels: { tier: 'edge tier' } },
      "'workloadLabels.tier' ('edge tier') is not a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)"],
    ['a label key that is not one', { podLabels: { 'team name': 'web' } },
      "'podLabels' ('team name') key is not a qualified name: at most 63 letters, digits, '-', '_' or '.' (after an optional 'prefix/'), starting and ending with a letter or digit"],
    ['an annotation key with a bad prefix', { workloadAnnotations: { 'Example.com/x': 'y' } }, "'workloadAnnotations' ('Example.com/x') key has a prefix that is not a DNS subdomain: use e.g. 'example.com/team'"],
    ['a workload name that is not a DNS label', { workloadName: 'Web' }, "'workloadName' ('Web') is not a DNS-1123 label"],
  ])('refuses %s', (_what, props, message) => {
    expect(build(props)).toThrow(`shop/frontend: ${message}`);
  });

  test('refuses a node port of a sidecar port exposed after construction through a ClusterIP Service', () => {
    const app = makeApp();
    const web = new StatelessApp(app, 'frontend', { image: 'frontend:1', ports: [{ port: 8080 }] });
    expect(() => web.addSidecar({ name: 'tls', image: 'envoy:1', ports: [{ port: 8443, name: 'https', expose: true, nodePort: 30443 }] })).toThrow(
      "shop/frontend: 'sidecars[0].ports[0].nodePort' (30443) needs a Service of type 'NodePort' or 'LoadBalancer', and shop-prod-frontend is of type 'ClusterIP': set 'service.type' or remove 'nodePort'",
    );
  });

  test('refuses a node port on the client Service of a StatefulApp, headless on it, and a StatefulSet name over 52 characters', () => {
    expect(() => db({ ports: [{ port: 27017, nodePort: 30017 }] })).toThrow(
      "shop/db: 'ports[0].nodePort' (30017) needs a Service of type 'NodePort' or 'LoadBalancer', and shop-prod-db is of type 'ClusterIP': set 'service.type' or remove 'nodePort'",
    );
    expect(find(db({ ports: [{ port: 27017, nodePort: 30017 }], service: { type: 'NodePort' } }), 'Service', 'shop-prod-db').spec.ports[0].nodePort).toBe(30017);
    expect(() => db({ service: { headless: true } })).toThrow(
      "shop/db: 'service.headless' (true) cannot be set: a StatefulApp always has a headless Service; configure it with 'headlessService'",
    );
    expect(() => db({ workloadName: 'd'.repeat(53) })).toThrow(
      `shop/db: 'workloadName' ('${'d'.repeat(53)}') is 53 characters long; the limit is 52 here, so the names the controller derives from it fit`,
    );
    expect(() => db({ headlessService: { name: 'db_peers' } })).toThrow("shop/db: 'headlessService.name' ('db_peers') is not a DNS-1035 label");
  });

  test('refuses a second Service with the same suffix', () => {
    const app = makeApp();
    const web = new StatelessApp(app, 'frontend', { image: 'frontend:1', ports: [{ port: 8080 }], extraServices: { external: {} } });
    expect(() => web.addService('external')).toThrow("shop/frontend: 'addService('external')' ('external') names a Service of this workload already: choose another suffix");
  });

  test('reports two objects of one kind with one name at synth, naming both services', () => {
    const app = makeApp();
    new StatelessApp(app, 'carts-db', { image: 'mongo:7.0.14', ports: [{ port: 27017 }], service: { name: 'carts-db' } });
    new StatelessApp(app, 'orders-db', { image: 'mongo:7.0.14', ports: [{ port: 27017 }], service: { name: 'carts-db' } });
    new StatelessApp(app, 'web', { image: 'web:1', ports: [{ port: 80 }], workloadName: 'shop-prod-api' });
    new StatelessApp(app, 'api', { image: 'api:1' });
    expect(validationErrors(app)).toEqual([
      "shop/orders-db/Service: Service 'carts-db' of service 'orders-db' (shop/orders-db) has the name of a Service of service 'carts-db' (shop/carts-db): objects of one kind need different names in a namespace; change 'service.name', 'workloadName', the 'extraServices' suffix or the service name",
      "shop/api/Deployment: Deployment 'shop-prod-api' of service 'api' (shop/api) has the name of a Deployment of service 'web' (shop/web): objects of one kind need different names in a namespace; change 'service.name', 'workloadName', the 'extraServices' suffix or the service name",
    ]);
  });
});
