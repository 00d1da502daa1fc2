import { DeploymentStrategy, Probe, StatelessApp, type StatelessAppProps } from '../../../lib/index.js';
import { find, synth } from './util.js';

const web = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'web', { image: 'web:2.0', ports: [{ port: 8080, servicePort: 80 }], ...props }));

describe('StatelessApp', () => {
  test('renders a Deployment and a ClusterIP Service', () => {
    const objects = web();
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service']);
    const d = find(objects, 'Deployment');
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(find(objects, 'Service').spec.type).toBe('ClusterIP');
  });

  test('renders replicas, rolling update settings and Recreate', () => {
    const d = find(web({ replicas: 4, strategy: DeploymentStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }) }), 'Deployment');
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(find(web({ strategy: DeploymentStrategy.recreate() }), 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('renders NodePort and LoadBalancer Services with node ports', () => {
    const svc = find(web({ serviceType: 'NodePort', ports: [{ port: 8080, nodePort: 30080 }] }), 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(30080);
    expect(find(web({ serviceType: 'LoadBalancer' }), 'Service').spec.type).toBe('LoadBalancer');
  });

  test('creates no Service for a workload without ports', () => {
    expect(web({ ports: [] }).map((o) => o.kind)).toEqual(['Deployment']);
  });

  test('renders an Ingress with host, paths and TLS routed to the first port by name', () => {
    const ing = find(
      web({ ingress: { host: 'shop.example.com', paths: ['/', '/api'], tlsSecret: 'shop-tls', className: 'nginx', annotations: { 'a/b': 'c' } } }),
      'Ingress',
    );
    expect(ing.apiVersion).toBe('networking.k8s.io/v1');
    expect(ing.metadata.name).toBe('shop-prod-web');
    expect(ing.metadata.annotations).toEqual({ 'a/b': 'c', 'berth.dev/release': 'prod/shop-prod' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: ['/', '/api'].map((path) => ({
              path,
              pathType: 'Prefix',
              backend: { service: { name: 'shop-prod-web', port: { name: 'http' } } },
            })),
          },
        },
      ],
    });
  });

  test('renders an autoscaler and leaves replicas to it', () => {
    const objects = web({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 85 } });
    expect(find(objects, 'Deployment').spec).not.toHaveProperty('replicas');
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-prod-web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 85 } } },
      ],
    });
  });

  test('targets 80% CPU when the autoscaler has no target', () => {
    const hpa = find(web({ autoscaling: { maxReplicas: 3 } }), 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
  });

  test('renders a PodDisruptionBudget with minAvailable or maxUnavailable', () => {
    const pdb = find(web({ disruptionBudget: { minAvailable: '50%' } }), 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({
      minAvailable: '50%',
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'web' } },
    });
    expect(find(web({ disruptionBudget: { maxUnavailable: 1 } }), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(find(web({ disruptionBudget: {} }), 'PodDisruptionBudget').spec.minAvailable).toBe(1);
  });

  test('rejects bad replicas, strategies, autoscaling and budgets naming the prop', () => {
    expect(() => web({ replicas: -1 })).toThrow("shop/web: 'replicas' (-1) must be an integer >= 0");
    expect(() => web({ replicas: 1.5 })).toThrow("shop/web: 'replicas' (1.5) must be an integer >= 0");
    expect(() => web({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: '150%' }) })).toThrow(
      "shop/web: 'strategy.maxSurge' ('150%') must be an integer >= 0 or a percentage from '0%' to '100%'",
    );
    expect(() => web({ strategy: DeploymentStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }) })).toThrow(
      "shop/web: 'strategy.maxUnavailable' (0) cannot be 0 when 'strategy.maxSurge' is 0 too: the rollout could never proceed",
    );
    expect(() => web({ autoscaling: { minReplicas: 5, maxReplicas: 2 } })).toThrow(
      "shop/web: 'autoscaling.maxReplicas' (2) must be >= 'autoscaling.minReplicas' (5)",
    );
    expect(() => web({ autoscaling: { minReplicas: 0, maxReplicas: 2 } })).toThrow("shop/web: 'autoscaling.minReplicas' (0) must be an integer >= 1");
    expect(() => web({ disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } })).toThrow(
      "shop/web: 'disruptionBudget.maxUnavailable' (1) conflicts with 'disruptionBudget.minAvailable': set only one",
    );
    expect(() => web({ ports: [], serviceType: 'NodePort' })).toThrow(
      "shop/web: 'serviceType' ('NodePort') needs 'ports': a Service is only created for a workload with ports",
    );
    expect(() => web({ ports: [{ port: 80, nodePort: 80 }] })).toThrow("shop/web: 'ports[0].nodePort' (80) must be an integer between 30000 and 32767");
  });

  test('rejects a bad Ingress', () => {
    expect(() => web({ ingress: { host: 'shop_example.com' } })).toThrow(
      "shop/web: 'ingress.host' ('shop_example.com') is not a DNS-1123 subdomain",
    );
    expect(() => web({ ingress: { host: 'shop.example.com', paths: ['api'] } })).toThrow("shop/web: 'ingress.paths[0]' ('api') must start with '/'");
    expect(() => web({ ingress: { host: 'shop.example.com', paths: [] } })).toThrow(
      "shop/web: 'ingress.paths' ([]) must list at least one path, e.g. ['/']",
    );
    expect(() => web({ ports: [], ingress: { host: 'shop.example.com' } })).toThrow(
      "shop/web: 'ingress.host' ('shop.example.com') needs 'ports': the Ingress routes to the first port",
    );
  });

  test('matches the snapshot', () => {
    expect(
      web({
        replicas: 2,
        config: { MODE: 'prod' },
        readiness: Probe.http('/healthz'),
        ingress: { host: 'shop.example.com', tlsSecret: 'shop-tls' },
        autoscaling: { minReplicas: 2, maxReplicas: 5 },
        disruptionBudget: { minAvailable: 1 },
      }),
    ).toMatchSnapshot();
  });
});
