/**
 * Every object `npm run synth` produces is valid for the real API server: a server-side dry run with strict
 * field validation rejects unknown fields, wrong types and invalid values, which is the OpenAPI schema and
 * the server's own validation together.
 */
import { join } from 'node:path';
import { findApp, listApps } from '../../../src/synth/apps.js';
import { PROJECT_ROOT, synthesize } from '../../../src/synth/synthesize.js';
import { toYamlDocuments } from '../../../src/util/yaml.js';
import { createTestNamespace, deleteNamespace, kubectlResult } from '../harness.js';

/** Fixture apps that use what the example apps do not (gRPC probes, init containers, sidecars, Service options; scheduling and security fields; NetworkPolicies), as paths. */
const FIXTURE_APPS = ['pods', 'services', 'safety', 'network'].map((name) => join(PROJECT_ROOT, 'test/unit/synth/fixtures/apps', name));

const cases = [...listApps(PROJECT_ROOT), ...FIXTURE_APPS.map((dir) => findApp(PROJECT_ROOT, dir))].flatMap((app) =>
  app.envs.map((env) => [app.name, env, app.dir] as const),
);

describe('synthesized manifests', () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await createTestNamespace('synth-openapi');
  });
  afterAll(async () => {
    await deleteNamespace(namespace);
  });

  it('covers the example apps and the fixture apps', () => {
    expect(cases.map(([app, env]) => `${app}/${env}`)).toEqual(expect.arrayContaining(['shop/prod', 'hello/dev', 'pods/default', 'services/default', 'safety/default', 'network/default']));
  });

  it('covers both envs of the Online Boutique port', () => {
    expect(cases.map(([app, env]) => `${app}/${env}`)).toEqual(expect.arrayContaining(['boutique/dev', 'boutique/prod']));
  });

  it.each(cases)('%s/%s passes a strict server-side dry run', async (_name, env, dir) => {
    const set = await synthesize({ app: dir, env, namespace });
    // Generated Secrets included: a dry run stores nothing, and their shape is checked too.
    const yaml = toYamlDocuments(set.objects);
    const res = await kubectlResult(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=berth', '-f', '-'], {
      input: yaml,
    });
    expect(res.stderr).toBe('');
    expect(res).toExitWith(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(set.objects.length);
  });
});
