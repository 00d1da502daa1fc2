import { engineAdmits, parseTemplateManifest, type TemplateManifest } from '../../../src/model/template-manifest.js';

const valid: TemplateManifest = {
  apiVersion: 1,
  engine: '^0.1.0',
  app: 'redis',
  config: { type: 'object', properties: { image: { type: 'string' } } },
  defaults: { image: 'redis:7.4' },
  services: [{ name: 'cache', kind: 'StatefulApp' }],
  kinds: ['ConfigMap', 'Service', 'StatefulSet'],
  sample: { env: 'default', release: 'sample', namespace: 'default', digest: `sha256:${'a'.repeat(64)}` },
};

describe('parseTemplateManifest', () => {
  it('accepts a field that follows the contract and returns it', () => {
    expect(parseTemplateManifest(valid, '@berth/redis@1.0.0')).toEqual(valid);
  });

  it('says a package without a berth field is not a Berth template', () => {
    expect(() => parseTemplateManifest(undefined, '@acme/lodash@1.0.0')).toThrow('@acme/lodash@1.0.0 is not a Berth template: its package.json has no "berth" field');
  });

  it('names every broken path with what was expected and what it holds', () => {
    const broken = {
      ...valid,
      apiVersion: 2,
      engine: 'not a range',
      services: [{ name: 'cache', kind: 'Deployment' }, { kind: 'StatelessApp' }],
      sample: { ...valid.sample, digest: 'md5:abc' },
    };
    let message = '';
    try {
      parseTemplateManifest(broken, '@berth/redis@1.0.0');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      '@berth/redis@1.0.0 has a "berth" field that breaks the template contract:',
      '  berth.apiVersion: expected 1 (this Berth reads template API version 1), got 2',
      '  berth.engine: expected a semver range such as "^0.1.0", got "not a range"',
      '  berth.services[0].kind: expected one of StatelessApp, StatefulApp, DaemonApp, BatchJob, got "Deployment"',
      '  berth.services[1].name: expected a service name, got nothing',
      '  berth.sample.digest: expected "sha256:" and 64 hex digits, got "md5:abc"',
    ]);
  });

  it('refuses a config that is not an object schema and a field that is not an object', () => {
    expect(() => parseTemplateManifest({ ...valid, config: { type: 'string' } }, 'x@1.0.0')).toThrow('berth.config: expected the JSON Schema of the config (type "object")');
    expect(() => parseTemplateManifest('yes', 'x@1.0.0')).toThrow('berth.: expected an object, got "yes"');
  });
});

describe('engineAdmits', () => {
  it('checks the running Berth version against the template engine range', () => {
    expect(engineAdmits({ engine: '^0.1.0' }, '0.1.3')).toBe(true);
    expect(engineAdmits({ engine: '^0.1.0' }, '0.2.0')).toBe(false);
  });
});
