/**
 * The console's deploy form and catalog with a template from a real Verdaccio: its schema, a deploy, an upgrade whose blank
 * secret keeps the release's live value (recovered from its Secret, as `berth deploy` does). `berth ui` runs as a
 * child process with the registry's .npmrc, stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../../src/cluster/paths.js';
import { listJson, testKubeconfig, testNamespaces } from '../harness.js';
import { execFile } from '../../../src/cluster/exec.js';
import { launchChromium } from './console.js';
import { packumentCacheDir } from '../../../src/registry/paths.js';
import { startVerdaccio, type TestRegistry } from '../registry/verdaccio.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'registry', 'fixtures', 'tmpl');
const namespace = testNamespaces();
const PASSWORD = `tmpl-secret-${randomBytes(8).toString('hex')}`;
const bodies: string[] = [];

let registry: TestRegistry;
let work: string;
let name: string;
let ns: string;
let child: ChildProcess;
let base = '';
let token = '';
let csrf = '';

async function call(path: string, json?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (json !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'X-Berth-CSRF': csrf });
  const res = await fetch(`${base}${path}`, { method: json === undefined ? 'GET' : 'POST', headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, body: JSON.parse(text) };
}

async function untilDone(id: string): Promise<any> {
  const res = await fetch(`${base}/api/operations/${id}/events`, { headers: { Authorization: `Bearer ${token}` } });
  let text = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += Buffer.from(chunk).toString('utf8');
    const m = /event: done\ndata: (.*)\n\n/.exec(text);
    if (m) {
      bodies.push(text);
      return JSON.parse(m[1]!);
    }
  }
  throw new Error(`the operation's stream ended without done: ${text}`);
}

beforeAll(async () => {
  registry = await startVerdaccio();
  work = mkdtempSync(join(tmpdir(), 'berth-ui-template-'));
  name = `@t${randomBytes(4).toString('hex')}/tmpl`;
  ns = await namespace('ui-tmpl');
  // The registry's .npmrc, plus the scope line the catalog searches (as `berth registry login --scope` writes it).
  const npmrc = join(work, 'ui.npmrc');
  writeFileSync(npmrc, `${readFileSync(registry.npmrcPath, 'utf8')}${name.split('/')[0]}:registry=${registry.url}\n`, { mode: 0o600 });
  // Published as a user publishes one: `berth template publish` of the fixture's source under a scope of its own.
  const source = join(work, 'tmpl');
  cpSync(FIXTURE, source, { recursive: true });
  const pkgFile = join(source, 'package.json');
  writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(readFileSync(pkgFile, 'utf8')), name, version: '1.0.0' }, null, 2));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
  const published = await execFile(process.execPath, ['bin/berth.cjs', 'template', 'publish', source], { timeoutMs: 180_000, env: { ...env, npm_config_userconfig: npmrc } });
  if (published.code !== 0) throw new Error(`berth template publish failed: ${published.stdout}${published.stderr}`);
  child = spawn(process.execPath, ['bin/berth.cjs', 'ui', '--port', '0', '--no-open', '--kubeconfig', testKubeconfig()], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CI: '1', BERTH_LOCK_TTL_SECONDS: '15', npm_config_userconfig: npmrc, NPM_CONFIG_USERCONFIG: npmrc },
  });
  const url = await new Promise<URL>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^Berth console: (\S+)$/.exec(line);
      if (m) resolve(new URL(m[1]!));
    });
    child.on('exit', (code) => reject(new Error(`berth ui exited with ${code}`)));
  });
  base = url.origin;
  token = url.searchParams.get('token')!;
  csrf = (await call('/api/session')).body.csrf;
});

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }
  await registry?.stop();
  if (registry) rmSync(join(packumentCacheDir(), new URL(registry.url).host.replace(':', '_')), { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
  if (name) rmSync(join(cacheRoot(), 'templates', name.split('/')[0]!), { recursive: true, force: true });
});

describe('berth ui: a template from the registry', () => {
  it('shows its schema with the secret marked for a password input and its defaults as the values', async () => {
    const res = await call(`/api/schema?template=${encodeURIComponent(`${name}@^1`)}`);
    expect(res.status).toBe(200);
    expect(res.body.schema.properties.password).toMatchObject({ writeOnly: true, format: 'password' });
    expect(res.body.schema.required).toContain('password');
    expect(res.body.values.password).toBeUndefined();
  });

  it('refuses a deploy without the required secret with the field named, then deploys with it', async () => {
    const request = { source: { template: `${name}@^1` }, release: 'app', namespace: ns, values: { replicas: 2 } };
    const missing = await call('/api/validate', { source: request.source, values: request.values });
    expect(missing.body.fields).toEqual([{ path: 'password', message: 'password: required field is missing; add it (string)' }]);
    const started = await call('/api/deploy', { ...request, values: { ...request.values, password: PASSWORD } });
    expect(started.status).toBe(200);
    expect(await untilDone(started.body.id)).toMatchObject({ ok: true, revision: 1, status: 'deployed' });
    const detail = await call(`/api/releases/${ns}/app`);
    expect(detail.body.summary.template).toEqual({ name, version: '1.0.0' });
    expect(detail.body.config.password).toEqual({ secret: true, set: true });
  });

  it('upgrades with the secret left masked: the live value is kept, the other change applied', async () => {
    const current = await call(`/api/schema?template=${encodeURIComponent(`${name}@^1`)}&namespace=${ns}&release=app`);
    expect(current.body.values.password).toEqual({ secret: true, set: true });
    const request = { source: { template: `${name}@^1` }, release: 'app', namespace: ns, values: { ...current.body.values, replicas: 3 } };
    // Over the release's recorded config the blank secret is there; over the template's defaults it is missing.
    expect((await call('/api/validate', request)).body).toEqual({ fields: [] });
    expect((await call('/api/validate', { source: request.source, values: request.values })).body.fields.map((f: any) => f.path)).toEqual(['password']);
    const plan = await call('/api/deploy/plan', request);
    expect(plan.status).toBe(200);
    expect(plan.body.config).toEqual([{ path: 'replicas', before: 2, after: 3, secret: false }]);
    const started = await call('/api/deploy', request);
    expect(await untilDone(started.body.id)).toMatchObject({ ok: true, revision: 2, status: 'deployed' });
    const secrets = await listJson('secret', ns, 'app.kubernetes.io/name=db');
    const values = secrets.flatMap((s) => Object.values((s.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString()));
    expect(values).toContain(PASSWORD);
  });

  it("lists the registry's templates in the catalog with versions and config rows, filtered by q as template search", async () => {
    const all = await call('/api/catalog');
    expect(all.status).toBe(200);
    const entry = all.body.items.find((e: any) => e.name === name);
    expect(entry).toMatchObject({ latest: '1.0.0', versions: ['1.0.0'] });
    expect(entry.config).toEqual(
      expect.arrayContaining([
        { path: 'password', type: 'string', required: true, secret: true, description: 'Password of the database.' },
        { path: 'replicas', type: 'number', required: false, default: 1, secret: false, description: 'Pods of the web service.' },
      ]),
    );
    expect((await call('/api/catalog?q=password')).body.items.map((e: any) => e.name)).toContain(name);
    expect((await call('/api/catalog?q=zzz-no-such-word')).body).toEqual({ items: [], notes: [] });
  });

  it('shows the template on the catalog page in a browser, and its deploy button opens the form with the secret as a password input', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.on('response', (res) => {
        if (res.url().includes('/api/')) void res.text().then((t) => bodies.push(t), () => undefined);
      });
      await page.goto(`${base}/?token=${token}#/catalog`);
      await page.getByRole('heading', { name: 'Catalog' }).waitFor();
      const card = page.getByRole('article', { name });
      await card.getByText('Test template: a database and a web service').waitFor();
      await card.getByText(/^Config \(\d+ fields\)$/).click();
      await card.locator('table.config').getByText('password', { exact: true }).waitFor();
      // A word of the description narrows the list as `berth template search` does; a word nobody has empties it.
      await page.getByLabel('Search templates').fill('zzz-no-such-word');
      await page.getByText('No templates found.').waitFor();
      await page.getByLabel('Search templates').fill('database');
      await card.getByRole('link', { name: `Deploy ${name}@1.0.0…` }).click();
      await page.waitForURL(/#\/deploy/);
      const password = page.locator('input[type="password"]').first();
      await password.waitFor();
      expect(await password.inputValue()).toBe('');
      expect(await page.locator('body').innerText()).not.toContain(PASSWORD);
    } finally {
      await browser.close();
    }
  });

  it('never sent the secret value, nor its base64', () => {
    const all = bodies.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });
});
