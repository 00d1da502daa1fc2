import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { templateSource } from '../../integration/registry/template-source.js';
import { buildTemplatePackage } from '../../../src/registry/package.js';
import { checkSample, loadTemplate, readTemplatePackage, synthesizeTemplate } from '../../../src/synth/template.js';

const FIXTURE = join(process.cwd(), 'test', 'integration', 'registry', 'fixtures', 'tmpl');

describe('template packages', () => {
  let out: string;
  let dir: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'berth-template-'));
    // The package `berth template publish` would publish.
    dir = (await buildTemplatePackage(templateSource(FIXTURE, out, { name: '@unit/tmpl', version: '1.0.0' }), join(out, 'pkg'))).dir;
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('renders from dist/ with the defaults under the values given, recording the template', async () => {
    const t = await loadTemplate(readTemplatePackage(dir, 'sha512-x'));
    const set = await synthesizeTemplate(t, { release: 'r', namespace: 'ns', values: { files: [], set: ['password=pw', 'replicas=3'] } });
    expect(set.template).toEqual({ name: '@unit/tmpl', version: '1.0.0', integrity: 'sha512-x' });
    expect(set.app).toBe('tmpl');
    // The label is the Application's version (the app's, like Helm's appVersion); the package version is the record's.
    expect(set.version).toBe('0.1.0');
    expect(new Set(set.objects.map((o) => o.metadata.labels?.['app.kubernetes.io/version']))).toEqual(new Set(['0.1.0']));
    const web = set.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'r-web') as unknown as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } };
    expect(web.spec.replicas).toBe(3);
    expect(web.spec.template.spec.containers[0]!.image).toBe('example.com/web:1');
    expect(set.publicConfig).toEqual({ webImage: 'example.com/web:1', replicas: 3, password: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });

  it('validates against berth.config with the app messages, naming the missing secret', async () => {
    const t = await loadTemplate(readTemplatePackage(dir, undefined));
    await expect(synthesizeTemplate(t, { release: 'r', namespace: 'ns' })).rejects.toThrow(
      'values from @unit/tmpl@1.0.0 defaults do not match the config type TmplConfig (1 problem):\n  - password: required field is missing; add it (string)',
    );
  });

  it('warns when its sample renders to another digest than the published one', async () => {
    const t = await loadTemplate(readTemplatePackage(dir, undefined));
    expect(checkSample(t)).toBeUndefined();
    const file = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...pkg, berth: { ...pkg.berth, sample: { ...pkg.berth.sample, digest: `sha256:${'0'.repeat(64)}` } } }));
    try {
      const changed = await loadTemplate(readTemplatePackage(dir, undefined));
      expect(checkSample(changed)).toMatch(
        /^@unit\/tmpl@1\.0\.0: rendering its sample \(env default, release sample, namespace default\) gives sha256:[0-9a-f]{12}…, not the published sha256:000000000000…: this Berth renders the template differently/,
      );
    } finally {
      writeFileSync(file, JSON.stringify(pkg));
    }
  });
});
