import { DaemonApp, type DaemonAppProps } from '../../../lib/index.js';
import { find, synth } from './util.js';

const agent = (props: Partial<DaemonAppProps> = {}) =>
  synth((app) => new DaemonApp(app, 'node-agent', { image: 'prom/node-exporter:v1.8.2', ports: [{ port: 9100, name: 'metrics' }], ...props }));

describe('DaemonApp', () => {
  test('renders only a DaemonSet with a rolling update of one node at a time', () => {
    const objects = agent();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['DaemonSet/shop-prod-node-agent']);
    const ds = find(objects, 'DaemonSet');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(ds.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'node-agent' });
    expect(ds.metadata.labels['app.kubernetes.io/component']).toBe('daemon');
  });

  test('uses neither host network nor host paths unless asked', () => {
    const spec = find(agent(), 'DaemonSet').spec.template.spec;
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.volumes).toBeUndefined();
  });

  test('renders host network and read-only host paths behind explicit props', () => {
    const spec = find(
      agent({
        hostNetwork: true,
        hostPaths: [
          { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
          { name: 'logs', hostPath: '/var/log', mountPath: '/logs', readOnly: false, type: 'Directory' },
        ],
        maxUnavailable: '20%',
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ operator: 'Exists' }],
      }),
      'DaemonSet',
    ).spec;
    expect(spec.updateStrategy.rollingUpdate.maxUnavailable).toBe('20%');
    expect(spec.template.spec.hostNetwork).toBe(true);
    expect(spec.template.spec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(spec.template.spec.volumes).toEqual([
      { name: 'proc', hostPath: { path: '/proc' } },
      { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
    ]);
    expect(spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'proc', mountPath: '/host/proc', readOnly: true },
      { name: 'logs', mountPath: '/logs', readOnly: false },
    ]);
    expect(spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('rejects bad host paths and maxUnavailable naming the prop', () => {
    expect(() => agent({ hostPaths: [{ name: 'proc', hostPath: 'proc', mountPath: '/host/proc' }] })).toThrow(
      "shop/node-agent: 'hostPaths[0].hostPath' ('proc') must be an absolute path, e.g. '/proc'",
    );
    expect(() => agent({ hostPaths: [{ name: 'proc', hostPath: '/proc', mountPath: 'host/proc' }] })).toThrow(
      "shop/node-agent: 'hostPaths[0].mountPath' ('host/proc') must be an absolute path, e.g. '/host/proc'",
    );
    expect(() => agent({ hostPaths: [{ name: 'p_roc', hostPath: '/proc', mountPath: '/host/proc' }] })).toThrow(
      "shop/node-agent: 'hostPaths[0].name' ('p_roc') is not a DNS-1123 label",
    );
    expect(() => agent({ maxUnavailable: 0 })).toThrow(
      "shop/node-agent: 'maxUnavailable' (0) must be more than 0, or the update could never proceed",
    );
    expect(() => agent({ maxUnavailable: 'half' })).toThrow(
      "shop/node-agent: 'maxUnavailable' ('half') must be an integer >= 0 or a percentage from '0%' to '100%'",
    );
  });

  test('matches the snapshot', () => {
    expect(agent({ hostPaths: [{ name: 'proc', hostPath: '/proc', mountPath: '/host/proc' }] })).toMatchSnapshot();
  });
});
