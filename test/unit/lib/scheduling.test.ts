import { BatchJob, DaemonApp, StatefulApp, StatelessApp, type StatelessAppProps } from '../../../lib/index.js';
import { find, synth, type KubeObj } from './util.js';

const podSpec = (objects: KubeObj[]) => find(objects, 'Deployment').spec.template.spec;
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));
const SELECTOR = { matchLabels: { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'api' } };

describe('spread', () => {
  test("'nodes' and 'zones' spread the service's own pods, maxSkew 1, ScheduleAnyway", () => {
    expect(podSpec(api({ spread: 'nodes' })).topologySpreadConstraints).toEqual([
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: SELECTOR },
    ]);
    expect(podSpec(api({ spread: ['zones', 'nodes'] })).topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
  });

  test('takes options and raw constraints after them', () => {
    const raw = { topologyKey: 'example.com/rack', maxSkew: 2, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: SELECTOR };
    const spec = podSpec(api({ spread: { across: 'zones', whenUnsatisfiable: 'DoNotSchedule', minDomains: 3 }, topologySpreadConstraints: [raw] }));
    expect(spec.topologySpreadConstraints).toEqual([
      { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', minDomains: 3, labelSelector: SELECTOR },
      raw,
    ]);
  });

  test('uses the selector of a StatefulApp and a BatchJob as well', () => {
    const objects = synth((app) => {
      new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }], spread: 'zones' });
      new BatchJob(app, 'report', { image: 'report:1', spread: 'nodes' });
    });
    expect(find(objects, 'StatefulSet').spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('db');
    expect(find(objects, 'Job').spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('report');
  });

  test('refuses bad values, naming the prop', () => {
    expect(() => api({ spread: 'racks' as never })).toThrow(
      "shop/api: 'spread' ('racks') must be 'nodes', 'zones' or { across: '<node label key>' }, e.g. { across: 'topology.kubernetes.io/region' }",
    );
    expect(() => api({ spread: { across: 'Bad Key' } })).toThrow("shop/api: 'spread.across' ('Bad Key') must be 'nodes', 'zones' or a node label key");
    expect(() => api({ spread: { across: 'nodes', maxSkew: 0 } })).toThrow("shop/api: 'spread.maxSkew' (0) must be an integer >= 1");
    expect(() => api({ spread: [{ across: 'nodes', whenUnsatisfiable: 'Never' as never }] })).toThrow(
      "shop/api: 'spread[0].whenUnsatisfiable' ('Never') must be 'ScheduleAnyway' or 'DoNotSchedule'",
    );
    expect(() => api({ spread: { across: 'zones', minDomains: 2 } })).toThrow(
      "shop/api: 'spread.minDomains' (2) only applies with whenUnsatisfiable: 'DoNotSchedule': set it, or remove minDomains",
    );
  });

  test('refuses the same topology twice with the same whenUnsatisfiable', () => {
    expect(() => api({ spread: ['nodes', 'nodes'] })).toThrow(
      "shop/api: 'spread[1].across' ('kubernetes.io/hostname') spreads over the same topology with the same whenUnsatisfiable as 'spread[0].across', which the API server refuses: keep one",
    );
    const raw = { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' };
    expect(() => api({ spread: 'zones', topologySpreadConstraints: [raw] })).toThrow("'topologySpreadConstraints[0].topologyKey' ('topology.kubernetes.io/zone') spreads over the same topology");
    expect(podSpec(api({ spread: ['nodes', { across: 'nodes', whenUnsatisfiable: 'DoNotSchedule', maxSkew: 2 }] })).topologySpreadConstraints).toHaveLength(2);
  });

  test('is refused on a DaemonApp', () => {
    expect(() => synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', spread: 'nodes' }))).toThrow(
      "shop/agent: 'spread' ('nodes') does not apply to a DaemonApp: it runs one pod on every matching node; remove it",
    );
    expect(() => synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', antiAffinity: 'required' }))).toThrow("'antiAffinity' ('required') does not apply to a DaemonApp");
  });
});

describe('antiAffinity', () => {
  test("'preferred' is a weighted preference on nodes, 'required' a rule", () => {
    expect(podSpec(api({ antiAffinity: 'preferred' })).affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: SELECTOR, topologyKey: 'kubernetes.io/hostname' } }],
      },
    });
    expect(podSpec(api({ antiAffinity: { mode: 'required', across: 'zones' } })).affinity).toEqual({
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: SELECTOR, topologyKey: 'topology.kubernetes.io/zone' }] },
    });
  });

  test('merges with affinity, refusing the list affinity sets already', () => {
    const nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] }] } };
    const other = [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }];
    const affinity = podSpec(api({ antiAffinity: 'preferred', affinity: { nodeAffinity, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: other } } })).affinity;
    expect(affinity.nodeAffinity).toEqual(nodeAffinity);
    expect(affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual(other);
    expect(affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(() => api({ antiAffinity: 'required', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: other } } })).toThrow(
      "shop/api: 'antiAffinity' ('required') sets 'affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution', which 'affinity' sets already: write the term there, or drop it from 'affinity'",
    );
  });

  test('refuses unknown modes', () => {
    expect(() => api({ antiAffinity: 'always' as never })).toThrow("shop/api: 'antiAffinity' ('always') must be 'preferred' or 'required'");
    expect(() => api({ antiAffinity: { mode: 'soft' as never } })).toThrow("'antiAffinity.mode' ('soft') must be 'preferred' or 'required'");
  });
});

