import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findApp } from '../../../src/synth/apps.js';
import { synthesize, chooseEnv, PROJECT_ROOT } from '../../../src/synth/synthesize.js';
import { synthToDisk } from '../../../src/synth/run.js';
import { UserError } from '../../../src/errors.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'apps');

describe('synthesize', () => {
  it('renders an app with the env config, release and namespace, objects in kind order with sorted keys', async () => {
    const set = await synthesize({ app: join(fixtures, 'plain'), env: 'prod', release: 'r1' });
    expect(set.namespace).toBe('prod');
    expect(set.release).toBe('r1');
    expect(set.version).toBe('1.2.3');
    expect(set.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/r1-web-config',
      'Secret/r1-web-secret',
      'Deployment/r1-web',
    ]);
    expect(Object.keys(set.objects[2]!.spec as object)).toEqual(['alpha', 'replicas', 'zeta']);
    expect((set.objects[2]!.spec as { replicas: number }).replicas).toBe(3);
    expect(set.objects.every((o) => o.metadata.namespace === 'prod')).toBe(true);
  });

  it('renders objects of the full 1.34 bindings (berth/k8s) and cdk8s-plus-27 constructs placed in an Application', async () => {
    const set = await synthesize({ app: join(fixtures, 'raw-objects'), release: 'r1', namespace: 'ns' });
    expect(set.objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`)).toEqual([
      'rbac.authorization.k8s.io/v1 Role/raw-reader in ns',
      'v1 ConfigMap/raw-settings in ns',
    ]);
    // Part of the release like Berth's own objects: what ownership, prune and uninstall go by.
    for (const o of set.objects) {
      expect(o.metadata.annotations).toEqual({ 'berth.dev/release': 'ns/r1' });
      expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('r1');
    }
  });

  it('refuses a cluster-scoped object and one naming another namespace, naming each object and the way out', async () => {
    const set = ['clusterRole=true', 'settingsNamespace=kube-system'];
    await expect(synthesize({ app: join(fixtures, 'raw-objects'), release: 'r1', namespace: 'ns', values: { files: [], set } })).rejects.toThrow(
      new UserError(
        'raw-objects (env default) is not valid:\n' +
          "  raw-objects: ConfigMap/raw-settings (raw-objects/settings/Resource) names namespace 'kube-system', but release r1 goes into namespace 'ns': remove its metadata.namespace (in the file it comes from, for an Include), or move it into the release's namespace with `otherNamespaces: 'rewrite'` in the Application's props\n" +
          "  raw-objects: ClusterRole/r1-admin (raw-objects/admin) is cluster-scoped, and application 'raw-objects' renders namespaced objects only: allow cluster-scoped objects with `clusterScoped: 'allow'` in the Application's props (`super(scope, id, { ...props, clusterScoped: 'allow' })`; the release then owns, prunes and uninstalls them), or create the object out of band",
      ),
    );
  });

  it('gives the config with secret-marked values hashed for revisions (apps/shop)', async () => {
    const set = await synthesize({ app: 'shop', env: 'dev' });
    const clear = (set.config as { db: { password: string } }).db.password;
    const stored = (set.publicConfig as { db: { password: string } }).db.password;
    expect(stored).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(set.publicConfig)).not.toContain(clear);
    expect((set.publicConfig as { logLevel: string }).logLevel).toBe((set.config as { logLevel: string }).logLevel);
  });

  it("labels objects with the Application's own version (its app version), not a package.json's", async () => {
    const out = mkdtempSync(join(tmpdir(), 'berth-synth-version-'));
    const tmpl = join(out, 'tmpl');
    cpSync(join(PROJECT_ROOT, 'test', 'integration', 'registry', 'fixtures', 'tmpl'), tmpl, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(tmpl, 'package.json'), 'utf8'));
    writeFileSync(join(tmpl, 'package.json'), JSON.stringify({ ...pkg, version: '1.4.0' }));
    // A template's package version is recorded in the revision (history shows it); the label is the app's version,
    // so a template release that changes nothing but its package version writes nothing and rolls no pod.
    const set = await synthesize({ app: tmpl, env: 'default' });
    expect(set.version).toBe('0.1.0');
    expect(new Set(set.objects.map((o) => o.metadata.labels?.['app.kubernetes.io/version']))).toEqual(new Set(['0.1.0']));

    const plain = join(out, 'plain');
    cpSync(join(fixtures, 'plain'), plain, { recursive: true });
    writeFileSync(join(plain, 'package.json'), JSON.stringify({ name: 'plain', version: '9.9.9' }));
    expect((await synthesize({ app: plain, env: 'prod' })).version).toBe('1.2.3');
  });

  it('asks for --env when an app has several environments', async () => {
    await expect(synthesize({ app: join(fixtures, 'plain') })).rejects.toThrow(
      'app plain has several environments: choose one with --env',
    );
  });

  it('names the environments that exist when the env is unknown', () => {
    const source = findApp(PROJECT_ROOT, join(fixtures, 'plain'));
    expect(() => chooseEnv(source, 'staging', false)).toThrow(UserError);
    try {
      chooseEnv(source, 'staging', false);
    } catch (err) {
      expect((err as UserError).hint).toBe('environments: dev, prod');
    }
  });

  it('reports construct validation errors with the construct path', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'berth-synth-')), 'plain');
    cpSync(join(fixtures, 'plain'), dir, { recursive: true });
    writeFileSync(join(dir, 'env', 'dev.ts'), "export default { message: 'x', replicas: -1 };\n");
    await expect(synthesize({ app: dir, env: 'dev' })).rejects.toThrow(/is not valid:\n {2}\S+: 'replicas' \(-1\) must be >= 0/);
  });

  it('names the one config field a refused prop value came from, and where it was set', async () => {
    const values = { files: [], set: ['orders.minReplicas=9', 'orders.maxReplicas=2'] };
    await expect(synthesize({ app: 'shop', env: 'dev', values })).rejects.toThrow(
      new UserError(
        "shop (env dev): shop/orders: 'autoscaling.maxReplicas' (2) must be >= 'autoscaling.minReplicas' (9)\n  the value comes from config field orders.maxReplicas (--set orders.maxReplicas=2)",
        { hint: 'fix the props or config named above' },
      ),
    );
  });

  it('refuses an object over the API size limits before anything is deployed, naming the object and the config field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-big-'));
    writeFileSync(join(dir, 'name.yaml'), `db:\n  database: ${'d'.repeat(700 * 1024)}\n`);
    writeFileSync(join(dir, 'user.yaml'), `db:\n  user: ${'u'.repeat(700 * 1024)}\n`);
    const values = { files: [join(dir, 'name.yaml'), join(dir, 'user.yaml')], set: [] };
    const err = await synthesize({ app: 'shop', env: 'dev', values }).catch((e: unknown) => e as UserError);
    expect(err).toBeInstanceOf(UserError);
    const lines = (err as UserError).message.split('\n');
    expect(lines[0]).toBe('shop (env dev) renders objects the API server would refuse:');
    expect(lines).toContain(
      `  - ConfigMap/shop-orders-config: its data is 1.4 MiB (key DB_NAME: 700 KiB); a ConfigMap holds at most 1 MiB; it holds config field db.database (716800 characters, ${join(dir, 'name.yaml')}:2:3), config field db.user (716800 characters, ${join(dir, 'user.yaml')}:2:3)`,
    );
  });

  it('checks the env module against the config schema, naming the env file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'berth-synth-')), 'plain');
    cpSync(join(fixtures, 'plain'), dir, { recursive: true });
    writeFileSync(join(dir, 'env', 'dev.ts'), "export default { message: 'x', replicas: 1, replica: 2 };\n");
    await expect(synthesize({ app: dir, env: 'dev' })).rejects.toThrow(/env\/dev\.ts do not match the config type PlainConfig[\s\S]*replica: unknown field; did you mean `replicas`\?/);
  });

  it('turns a compile error into a user error with file and line', async () => {
    await expect(synthesize({ app: join(fixtures, 'broken') })).rejects.toThrow(/the app does not compile:[\s\S]*broken\/index.ts:4:0/);
  });

  it('refuses an unknown app and lists the known ones', () => {
    expect(() => findApp(PROJECT_ROOT, 'no-such-app')).toThrow(/no application 'no-such-app'/);
  });
});

describe('synthToDisk', () => {
  it('reports the services whose containers run on default resources, and only those', async () => {
    const shop = await synthToDisk({ app: 'shop', env: 'dev', values: [], set: [], out: mkdtempSync(join(tmpdir(), 'berth-out-')) });
    expect(shop[0]!.defaultResources).toEqual([
      { service: 'db-proxy', containers: ['db-proxy'] },
      { service: 'backup', containers: ['backup'] },
    ]);
    const safety = await synthToDisk({ app: join(fixtures, 'safety'), values: [], set: [], out: mkdtempSync(join(tmpdir(), 'berth-out-')) });
    expect(safety[0]!.defaultResources).toEqual([]);
  });

  it('writes one file per service, byte-identical across runs, leaving generated Secrets out', async () => {
    const out1 = mkdtempSync(join(tmpdir(), 'berth-out-'));
    const out2 = mkdtempSync(join(tmpdir(), 'berth-out-'));
    const reports = await synthToDisk({ app: join(fixtures, 'plain'), values: [], set: [], out: out1 });
    await synthToDisk({ app: join(fixtures, 'plain'), values: [], set: [], out: out2 });
    expect(reports.map((r) => r.env)).toEqual(['dev', 'prod']);
    expect(readdirSync(out1).sort()).toEqual(['plain', 'plain.schema.json']);
    for (const env of ['dev', 'prod']) {
      const files = readdirSync(join(out1, 'plain', env));
      expect(files).toEqual(['web.yaml']);
      const a = readFileSync(join(out1, 'plain', env, 'web.yaml'), 'utf8');
      expect(readFileSync(join(out2, 'plain', env, 'web.yaml'), 'utf8')).toBe(a);
      expect(a).not.toContain(Buffer.from('hunter2').toString('base64'));
      expect(a).not.toContain('kind: Secret');
      expect(a).toContain('not written here: Secret plain-web-secret (token)');
    }
  });

  it("writes each service's NetworkPolicy into the service's file, after its other objects", async () => {
    const out = mkdtempSync(join(tmpdir(), 'berth-out-'));
    await synthToDisk({ app: join(fixtures, 'network'), values: [], set: [], out });
    const files = readdirSync(join(out, 'network', 'default')).sort();
    expect(files).toEqual(['api.yaml', 'backup.yaml', 'cache.yaml', 'db-proxy.yaml', 'db.yaml', 'gateway.yaml', 'node-agent.yaml']);
    const api = readFileSync(join(out, 'network', 'default', 'api.yaml'), 'utf8');
    const kinds = [...api.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds).toEqual(['ConfigMap', 'Service', 'Deployment', 'NetworkPolicy', 'NetworkPolicy']);
    expect(api).toContain('name: network-api-egress');
  });
});
