import {
  BatchJob,
  DaemonApp,
  EnvValue,
  Probe,
  StatefulApp,
  StatelessApp,
  Volume,
  type StatelessAppProps,
} from '../../../lib/index.js';
import { find, makeApp, synth, type KubeObj } from './util.js';

const podSpec = (objects: KubeObj[]) => find(objects, 'Deployment').spec.template.spec;
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));

const SECURE = { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '512Mi' } };

describe('the main container', () => {
  test('is named after the service unless containerName is set', () => {
    expect(podSpec(api()).containers[0].name).toBe('api');
    expect(podSpec(api({ containerName: 'server' })).containers[0].name).toBe('server');
  });

  test('rejects a containerName that is not a DNS-1123 label or is reserved', () => {
    expect(() => api({ containerName: 'Server_1' })).toThrow(
      "shop/api: 'containerName' ('Server_1') is not a DNS-1123 label: use lower-case letters, digits and '-', start and end with a letter or digit",
    );
    expect(() => api({ containerName: 'wait-for-db' })).toThrow(
      "shop/api: 'containerName' ('wait-for-db') starts with 'wait-for-', which is kept for the init containers of dependsOn(..., { waitForPort: true }): choose another name",
    );
  });
});

describe('init containers', () => {
  test('render in order after the dependsOn wait, with secure defaults and default resources', () => {
    const objects = synth((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', {
        image: 'api:1.0',
        initContainers: [
          { name: 'migrate', image: 'api:1.0', command: ['/app/migrate'], args: ['up'], env: { DB_HOST: db.host } },
          { name: 'warm-cache', image: 'api:1.0', resources: { memory: { limit: '1Gi' } } },
        ],
      }).dependsOn(db, { waitForPort: true });
    });
    const inits = podSpec(objects).initContainers;
    expect(inits.map((c: KubeObj) => c.name)).toEqual(['wait-for-db', 'migrate', 'warm-cache']);
    expect(inits[1]).toEqual({
      name: 'migrate',
      image: 'api:1.0',
      command: ['/app/migrate'],
      args: ['up'],
      env: [{ name: 'DB_HOST', value: 'shop-prod-db' }],
      resources: DEFAULT_RESOURCES,
      securityContext: SECURE,
    });
    expect(inits[1]).not.toHaveProperty('restartPolicy');
    expect(inits[2].resources).toEqual({ requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '1Gi' } });
  });

  test('keep the dependsOn waits first when added with addInitContainer() before dependsOn()', () => {
    const objects = synth((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
      const web = new StatelessApp(app, 'api', { image: 'api:1.0' });
      web.addInitContainer({ name: 'migrate', image: 'api:1.0' });
      web.dependsOn(db, { waitForPort: true }).dependsOn(db, { waitForPort: true });
    });
    expect(podSpec(objects).initContainers.map((c: KubeObj) => c.name)).toEqual(['wait-for-db', 'migrate']);
  });

  test('get the service config only with loadServiceConfig', () => {
    const spec = podSpec(
      api({
        config: { LOG_LEVEL: 'info' },
        secretConfig: { DB_PASSWORD: 'x' },
        initContainers: [
          { name: 'migrate', image: 'api:1.0', loadServiceConfig: true },
          { name: 'plain', image: 'busybox:1.36.1' },
        ],
      }),
    );
    expect(spec.initContainers[0].envFrom).toEqual([
      { configMapRef: { name: 'shop-prod-api-config' } },
      { secretRef: { name: 'shop-prod-api-secret' } },
    ]);
    expect(spec.initContainers[1]).not.toHaveProperty('envFrom');
  });

  test('mount volumes, sharing a Volume object with the main container and declaring it once', () => {
    const shared = Volume.emptyDir('shared');
    const spec = podSpec(
      api({
        volumes: [{ path: '/data', volume: shared }],
        initContainers: [{ name: 'fetch', image: 'busybox:1.36.1', volumes: [{ path: '/out', volume: shared }, { path: '/cfg', volume: Volume.fromConfigMap('cfg', 'api-files'), readOnly: true }] }],
      }),
    );
    expect(spec.initContainers[0].volumeMounts).toEqual([{ name: 'shared', mountPath: '/out' }, { name: 'cfg', mountPath: '/cfg', readOnly: true }]);
    expect(spec.volumes).toEqual([{ name: 'shared', emptyDir: {} }, { name: 'cfg', configMap: { name: 'api-files' } }]);
  });

  test('reject probes and ports, which only sidecars have', () => {
    expect(() => api({ initContainers: [{ name: 'migrate', image: 'api:1.0', readiness: Probe.tcp() } as never] })).toThrow(
      "shop/api: 'initContainers[0].readiness' is only for sidecars: an init container runs to completion before the next one starts; move it to 'sidecars' to keep it running",
    );
    expect(() => api({ initContainers: [{ name: 'migrate', image: 'api:1.0', ports: [{ port: 80 }] } as never] })).toThrow(
      "shop/api: 'initContainers[0].ports' is only for sidecars",
    );
  });

  test('reject a missing image, a bad env name, a bad quantity and a pod-level security field', () => {
    expect(() => api({ initContainers: [{ name: 'migrate' } as never] })).toThrow(
      "shop/api: 'initContainers[0].image' (undefined) must be an image reference without spaces, e.g. 'nginx:1.27'",
    );
    expect(() => api({ initContainers: [{ name: 'migrate', image: 'x:1', env: { 'DB-HOST': 'db' } }] })).toThrow(
      "shop/api: 'initContainers[0].env' key 'DB-HOST' is not an environment variable name",
    );
    expect(() => api({ initContainers: [{ name: 'migrate', image: 'x:1', resources: { cpu: { request: 'lots' } } }] })).toThrow(
      "shop/api: 'initContainers[0].resources.cpu.request' ('lots') is not a Kubernetes quantity: use a number with an optional unit, e.g. '250m'",
    );
    expect(() => api({ initContainers: [{ name: 'migrate', image: 'x:1', security: { fsGroup: 1000 } as never }] })).toThrow(
      "shop/api: 'initContainers[0].security.fsGroup' (1000) is a pod-level setting: set it in the workload's 'security'",
    );
  });

  test('reject a name that is not a DNS-1123 label, and number later ones after the prop', () => {
    expect(() => api({ initContainers: [{ name: 'Migrate', image: 'x:1' }] })).toThrow(
      "shop/api: 'initContainers[0].name' ('Migrate') is not a DNS-1123 label",
    );
    expect(() =>
      synth((app) => {
        new StatelessApp(app, 'api', { image: 'x:1', initContainers: [{ name: 'a', image: 'x:1' }] }).addInitContainer({ name: 'b', image: '' });
      }),
    ).toThrow("shop/api: 'initContainers[1].image' ('') must be an image reference without spaces");
  });
});

