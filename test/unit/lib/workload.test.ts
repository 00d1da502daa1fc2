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
const container = (objects: KubeObj[]) => podSpec(objects).containers[0];
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));

describe('Workload names and labels', () => {
  test('puts the standard labels and the release annotation on every object and the pod template', () => {
    const objects = api({ config: { A: 'x' }, secretConfig: { B: 'y' }, createServiceAccount: true });
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Secret', 'Service', 'ServiceAccount']);
    const labels = {
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'shop-prod',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '0.1.0',
      'app.kubernetes.io/managed-by': 'berth',
      'app.kubernetes.io/component': 'stateless',
    };
    for (const o of objects) {
      expect(o.metadata.labels).toEqual(labels);
      expect(o.metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod' });
    }
    expect(find(objects, 'Deployment').spec.template.metadata.labels).toEqual(labels);
  });

  test('selects pods by instance and name only, with no cdk8s construct-path labels anywhere', () => {
    const objects = api({ disruptionBudget: {} });
    const selector = { 'app.kubernetes.io/instance': 'shop-prod', 'app.kubernetes.io/name': 'api' };
    expect(find(objects, 'Deployment').spec.selector).toEqual({ matchLabels: selector });
    expect(find(objects, 'Service').spec.selector).toEqual(selector);
    expect(find(objects, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selector });
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io');
  });

  test('names objects <release>-<service>[-suffix] without hashes', () => {
    const objects = api({ config: { A: 'x' }, secretConfig: { B: 'y' } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/shop-prod-api-config',
      'Deployment/shop-prod-api',
      'Secret/shop-prod-api-secret',
      'Service/shop-prod-api',
    ]);
  });

  test('truncates names over 63 characters with a stable hash', () => {
    const release = { name: 'a-release-name-that-is-quite-long-indeed', namespace: 'prod', env: 'prod' };
    const objects = synth(
      (app) => new StatelessApp(app, 'a-long-service-name-too', { image: 'x:1', config: { A: 1 } }),
      release,
    );
    const cm = find(objects, 'ConfigMap');
    expect(cm.metadata.name).toHaveLength(63);
    expect(cm.metadata.name).toMatch(/^a-release-name-that-is-quite-long-indeed-a-long-servic-[0-9a-f]{8}$/);
    expect(find(objects, 'Deployment').spec.template.spec.containers[0].envFrom).toEqual([
      { configMapRef: { name: cm.metadata.name } },
    ]);
  });

  test('adds extra labels and annotations and a custom component', () => {
    const objects = api({ labels: { team: 'checkout' }, annotations: { 'example.com/owner': 'ana' }, component: 'backend' });
    const d = find(objects, 'Deployment');
    expect(d.metadata.labels).toMatchObject({ team: 'checkout', 'app.kubernetes.io/component': 'backend' });
    expect(d.metadata.annotations).toEqual({ 'example.com/owner': 'ana', 'berth.dev/release': 'prod/shop-prod' });
    expect(d.spec.template.metadata.labels.team).toBe('checkout');
    expect(d.spec.selector.matchLabels).not.toHaveProperty('team');
  });

  test('rejects a service name with an underscore, naming the prop and a fix', () => {
    expect(() => synth((app) => new StatelessApp(app, 'my_api', { image: 'x:1' }))).toThrow(
      "shop/my_api: 'id' ('my_api') is not a DNS-1035 label (contains '_'): use lower-case letters, digits and '-', start with a letter and end with a letter or digit, e.g. 'my-api'",
    );
    expect(() => synth((app) => new StatelessApp(app, 'api', { image: 'x:1', name: 'Api' }))).toThrow(
      "shop/api: 'name' ('Api') is not a DNS-1035 label (contains 'A')",
    );
  });

  test('rejects reserved labels and an empty image', () => {
    expect(() => api({ labels: { 'app.kubernetes.io/component': 'x' } })).toThrow(
      "shop/api: 'labels.app.kubernetes.io/component' ('x') is set by Berth; use the 'component' prop",
    );
    expect(() => api({ labels: { 'app.kubernetes.io/instance': 'x' } })).toThrow('is set by Berth; remove it');
    expect(() => api({ image: '' })).toThrow("shop/api: 'image' ('') must be an image reference without spaces, e.g. 'nginx:1.27'");
  });

  test('accepts images pinned by tag or digest, also behind a registry with a port', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const image of ['nginx:1.27.3', 'localhost:5000/team/api:2.0', `ghcr.io/x/api@${digest}`, `api:1.0@${digest}`]) {
      expect(container(api({ image })).image).toBe(image);
    }
  });

  test('refuses images without a tag or digest, and :latest, with the pinned form', () => {
    expect(() => api({ image: 'nginx' })).toThrow(
      "shop/api: 'image' ('nginx') has no tag or digest: pin the image, e.g. 'nginx:1.2.3' or 'nginx@sha256:<digest>', so every pod of a release runs the same, reviewed image",
    );
    expect(() => api({ image: 'localhost:5000/api' })).toThrow("'image' ('localhost:5000/api') has no tag or digest: pin the image, e.g. 'localhost:5000/api:1.2.3'");
    expect(() => api({ image: 'redis:latest' })).toThrow("shop/api: 'image' ('redis:latest') uses ':latest', which is not a pin: pin the image, e.g. 'redis:1.2.3'");
    expect(() => api({ image: 'api@sha256:abc' })).toThrow("shop/api: 'image' ('api@sha256:abc') has a malformed digest: use '<image>@sha256:<64 hex digits>'");
    expect(() => api({ image: 'api:' })).toThrow("'image' ('api:') has a malformed tag");
  });

  test('refuses unpinned images of init containers, sidecars and the dependsOn wait', () => {
    expect(() => api({ initContainers: [{ name: 'setup', image: 'busybox' }] })).toThrow("shop/api: 'initContainers[0].image' ('busybox') has no tag or digest");
    expect(() => api({ sidecars: [{ name: 'proxy', image: 'envoy:latest' }] })).toThrow("shop/api: 'sidecars[0].image' ('envoy:latest') uses ':latest'");
    expect(() =>
      synth((app) => {
        const db = new StatelessApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
        new StatelessApp(app, 'api', { image: 'api:1.0' }).dependsOn(db, { waitForPort: true, waitImage: 'busybox' });
      }),
    ).toThrow("shop/api: 'dependsOn(shop/db).waitImage' ('busybox') has no tag or digest");
  });
});