describe('priorityClassName, DNS and host aliases', () => {
  test('render into the pod spec', () => {
    const spec = podSpec(
      api({
        priorityClassName: 'business-critical',
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['10.96.0.10'], searches: ['prod.svc.cluster.local'], options: { ndots: '2', 'single-request-reopen': '' } },
        hostAliases: [{ ip: '10.0.0.5', hostnames: ['db.legacy.internal', 'db'] }],
      }),
    );
    expect(spec.priorityClassName).toBe('business-critical');
    expect(spec.dnsPolicy).toBe('None');
    expect(spec.dnsConfig).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['prod.svc.cluster.local'],
      options: [{ name: 'ndots', value: '2' }, { name: 'single-request-reopen' }],
    });
    expect(spec.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['db.legacy.internal', 'db'] }]);
  });

  test('dnsPolicy overrides the host-network default of a DaemonApp', () => {
    const spec = (dnsPolicy?: 'Default') =>
      find(synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', hostNetwork: true, dnsPolicy })), 'DaemonSet').spec.template.spec;
    expect(spec().dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec('Default').dnsPolicy).toBe('Default');
  });

  test('refuse bad values, naming the prop and the fix', () => {
    expect(() => api({ priorityClassName: 'High' })).toThrow("shop/api: 'priorityClassName' ('High') is not a DNS-1123 subdomain");
    expect(() => api({ dnsPolicy: 'ClusterFirstWithHostNetwork' as never })).toThrow(
      "shop/api: 'dnsPolicy' ('ClusterFirstWithHostNetwork') must be one of 'ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'",
    );
    expect(() => api({ dnsPolicy: 'None' })).toThrow(
      "shop/api: 'dnsPolicy' ('None') gives the pods no resolver of their own: list at least one server in 'dnsConfig.nameservers'",
    );
    expect(() => api({ dnsConfig: { nameservers: ['dns.example.com'] } })).toThrow("shop/api: 'dnsConfig.nameservers[0]' ('dns.example.com') must be an IP address, e.g. '10.96.0.10'");
    expect(() => api({ dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '1.0.0.1'] } })).toThrow("'dnsConfig.nameservers' ([\"1.1.1.1\",\"8.8.8.8\",\"9.9.9.9\",\"1.0.0.1\"]) lists more than 3 servers");
    expect(() => api({ dnsConfig: { searches: ['Bad_Domain'] } })).toThrow("'dnsConfig.searches[0]' ('Bad_Domain') is not a DNS-1123 subdomain");
    expect(() => api({ hostAliases: [{ ip: '10.0.0.300', hostnames: ['db'] }] })).toThrow("shop/api: 'hostAliases[0].ip' ('10.0.0.300') must be an IPv4 or IPv6 address, e.g. '10.0.0.5'");
    expect(() => api({ hostAliases: [{ ip: '::1', hostnames: [] }] })).toThrow("'hostAliases[0].hostnames' ([]) must list at least one host name");
    expect(() => api({ hostAliases: [{ ip: '::1', hostnames: ['ok', 'Not OK'] }] })).toThrow("'hostAliases[0].hostnames[1]' ('Not OK') is not a DNS-1123 subdomain");
  });
});