describe('sidecars', () => {
  test('render as init containers with restartPolicy Always after the init containers, with probes and ports', () => {
    const spec = podSpec(
      api({
        initContainers: [{ name: 'migrate', image: 'api:1.0' }],
        sidecars: [
          {
            name: 'envoy',
            image: 'envoyproxy/envoy:v1.31.0',
            args: ['-c', '/etc/envoy/envoy.yaml'],
            ports: [{ port: 9901, name: 'admin' }, { port: 15000 }],
            readiness: Probe.http('/ready', { headers: { 'X-Probe': 'kubelet' } }),
            startup: Probe.grpc({ port: 15000 }),
            env: { NODE: EnvValue.fromFieldPath('spec.nodeName') },
          },
        ],
      }),
    );
    expect(spec.initContainers.map((c: KubeObj) => c.name)).toEqual(['migrate', 'envoy']);
    expect(spec.initContainers[1]).toEqual({
      name: 'envoy',
      image: 'envoyproxy/envoy:v1.31.0',
      restartPolicy: 'Always',
      args: ['-c', '/etc/envoy/envoy.yaml'],
      env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      ports: [
        { name: 'admin', containerPort: 9901, protocol: 'TCP' },
        { name: 'port-15000', containerPort: 15000, protocol: 'TCP' },
      ],
      readinessProbe: { httpGet: { path: '/ready', port: 9901, httpHeaders: [{ name: 'X-Probe', value: 'kubelet' }] } },
      startupProbe: { grpc: { port: 15000 } },
      resources: DEFAULT_RESOURCES,
      securityContext: SECURE,
    });
    expect(spec.containers).toHaveLength(1);
  });

  test('start before the init containers with startBeforeInitContainers, still after the waits', () => {
    const objects = synth((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', {
        image: 'api:1.0',
        initContainers: [{ name: 'migrate', image: 'api:1.0' }],
        sidecars: [{ name: 'metrics', image: 'exporter:1' }, { name: 'db-proxy', image: 'proxy:2', startBeforeInitContainers: true }],
      }).dependsOn(db, { waitForPort: true });
    });
    expect(podSpec(objects).initContainers.map((c: KubeObj) => c.name)).toEqual(['wait-for-db', 'db-proxy', 'migrate', 'metrics']);
  });

  test('keep their ports out of the Service unless expose is set', () => {
    const objects = api({
      sidecars: [{ name: 'exporter', image: 'exporter:1', ports: [{ port: 9419, name: 'metrics', expose: true, servicePort: 9090 }, { port: 9999, name: 'debug' }] }],
    });
    expect(find(objects, 'Service').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  test('give a workload without ports a Service when a sidecar of the prop exposes one, and add later ones to it', () => {
    const objects = synth((app) => {
      new StatelessApp(app, 'worker', { image: 'w:1', sidecars: [{ name: 'proxy', image: 'p:1', ports: [{ port: 8443, expose: true }] }] })
        .addSidecar({ name: 'exporter', image: 'e:1', ports: [{ port: 9100, name: 'metrics', expose: true }] });
    });
    expect(find(objects, 'Service').spec.ports.map((p: KubeObj) => p.name)).toEqual(['port-8443', 'metrics']);
  });

  test('expose ports through both Services of a StatefulApp', () => {
    const objects = synth((app) => new StatefulApp(app, 'mq', {
      image: 'rabbitmq:4.1',
      ports: [{ port: 5672, name: 'amqp' }],
      sidecars: [{ name: 'exporter', image: 'kbudde/rabbitmq-exporter:1.0.0', ports: [{ port: 9419, name: 'metrics', expose: true }] }],
    }));
    for (const name of ['shop-prod-mq', 'shop-prod-mq-headless']) {
      expect(find(objects, 'Service', name).spec.ports.map((p: KubeObj) => p.name)).toEqual(['amqp', 'metrics']);
    }
    expect(find(objects, 'StatefulSet').spec.template.spec.initContainers[0].restartPolicy).toBe('Always');
  });

  test('reject expose where there is no Service, naming the port', () => {
    expect(() => synth((app) => new DaemonApp(app, 'agent', { image: 'a:1', sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 9100, expose: true }] }] }))).toThrow(
      "shop/agent: 'sidecars[0].ports[0].expose' (true) cannot be set: a daemon workload has no Service; remove 'expose'",
    );
    expect(() => synth((app) => new StatelessApp(app, 'w', { image: 'w:1' }).addSidecar({ name: 'x', image: 'x:1', ports: [{ port: 80, expose: true }] }))).toThrow(
      "shop/w: 'sidecars[0].ports[0].expose' (true) needs a Service, and this workload has none: give the workload 'ports', or pass the sidecar in the 'sidecars' prop",
    );
  });

  test('reject servicePort or nodePort on a port that is not exposed, and a Service port taken twice', () => {
    expect(() => api({ sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 9100, servicePort: 80 }] }] })).toThrow(
      "shop/api: 'sidecars[0].ports[0].servicePort' (80) only applies to a port the Service exposes: add 'expose: true' or remove it",
    );
    expect(() => api({ sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 9100, servicePort: 8080, expose: true }] }] })).toThrow(
      "shop/api: 'sidecars[0].ports[0].servicePort' (8080) is already a port of the Service (port 'http'): set another 'servicePort'",
    );
  });

  test('reject a port number or port name another container of the pod has', () => {
    expect(() => api({ sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 8080, name: 'proxy' }] }] })).toThrow(
      "shop/api: 'sidecars[0].ports[0].port' (8080) is already 'ports[0].port': containers of a pod share its network, so each port can be listened on once",
    );
    expect(() => api({ sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 9000, name: 'http' }] }] })).toThrow(
      "shop/api: 'sidecars[0].ports[0].name' ('http') is already 'ports[0].name': port names must be unique in the pod",
    );
    expect(() => api({ sidecars: [{ name: 'x', image: 'x:1', ports: [{ port: 9000, name: 'Metrics' }] }] })).toThrow(
      "shop/api: 'sidecars[0].ports[0].name' ('Metrics') must be at most 15 lower-case letters",
    );
  });

  test('reject a sidecar without an image and a probe without a port to use', () => {
    expect(() => api({ sidecars: [{ name: 'proxy' } as never] })).toThrow(
      "shop/api: 'sidecars[0].image' (undefined) must be an image reference without spaces, e.g. 'nginx:1.27'",
    );
    expect(() => api({ sidecars: [{ name: 'proxy', image: 'p:1', liveness: Probe.tcp() }] })).toThrow(
      "shop/api: 'sidecars[0].liveness.port' (undefined) must be set when the container has no 'sidecars[0].ports'",
    );
    expect(() => api({ sidecars: [{ name: 'proxy', image: 'p:1', ports: [{ port: 9000 }], liveness: Probe.grpc({ port: 65536 }) }] })).toThrow(
      "shop/api: 'sidecars[0].liveness.port' (65536) must be a port number between 1 and 65535",
    );
  });

  test('run beside a Job without keeping it from completing, with the pod restart policy untouched', () => {
    const objects = synth((app) => new BatchJob(app, 'backup', { image: 'b:1', sidecars: [{ name: 'proxy', image: 'p:1' }] }));
    const spec = find(objects, 'Job').spec.template.spec;
    expect(spec.restartPolicy).toBe('OnFailure');
    expect(spec.initContainers).toEqual([{ name: 'proxy', image: 'p:1', restartPolicy: 'Always', resources: DEFAULT_RESOURCES, securityContext: SECURE }]);
  });
});

