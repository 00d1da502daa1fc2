import { Testing } from 'cdk8s';
import Hello from '../../../apps/hello/index.js';
import dev from '../../../apps/hello/env/dev.js';
import prod from '../../../apps/hello/env/prod.js';
import { find, validationErrors, type KubeObj } from '../lib/util.js';

describe('apps/hello', () => {
  test('is one stateless service with its config', () => {
    const app = new Hello(Testing.app(), 'hello', { config: dev, release: { name: 'hello', namespace: 'dev', env: 'dev' } });
    expect(validationErrors(app)).toEqual([]);
    const objects = app.toJson() as KubeObj[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/hello-web-config', 'Deployment/hello-web', 'Service/hello-web']);
    expect(find(objects, 'ConfigMap').data).toEqual({ LOG_LEVEL: 'debug' });
    expect(app.describe().services).toEqual([
      {
        name: 'web',
        kind: 'stateless',
        dependsOn: [],
        configHash: expect.stringMatching(/^[0-9a-f]{16}$/),
        defaultResources: ['web'],
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
        edges: [],
      },
    ]);
  });

  test('prod runs three replicas', () => {
    const app = new Hello(Testing.app(), 'hello', { config: prod, release: { name: 'hello', namespace: 'prod', env: 'prod' } });
    expect(find(app.toJson() as KubeObj[], 'Deployment').spec.replicas).toBe(3);
  });
});
