import { cases, wrongValues } from './fixtures/unknown-keys.js';
import { Probe, StatelessApp } from '../../../../lib/index.js';
import { synth } from '../util.js';

/** The message of each case of the plain-JavaScript fixture: the construct, the prop path, the key, the fix. */
const expected: Record<string, string> = {
  'a top-level prop': "shop/web: unknown prop 'replicaz' — did you mean 'replicas'?",
  'a probe option': "shop/web: 'readiness' unknown property 'httpHeaders' — did you mean 'headers'?",
  'a resource range': "shop/web: 'resources.cpu' unknown property 'requests' — did you mean 'request'?",
  'a port': "shop/web: 'ports[0]' unknown property 'protocl' — did you mean 'protocol'?",
  'a security option in another case': "shop/web: 'security' unknown property 'readonlyRootFilesystem' — did you mean 'readOnlyRootFilesystem'?",
  'an exposed sidecar port': "shop/web: 'sidecars[0].ports[0]' unknown property 'exposed' — did you mean 'expose'?",
  'an init container': "shop/web: 'initContainers[0]' unknown property 'comand' — did you mean 'command'?",
  'an init container added later': "shop/web: 'initContainers[0]' unknown property 'enviroment' — did you mean 'env'?",
  'a volume option': "shop/web: 'volumes[0].volume' unknown property 'sizelimit' — did you mean 'sizeLimit'?",
  'a volume mount': "shop/web: 'volumes[0]' unknown property 'readonly' — did you mean 'readOnly'?",
  'an env reference option': "shop/web: 'env.TOKEN' unknown property 'optinal' — did you mean 'optional'?",
  'an ingress option': "shop/web: 'ingress' unknown property 'tls' — did you mean 'tlsSecret'?",
  'an autoscaling option': "shop/web: 'autoscaling' unknown property 'maxReplica' — did you mean 'maxReplicas'?",
  'a rolling update option': "shop/web: 'strategy' unknown property 'maxSurges' — did you mean 'maxSurge'?",
  'a dependsOn option': "shop/api: 'dependsOn' unknown property 'waitForPorts' — did you mean 'waitForPort'?",
  'a persistent storage': "shop/db: 'storage[0]' unknown property 'storageClass' — did you mean 'storageClassName'?",
  'a host path': "shop/agent: 'hostPaths[0]' unknown property 'readonly' — did you mean 'readOnly'?",
  'a batch job prop': "shop/backup: unknown prop 'concurrency' — did you mean 'concurrencyPolicy'?",
  'a prop of another kind':
    "shop/web: unknown prop 'storage' — known: affinity, annotations, antiAffinity, args, automountServiceAccountToken, autoscaling, command, component, " +
    'config, containerName, createServiceAccount, disruptionBudget, dnsConfig, dnsPolicy, env, extraServices, hostAliases, image, ' +
    'imagePullPolicy, imagePullSecrets, ingress, initContainers, labels, lifecycle, liveness, name, nodeSelector, podAnnotations, podLabels, ' +
    'ports, priorityClassName, readiness, replicas, resources, secretConfig, security, service, serviceAccountName, serviceType, sidecars, ' +
    'spread, startup, strategy, terminationGracePeriodSeconds, tolerations, topologySpreadConstraints, volumes, workloadAnnotations, ' +
    'workloadLabels, workloadName',
  'a key with no near match': "shop/web: 'resources.memory' unknown property 'size' — known: limit, request",
  'a service option': "shop/web: 'service' unknown property 'sessionAfinity' — did you mean 'sessionAffinity'?",
  'an extra service option': "shop/web: 'extraServices.external' unknown property 'loadBalancerSourceRange' — did you mean 'loadBalancerSourceRanges'?",
  'a service port option': "shop/web: 'service.ports[0]' unknown property 'port' — known: name, nodePort, servicePort",
  'a spread option': "shop/web: 'spread' unknown property 'maxSkw' — did you mean 'maxSkew'?",
  'a spread in a list': "shop/web: 'spread[1]' unknown property 'acros' — did you mean 'across'?",
  'a pod security field': "shop/web: 'security' unknown property 'podRunAsUsr' — did you mean 'podRunAsUser'?",
  'application props': "shop/other: 'release' unknown property 'cluster' — known: env, name, namespace",
};

describe('unknown keys in props, from an app in plain JavaScript', () => {
  it('has an expected message for every case of the fixture', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.keys(cases))('are refused with the prop path and a fix: %s', (name) => {
    let message: string | undefined;
    try {
      synth((app) => void cases[name]!(app));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(expected[name]);
  });

  it('treats keys of Object.prototype as unknown too, in a value cast with `as any` in TypeScript', () => {
    const props = { image: 'nginx:1.27', toString: 'x' } as any;
    expect(() => synth((app) => new StatelessApp(app, 'web', props))).toThrow("shop/web: unknown prop 'toString' — known: ");
  });

  it('lets props through that name every key of an options object', () => {
    const objects = synth(
      (app) =>
        new StatelessApp(app, 'web', {
          image: 'nginx:1.27',
          ports: [{ port: 8080, name: 'http', servicePort: 80, protocol: 'TCP' }],
          resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '64Mi', limit: '128Mi' }, ephemeralStorage: { request: '1Gi' } },
          readiness: Probe.http('/', { port: 8080, scheme: 'HTTP', headers: { 'X-A': 'b' }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 4, successThreshold: 5 }),
          autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 80, memoryUtilization: 80 },
        }),
    );
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
  });

  it.each<[string, string]>([
    ['a plain object as a probe', `shop/web: 'readiness' ({"httpGet":{"path":"/"}}) must be a Probe, e.g. Probe.http('/healthz') or Probe.tcp()`],
    ['a plain object as a sidecar probe', `shop/web: 'sidecars[0].liveness' ({"tcpSocket":{"port":9901}}) must be a Probe, e.g. Probe.http('/healthz') or Probe.tcp()`],
    ['a plain object as a volume', `shop/web: 'volumes[0].volume' ({"name":"tmp","emptyDir":{}}) must be a Volume, e.g. Volume.emptyDir('tmp') or Volume.fromConfigMap('config', 'my-config')`],
  ])('refuses a value of the wrong kind: %s', (name, message) => {
    expect(() => synth((app) => void wrongValues[name]!(app))).toThrow(message);
  });
});