describe('container names in the pod', () => {
  test('reject a duplicate name, naming both containers', () => {
    expect(() => api({ sidecars: [{ name: 'api', image: 'x:1' }] })).toThrow(
      "shop/api: 'sidecars[0].name' ('api') is already the name of the main container: container names must be unique in the pod",
    );
    expect(() => api({ initContainers: [{ name: 'setup', image: 'x:1' }], sidecars: [{ name: 'setup', image: 'x:1' }] })).toThrow(
      "shop/api: 'sidecars[0].name' ('setup') is already the name of 'initContainers[0]': container names must be unique in the pod",
    );
    expect(() => api({ containerName: 'proxy', sidecars: [{ name: 'proxy', image: 'x:1' }] })).toThrow(
      "'sidecars[0].name' ('proxy') is already the name of the main container",
    );
  });

  test('reject a wait-for- name, which only the dependsOn waits have', () => {
    expect(() => api({ sidecars: [{ name: 'wait-for-db', image: 'x:1' }] })).toThrow(
      "shop/api: 'sidecars[0].name' ('wait-for-db') starts with 'wait-for-', which is kept for the init containers of dependsOn(..., { waitForPort: true }): choose another name",
    );
  });

  test('reject two different volumes of one name in two containers', () => {
    expect(() =>
      api({ volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }], sidecars: [{ name: 'x', image: 'x:1', volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }] }] }),
    ).toThrow(
      "shop/api: 'sidecars[0].volumes[0].volume.name' ('tmp') names a different volume of the pod already: give each volume its own name, or mount the same Volume object",
    );
  });
});

describe('the dependency graph', () => {
  test('finds addresses in init containers and sidecars but not in the dependsOn waits', () => {
    const app = makeApp();
    const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
    const cache = new StatelessApp(app, 'cache', { image: 'redis:7', ports: [{ port: 6379 }] });
    const queue = new StatelessApp(app, 'queue', { image: 'mq:4', ports: [{ port: 5672 }] });
    new StatelessApp(app, 'api', {
      image: 'api:1',
      initContainers: [{ name: 'migrate', image: 'api:1', env: { DB_HOST: db.host } }],
      sidecars: [{ name: 'relay', image: 'relay:1', args: [`--upstream=${queue.url}`] }],
    }).dependsOn(cache, { waitForPort: true });
    const api = app.describe().services.find((s) => s.name === 'api')!;
    expect(api.edges).toEqual([
      { to: 'cache', kinds: ['dependsOn'], via: [] },
      { to: 'db', kinds: ['env'], via: ['env DB_HOST'] },
      { to: 'queue', kinds: ['args'], via: ['args'] },
    ]);
  });
});