describe('Workload container', () => {
  test('renders image, command, args, and env from literals, ConfigMaps, Secrets and pod fields', () => {
    const c = container(
      api({
        command: ['/bin/api'],
        args: ['--serve'],
        imagePullPolicy: 'IfNotPresent',
        env: {
          MODE: 'fast',
          RETRIES: EnvValue.fromValue(3),
          REGION: EnvValue.fromConfigMap('cluster-info', 'region'),
          TOKEN: EnvValue.fromSecret('api-token', 'token', { optional: true }),
          NODE: EnvValue.fromFieldPath('spec.nodeName'),
        },
      }),
    );
    expect(c.name).toBe('api');
    expect(c.image).toBe('api:1.0');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.command).toEqual(['/bin/api']);
    expect(c.args).toEqual(['--serve']);
    expect(c.env).toEqual([
      { name: 'MODE', value: 'fast' },
      { name: 'RETRIES', value: '3' },
      { name: 'REGION', valueFrom: { configMapKeyRef: { name: 'cluster-info', key: 'region' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token', optional: true } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ]);
  });

  test('rejects env values that are neither strings nor EnvValues', () => {
    expect(() => api({ env: { PORT: 8080 as never } })).toThrow(
      "shop/api: 'env.PORT' (8080) must be a string or an EnvValue, e.g. EnvValue.fromSecret('name', 'key')",
    );
  });

  test('rejects env names that are not environment variable names', () => {
    expect(() => api({ env: { 'log-level': 'x' } })).toThrow(
      "shop/api: 'env' key 'log-level' is not an environment variable name: use letters, digits and '_', not starting with a digit, e.g. 'log_level'",
    );
    expect(() => api({ config: { '1X': 1 } })).toThrow("shop/api: 'config' key '1X' is not an environment variable name");
    expect(() => api({ secretConfig: { 'db.password': 'hunter2' } })).toThrow(/^((?!hunter2).)*$/);
    expect(() => api({ secretConfig: { 'db.password': 'hunter2' } })).toThrow(
      "shop/api: 'secretConfig' key 'db.password' is not an environment variable name: use letters, digits and '_', not starting with a digit, e.g. 'db_password'",
    );
  });

  test('exposes ports on the container and the Service, by name', () => {
    const objects = api({ ports: [{ port: 8080, servicePort: 80 }, { port: 9090, name: 'metrics' }, { port: 53, protocol: 'UDP' }] });
    expect(container(objects).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      { name: 'port-53', containerPort: 53, protocol: 'UDP' },
    ]);
    expect(find(objects, 'Service').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      { name: 'port-53', port: 53, targetPort: 'port-53', protocol: 'UDP' },
    ]);
  });

  test('rejects ports out of range and bad or duplicate port names', () => {
    expect(() => api({ ports: [{ port: 70000 }] })).toThrow(
      "shop/api: 'ports[0].port' (70000) must be a port number between 1 and 65535",
    );
    expect(() => api({ ports: [{ port: 80, servicePort: 0 }] })).toThrow("'ports[0].servicePort' (0) must be a port number between 1 and 65535");
    expect(() => api({ ports: [{ port: 80, name: 'Http_Port' }] })).toThrow(
      "shop/api: 'ports[0].name' ('Http_Port') must be at most 15 lower-case letters, digits and '-', with at least one letter, e.g. 'http' or 'metrics'",
    );
    expect(() => api({ ports: [{ port: 80 }, { port: 81, name: 'http' }] })).toThrow(
      "shop/api: 'ports[1].name' ('http') is used by another port: port names must be unique",
    );
  });

  test('uses default resources: cpu request, memory request = limit, no cpu limit', () => {
    expect(container(api()).resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '512Mi' } });
  });

  test('merges cpu field by field; a memory request or limit set alone is also the other', () => {
    const c = container(api({ resources: { cpu: { limit: '2' }, memory: { limit: '1Gi' }, ephemeralStorage: { request: '1Gi' } } }));
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '1Gi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    expect(container(api({ resources: { memory: { request: '2Gi' } } })).resources).toEqual({
      requests: { cpu: '100m', memory: '2Gi' },
      limits: { memory: '2Gi' },
    });
    expect(container(api({ resources: { memory: { request: '256Mi', limit: '1Gi' } } })).resources?.limits).toEqual({ memory: '1Gi' });
  });

  test("'none' leaves out a limit, or every request and limit", () => {
    expect(container(api({ resources: { memory: { request: '1Gi', limit: 'none' } } })).resources).toEqual({ requests: { cpu: '100m', memory: '1Gi' } });
    expect(container(api({ resources: { memory: { limit: 'none' } } })).resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' } });
    expect(container(api({ resources: 'none' })).resources).toBeUndefined();
  });

  test('rejects bad quantities and requests above limits', () => {
    expect(() => api({ resources: { memory: { limit: '12x' } } })).toThrow(
      "shop/api: 'resources.memory.limit' ('12x') is not a Kubernetes quantity: use a number with an optional unit, e.g. '512Mi' or 'none'",
    );
    expect(() => api({ resources: { cpu: { request: 'lots' } } })).toThrow("'resources.cpu.request' ('lots') is not a Kubernetes quantity");
    expect(() => api({ resources: { cpu: { request: 'none' } } })).toThrow(
      "shop/api: 'resources.cpu.request' ('none') is not a Kubernetes quantity: use a number with an optional unit, e.g. '250m'",
    );
    expect(() => api({ resources: { memory: { request: '1Gi', limit: '512Mi' } } })).toThrow(
      "shop/api: 'resources.memory.request' ('1Gi') is more than 'resources.memory.limit' ('512Mi'): raise the limit or lower the request",
    );
    expect(() => api({ resources: 'all' as never })).toThrow(
      "shop/api: 'resources' ('all') must be an object, e.g. { memory: { request: '1Gi' } }, or 'none' for no requests and limits",
    );
  });

  test('renders HTTP, TCP and exec probes, defaulting to the first port', () => {
    const c = container(
      api({
        readiness: Probe.http('/ready', { periodSeconds: 5, successThreshold: 2 }),
        liveness: Probe.tcp({ port: 9000, failureThreshold: 5 }),
        startup: Probe.exec(['cat', '/tmp/started'], { initialDelaySeconds: 3 }),
      }),
    );
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, successThreshold: 2 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 9000 }, failureThreshold: 5 });
    expect(c.startupProbe).toEqual({ exec: { command: ['cat', '/tmp/started'] }, initialDelaySeconds: 3 });
  });

  test('rejects probes without a port to use and bad probe settings', () => {
    expect(() => api({ ports: [], readiness: Probe.http('/ready') })).toThrow(
      "shop/api: 'readiness.port' (undefined) must be set when the workload has no 'ports'",
    );
    expect(() => api({ liveness: Probe.http('/ok', { successThreshold: 2 }) })).toThrow(
      "shop/api: 'liveness.successThreshold' (2) must be 1 for liveness and startup probes",
    );
    expect(() => api({ readiness: Probe.http('ready') })).toThrow("shop/api: 'readiness.path' ('ready') must start with '/'");
    expect(() => api({ readiness: Probe.tcp({ periodSeconds: 0 }) })).toThrow("shop/api: 'readiness.periodSeconds' (0) must be an integer >= 1");
    expect(() => api({ startup: Probe.exec([]) })).toThrow("shop/api: 'startup.command' ([]) must not be empty");
  });

  test('applies secure defaults to the container and pod', () => {
    const spec = podSpec(api());
    expect(spec.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('lets each secure default be opted out explicitly', () => {
    const spec = podSpec(
      api({
        security: {
          runAsNonRoot: false,
          readOnlyRootFilesystem: false,
          allowPrivilegeEscalation: true,
          runAsUser: 0,
          runAsGroup: 0,
          fsGroup: 2000,
          addCapabilities: ['NET_BIND_SERVICE'],
        },
        automountServiceAccountToken: true,
      }),
    );
    expect(spec.containers[0].securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
    expect(spec.securityContext).toEqual({ runAsNonRoot: false, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('mounts ConfigMap, Secret, emptyDir and PVC volumes, declaring a shared volume once', () => {
    const scratch = Volume.emptyDir('scratch', { medium: 'Memory', sizeLimit: '64Mi' });
    const spec = podSpec(
      api({
        volumes: [
          { path: '/etc/app', volume: Volume.fromConfigMap('app-config', 'shared-config', { items: { 'app.yaml': 'app.yaml' } }), readOnly: true },
          { path: '/etc/tls', volume: Volume.fromSecret('tls', 'api-tls', { defaultMode: 0o400 }), readOnly: true },
          { path: '/tmp', volume: scratch },
          { path: '/var/tmp', volume: scratch, subPath: 'var' },
          { path: '/data', volume: Volume.fromPvc('data', 'shared-data', { readOnly: true }), readOnly: true },
        ],
      }),
    );
    expect(spec.volumes).toEqual([
      { name: 'app-config', configMap: { name: 'shared-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
      { name: 'tls', secret: { secretName: 'api-tls', defaultMode: 256 } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'shared-data', readOnly: true } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'app-config', mountPath: '/etc/app', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'scratch', mountPath: '/tmp' },
      { name: 'scratch', mountPath: '/var/tmp', subPath: 'var' },
      { name: 'data', mountPath: '/data', readOnly: true },
    ]);
  });

  test('rejects bad volume names, relative and duplicate paths and bad size limits', () => {
    expect(() => api({ volumes: [{ path: '/tmp', volume: Volume.emptyDir('Tmp') }] })).toThrow(
      "shop/api: 'volumes[0].volume.name' ('Tmp') is not a DNS-1123 label",
    );
    expect(() => api({ volumes: [{ path: 'tmp', volume: Volume.emptyDir('tmp') }] })).toThrow(
      "shop/api: 'volumes[0].path' ('tmp') must be an absolute path, e.g. '/tmp'",
    );
    expect(() =>
      api({ volumes: [{ path: '/tmp', volume: Volume.emptyDir('a') }, { path: '/tmp', volume: Volume.emptyDir('b') }] }),
    ).toThrow("shop/api: 'volumes[1].path' ('/tmp') is already mounted: each path can be mounted once");
    expect(() =>
      api({ volumes: [{ path: '/a', volume: Volume.emptyDir('tmp') }, { path: '/b', volume: Volume.fromPvc('tmp', 'claim') }] }),
    ).toThrow(
      "shop/api: 'volumes[1].volume.name' ('tmp') names a different volume already: give each volume its own name, or mount the same Volume object twice",
    );
    expect(() => api({ volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp', { sizeLimit: 'big' }) }] })).toThrow(
      "shop/api: 'volumes[0].volume.sizeLimit' ('big') is not a Kubernetes quantity",
    );
  });

  test('runs as an existing or a generated service account', () => {
    expect(podSpec(api({ serviceAccountName: 'reader' })).serviceAccountName).toBe('reader');
    const objects = api({ createServiceAccount: true });
    expect(find(objects, 'ServiceAccount').metadata.name).toBe('shop-prod-api');
    expect(find(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(podSpec(objects).serviceAccountName).toBe('shop-prod-api');
    expect(() => api({ createServiceAccount: true, serviceAccountName: 'reader' })).toThrow(
      "shop/api: 'serviceAccountName' ('reader') conflicts with 'createServiceAccount: true': set only one",
    );
  });

  test('renders node selector, affinity and tolerations', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
    };
    const spec = podSpec(
      api({
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        affinity,
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }],
      }),
    );
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.affinity).toEqual(affinity);
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }]);
  });
});

describe('Workload config', () => {
  test('renders config into a ConfigMap and secretConfig into an Opaque Secret as base64 data, loaded with envFrom', () => {
    const objects = api({ config: { LOG_LEVEL: 'info', WORKERS: 4, DEBUG: false }, secretConfig: { DB_PASSWORD: 'hunter2' } });
    expect(find(objects, 'ConfigMap').data).toEqual({ LOG_LEVEL: 'info', WORKERS: '4', DEBUG: 'false' });
    const secret = find(objects, 'Secret');
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ DB_PASSWORD: Buffer.from('hunter2').toString('base64') });
    expect(secret).not.toHaveProperty('stringData');
    expect(container(objects).envFrom).toEqual([
      { configMapRef: { name: 'shop-prod-api-config' } },
      { secretRef: { name: 'shop-prod-api-secret' } },
    ]);
  });

  test('rejects config values that are not strings, numbers or booleans (e.g. from an untyped values file)', () => {
    expect(() => api({ config: { LIMITS: { a: 1 } as never } })).toThrow("shop/api: 'config.LIMITS' ({\"a\":1}) must be a string, number or boolean");
  });

  test('rejects a missing secret value without printing secret values', () => {
    expect(() => api({ secretConfig: { DB_PASSWORD: undefined as never } })).toThrow(
      "shop/api: 'secretConfig.DB_PASSWORD' must be a string, got undefined: set the secret value in the env file or values file",
    );
  });

  test('rejects a key in both config and secretConfig', () => {
    expect(() => api({ config: { TOKEN: 'a' }, secretConfig: { TOKEN: 'b' } })).toThrow(
      "shop/api: 'secretConfig' key 'TOKEN' is also a key of 'config': both become the same environment variable; rename one",
    );
  });

  test('never renders a secret value in clear', () => {
    const objects = api({ secretConfig: { DB_PASSWORD: 'hunter2-very-secret' } });
    expect(JSON.stringify(objects)).not.toContain('hunter2-very-secret');
  });

  test('annotates the pod template with the hash of the consumed config; none without config', () => {
    const build = (config: Record<string, string>, secretConfig: Record<string, string> = {}) =>
      find(api({ config, secretConfig }), 'Deployment').spec.template.metadata.annotations['berth.dev/config-hash'];
    const h = build({ A: '1' });
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(build({ A: '1' })).toBe(h);
    expect(build({ A: '2' })).not.toBe(h);
    expect(build({ A: '1' }, { S: 'x' })).not.toBe(h);
    expect(find(api(), 'Deployment').spec.template.metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod' });
  });

  test('covers secret values only with a hash keyed by the release key, and only when rendering with one', () => {
    const annotations = (secretConfig: Record<string, string>, key?: Buffer) =>
      find(
        synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', config: { A: '1' }, secretConfig }), undefined, key),
        'Deployment',
      ).spec.template.metadata.annotations;
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    // Without a key (plain `berth synth`) nothing on the pod template depends on a secret value.
    expect(annotations({ S: 'x' })).toEqual(annotations({ S: 'y' }));
    expect(annotations({ S: 'x' })['berth.dev/secret-hash']).toBeUndefined();
    expect(annotations({ S: 'x' })['berth.dev/config-hash']).not.toBe(annotations({ T: 'x' })['berth.dev/config-hash']);
    // With one, a changed value changes the keyed hash (and so rolls the pods); another release's key gives another hash.
    const h = annotations({ S: 'x' }, k1)['berth.dev/secret-hash'];
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(annotations({ S: 'x' }, k1)['berth.dev/secret-hash']).toBe(h);
    expect(annotations({ S: 'y' }, k1)['berth.dev/secret-hash']).not.toBe(h);
    expect(annotations({ S: 'x' }, k2)['berth.dev/secret-hash']).not.toBe(h);
    expect(annotations({ S: 'x' }, k1)['berth.dev/config-hash']).toBe(annotations({ S: 'x' })['berth.dev/config-hash']);
    expect(find(synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', config: { A: '1' } }), undefined, k1), 'Deployment').spec.template.metadata.annotations['berth.dev/secret-hash']).toBeUndefined();
  });

  test('changing one service config changes the hash only on that service', () => {
    const hashes = (orders: string) => {
      const objects = synth((app) => {
        new StatelessApp(app, 'orders', { image: 'x:1', config: { LIMIT: orders } });
        new StatelessApp(app, 'catalog', { image: 'x:1', config: { LIMIT: '10' } });
        new StatelessApp(app, 'gateway', { image: 'x:1' });
      });
      return Object.fromEntries(
        objects.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d.spec.template.metadata.annotations['berth.dev/config-hash']]),
      );
    };
    const before = hashes('5');
    const after = hashes('6');
    expect(after['shop-prod-orders']).not.toBe(before['shop-prod-orders']);
    expect(after['shop-prod-catalog']).toBe(before['shop-prod-catalog']);
    expect(after['shop-prod-gateway']).toBeUndefined();
  });
});

describe('Workload dependencies and discovery', () => {
  test('host, fqdn, port and url use the release-prefixed Service name', () => {
    const app = makeApp();
    const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432, servicePort: 5433 }] });
    expect(db.host).toBe('shop-prod-db');
    expect(db.fqdn).toBe('shop-prod-db.prod.svc.cluster.local');
    expect(db.port).toBe(5433);
    expect(db.url).toBe('http://shop-prod-db:5433');
    expect(db.urlFor('postgres')).toBe('postgres://shop-prod-db:5433');
  });

  test('discovery helpers fail on workloads without a Service', () => {
    const app = makeApp();
    const job = new BatchJob(app, 'backup', { image: 'x:1', ports: [{ port: 80 }] });
    const worker = new StatelessApp(app, 'worker', { image: 'x:1' });
    expect(() => job.host).toThrow("shop/backup: 'host' is only available on services with a Service: a batch workload has none");
    expect(() => worker.url).toThrow("shop/worker: 'host' is only available on services with a Service: give it 'ports'");
    const agent = new DaemonApp(app, 'agent', { image: 'x:1', ports: [{ port: 9100 }] });
    expect(() => agent.port).toThrow("shop/agent: 'port' is only available on services with a Service: a daemon workload has none");
  });

  test('dependsOn records the dependency once and can add an init container waiting for the port', () => {
    const objects = synth((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
      const api = new StatelessApp(app, 'api', { image: 'x:1' });
      api.dependsOn(db, { waitForPort: true }).dependsOn(db);
      expect(api.dependencies).toEqual([db]);
    });
    const init = podSpec(objects).initContainers;
    expect(init).toHaveLength(1);
    expect(init[0]).toMatchObject({
      name: 'wait-for-db',
      image: 'busybox:1.36.1',
      command: ['sh', '-c', 'until nc -z -w 2 shop-prod-db 5432; do echo "waiting for shop-prod-db:5432"; sleep 2; done'],
      securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
  });

  test('dependsOn without waitForPort adds no init container', () => {
    const objects = synth((app) => {
      const db = new StatefulApp(app, 'db', { image: 'postgres:16', ports: [{ port: 5432 }] });
      new StatelessApp(app, 'api', { image: 'x:1' }).dependsOn(db);
    });
    expect(podSpec(objects).initContainers).toBeUndefined();
  });

  test('dependsOn rejects itself and waiting on a workload without a Service', () => {
    const app = makeApp();
    const api = new StatelessApp(app, 'api', { image: 'x:1' });
    const job = new BatchJob(app, 'migrate', { image: 'x:1' });
    expect(() => api.dependsOn(api)).toThrow("shop/api: 'dependsOn' ('api') a service cannot depend on itself");
    expect(() => api.dependsOn(job, { waitForPort: true })).toThrow(
      "shop/api: dependsOn(shop/migrate, { waitForPort: true }): 'migrate' has no Service to wait for; give it 'ports' or drop 'waitForPort'",
    );
  });
});
