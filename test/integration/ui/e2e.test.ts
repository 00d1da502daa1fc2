import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { berth } from '../deploy/helpers.js';
import { getJson, kubectl, testNamespaces } from '../harness.js';
import { ARTIFACTS, CONSOLE_APP, buildWebIfNeeded, launchChromium, startConsole, type RunningConsole } from './console.js';

const namespace = testNamespaces();
const run = randomBytes(3).toString('hex');
// The console fixture's password, and the secrets of apps/shop's dev env (its form is opened below).
const SECRETS = ['e2e-db-secret-v1', 'dev-fake-provider-key', 'dev-password-not-secret', 'dev-fake-secret-key'];
const secretForms = SECRETS.flatMap((s) => [s, Buffer.from(s).toString('base64')]);

let nsA: string;
let nsB: string;
let server: RunningConsole;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every API response body the page received, and the page's text after each step: searched for secrets. */
const seen: { what: string; text: string }[] = [];

async function snapshot(name: string): Promise<void> {
  seen.push({ what: `page text at ${name}`, text: await page.locator('body').innerText() });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** What the label check reads of a form control in the page (the test's tsconfig has no DOM types). */
interface Control {
  readonly labels?: { readonly length: number } | null;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly outerHTML: string;
  getAttribute(name: string): string | null;
}

/** The first seconds of an event stream (a finished operation's stream replays its events and ends). */
async function readStream(url: string, token: string, ms = 3000): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  let text = '';
  try {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: abort.signal });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
  }
  return text;
}

const deploy = (release: string, ns: string, env: string) => berth('deploy', CONSOLE_APP, '-r', release, '-n', ns, '--env', env, '--timeout', '90s');

beforeAll(async () => {
  buildWebIfNeeded();
  nsA = await namespace(`ui-${run}-a`);
  nsB = await namespace(`ui-${run}-b`);
  for (const [release, ns, env] of [['shop', nsA, 'v1'], ['shop', nsA, 'v2'], ['other', nsB, 'v1']] as const) {
    const res = await deploy(release, ns, env);
    if (res.code !== 0) throw new Error(`seeding ${ns}/${release} (${env}) failed: ${res.stderr}`);
  }
  server = await startConsole();
  browser = await launchChromium();
  context = await browser.newContext({ colorScheme: 'light' });
  page = await context.newPage();
  page.on('response', async (response) => {
    if (!response.url().startsWith(`${server.origin}/api/`)) return;
    if ((response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
    seen.push({ what: `response of ${response.request().method()} ${response.url()}`, text: await response.text().catch(() => '') });
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the web console in a real browser', () => {
  it('opens with the printed URL and lists releases from two namespaces', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Releases' }).waitFor();
    await page.getByLabel('Search').fill(`ui-${run}`);
    const table = page.locator('table.releases');
    // Filtered and paged on the server: the search reaches the URL, then the list of this run's two releases.
    await page.waitForURL(new RegExp(`q=ui-${run}`));
    await table.locator('caption', { hasText: '1-2 of 2' }).waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.includes(nsA))).toMatch(/shop\s+.*2\s+deployed/s);
    expect(rows.find((r) => r.includes(nsB))).toMatch(/other\s+.*1\s+deployed/s);
    await snapshot('releases');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor)).toBe('rgb(21, 24, 28)');
    await page.screenshot({ path: join(ARTIFACTS, 'releases-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // The filter lives in the URL: the Releases link clears it, the back button brings it back, box and list alike.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Releases' }).click();
    await page.waitForURL((u) => !u.hash.includes('q='));
    expect(await page.getByLabel('Search').inputValue()).toBe('');
    await page.goBack();
    await table.locator('caption', { hasText: '1-2 of 2' }).waitFor();
    expect(await page.getByLabel('Search').inputValue()).toBe(`ui-${run}`);
  });

  it('opens a release: live service readiness, pods, masked config and history', async () => {
    await page.locator('table.releases').getByRole('link', { name: 'shop', exact: true }).click();
    await page.getByRole('heading', { name: /shop in/ }).waitFor();
    const services = page.locator('table.services');
    await services.locator('tr[data-service="api"]').getByText('ready', { exact: true }).waitFor();
    await services.locator('tr[data-service="db"]').getByText('ready', { exact: true }).waitFor();
    await page.getByText('live', { exact: true }).waitFor();
    const pods = await page.locator('table.pods tbody tr').allInnerTexts();
    expect(pods.filter((p) => p.startsWith('shop-api-'))).toHaveLength(2);
    expect(pods.filter((p) => p.startsWith('shop-db-'))).toHaveLength(1);
    const config = page.locator('table.config');
    await expect(config.locator('tr', { hasText: 'db.password' }).innerText()).resolves.toContain('secret, set');
    await expect(config.locator('tr', { hasText: 'api.logLevel' }).innerText()).resolves.toContain('debug');
    const history = await page.locator('table.history tbody tr').allInnerTexts();
    expect(history).toHaveLength(2);
    await snapshot('release');
    // Live: a third api pod appears through the watch stream, without a reload.
    await kubectl(['scale', 'deployment', 'shop-api', '--replicas', '3', '-n', nsA]);
    await services.locator('tr[data-service="api"]', { hasText: '3/3' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('table.pods tbody tr', { hasText: 'shop-api-' }).count()).toBe(3);
    await kubectl(['scale', 'deployment', 'shop-api', '--replicas', '2', '-n', nsA]);
    await services.locator('tr[data-service="api"]', { hasText: '2/2' }).waitFor({ timeout: 60_000 });
  });

  it('shows a config change between two revisions before the object diffs', async () => {
    await page.getByRole('link', { name: 'Diff with revision 1' }).click();
    // The release page has a "Config" heading too: wait for the diff's own table, or the rows read may be the old page's.
    await page.locator('table.changes caption', { hasText: 'Config changes from revision 1 to 2' }).waitFor();
    await page.getByRole('heading', { name: 'Config', exact: true }).waitFor();
    const changes = await page.locator('table.changes tbody tr').allInnerTexts();
    expect(changes.find((c) => c.includes('api.logLevel'))).toMatch(/changed\s+info\s+debug/);
    expect(changes.find((c) => c.includes('api.replicas'))).toMatch(/added\s+—\s+2/);
    const deployment = page.getByRole('region', { name: 'Deployment/shop-api' });
    await expect(deployment.getByRole('heading').innerText()).resolves.toBe('update Deployment/shop-api');
    await expect(deployment.locator('.diff').innerText()).resolves.toMatch(/-\s*replicas: 1\s.*\+\s*replicas: 2/s);
    await snapshot('diff');
  });

  it('lays out the dependency graph as SVG', async () => {
    await page.goto(`${server.origin}/#/releases/${nsA}/shop/graph`);
    const graph = page.getByRole('img');
    await graph.waitFor();
    expect(await page.locator('svg.graph g.node').count()).toBe(2);
    await expect(page.locator('svg.graph desc').textContent()).resolves.toMatch(/api depends on db/);
    await snapshot('graph');
  });

  it('rolls back to a chosen revision: the plan first, then progress until done', async () => {
    await page.goto(`${server.origin}/#/releases/${nsA}/shop/rollback?revision=1`);
    await page.getByLabel('To revision').waitFor();
    await page.getByRole('button', { name: 'Show plan' }).click();
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.locator('table.changes tr', { hasText: 'api.logLevel' }).waitFor();
    await expect(plan.innerText()).resolves.toMatch(/debug\s+info/);
    await snapshot('rollback-plan');
    await page.getByRole('button', { name: 'Roll back to revision 1' }).click();
    const result = page.getByTestId('operation-result');
    await result.waitFor({ timeout: 120_000 });
    await expect(result.innerText()).resolves.toMatch(/^Done: .*revision 3/);
    expect(await page.locator('ol.log li').count()).toBeGreaterThan(0);
    await snapshot('rollback-done');
    const history = await berth('history', 'shop', '-n', nsA, '-o', 'json');
    const revisions = JSON.parse(history.stdout);
    expect((Array.isArray(revisions) ? revisions : revisions.revisions).at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
  });

  // The console deploys apps under apps/ only (a path in a request would load any directory as an app): the form is
  // tested with `hello`, whose logLevel is an enum.
  it('rejects a bad value with the CLI\'s message, then deploys the fixed values with live progress', async () => {
    const bad = join(tmpdir(), `berth-ui-e2e-${run}.yaml`);
    writeFileSync(bad, 'logLevel: verbose\n');
    const cli = await berth('deploy', 'hello', '-r', 'fresh', '-n', nsB, '--env', 'dev', '--dry-run', '-f', bad);
    expect(cli).toExitWith(1);
    const problem = /^\s+- (logLevel): (.*) \(.*:\d+:\d+\)$/m.exec(cli.stderr);
    expect(problem).not.toBeNull();
    const [, path, message] = problem!;

    await page.goto(`${server.origin}/#/deploy?app=hello&env=dev&namespace=${nsB}`);
    await page.locator('#root_logLevel').waitFor();
    await expect(page.locator('.rjsf').innerText()).resolves.toContain('Default: 1');
    await page.getByLabel('Release name').fill('fresh');
    await page.getByRole('button', { name: 'YAML' }).click();
    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(`image: hashicorp/http-echo:1.0.0\nmessage: from the console ${run}\nlogLevel: verbose\nreplicas: 2\n`);
    const validation = page.getByTestId('validation');
    await validation.filter({ hasText: 'problem' }).waitFor();
    // The CLI's line for the value, word for word (its file location aside).
    await expect(validation.innerText()).resolves.toBe(`1 problem: ${path}: ${message}`);
    expect(await page.getByRole('button', { name: 'Preview' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Form' }).click();
    await page.locator('#root_logLevel').waitFor();
    const fieldErrors = await page.locator('.rjsf .error-detail li').allInnerTexts();
    expect(fieldErrors).toHaveLength(1);
    expect(fieldErrors[0]).toContain(message);
    await snapshot('form-invalid');
    await page.locator('#root_logLevel').selectOption('warn');
    await validation.filter({ hasText: 'Valid.' }).waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.waitFor();
    await expect(plan.innerText()).resolves.toMatch(/\d+ to create/);
    await snapshot('form-preview');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const result = page.getByTestId('operation-result');
    await result.waitFor({ timeout: 120_000 });
    await expect(result.innerText()).resolves.toMatch(/^Done: .*revision 1/);
    expect(await page.locator('ol.log li').count()).toBeGreaterThan(0);
    await snapshot('form-deployed');
    const deployment = await getJson('deployment', 'fresh-web', nsB);
    expect(deployment.spec.replicas).toBe(2);
  });

  it('upgrades a release from its page: the form starts from its config, the preview shows config changes first', async () => {
    await page.goto(`${server.origin}/#/releases/${nsB}/fresh`);
    await page.getByRole('link', { name: 'Upgrade…' }).click();
    const replicas = page.locator('#root_replicas');
    await replicas.waitFor();
    expect(await replicas.inputValue()).toBe('2');
    // rjsf's select options carry the enum's index as their value: read the chosen option's label.
    expect(await page.locator('#root_logLevel option:checked').innerText()).toBe('warn');
    expect(await page.getByLabel('Release name').getAttribute('readonly')).not.toBeNull();
    await replicas.fill('3');
    await page.getByTestId('validation').filter({ hasText: 'Valid.' }).waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.locator('table.changes').waitFor();
    const text = await plan.innerText();
    expect(text.indexOf('replicas')).toBeLessThan(text.indexOf('Objects:'));
    expect(await plan.locator('table.changes tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^replicas\s+changed\s+2\s+3$/)]);
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByTestId('operation-result').innerText({ timeout: 120_000 })).resolves.toMatch(/^Done: .*revision 2/);
    expect((await getJson('deployment', 'fresh-web', nsB)).spec.replicas).toBe(3);
  });

  it('shows secret fields as empty password inputs and nested objects as collapsible groups', async () => {
    await page.goto(`${server.origin}/#/deploy?app=shop&env=dev`);
    const password = page.locator('#root_db_password');
    await password.waitFor();
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.inputValue()).toBe('');
    expect(await password.getAttribute('placeholder')).toMatch(/leave blank to keep/);
    const secrets = page.locator('.rjsf input[type="password"]');
    expect(await secrets.count()).toBe(3);
    const db = page.locator('details#root_db');
    expect(await db.getAttribute('open')).not.toBeNull();
    await db.locator(':scope > summary').focus();
    await page.keyboard.press('Enter');
    expect(await db.getAttribute('open')).toBeNull();
    await snapshot('form-shop');
  });

  it('labels every control and shows where the keyboard focus is', async () => {
    for (const [hash, ready] of [['#/releases', 'table.releases'], ['#/deploy?app=shop&env=dev', '#root_db_password'], [`#/releases/${nsA}/shop`, 'table.history']]) {
      await page.goto(`${server.origin}/${hash}`);
      await page.locator(ready).waitFor();
      const unlabelled = await page
        .locator('input, select, textarea, button, [contenteditable="true"]')
        .evaluateAll((elements) =>
          (elements as unknown as Control[])
            .filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.getAttribute('title') || (c.tagName === 'BUTTON' && c.textContent?.trim())))
            .map((c) => c.outerHTML.slice(0, 160)),
        );
      expect(unlabelled).toEqual([]);
    }
    // The page's heading has the focus after navigation; Tab moves on to a control whose focus ring shows.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { tagName: string } } }).document.activeElement.tagName)).toBe('H1');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { activeElement: unknown }; getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } };
      const style = g.getComputedStyle(g.document.activeElement);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe('solid 3px');
  });

  it('never shows a secret value: not in the page text, not in any API response or event stream', async () => {
    // The page's event streams never end, so the browser cannot hand their bodies over: read them here, with the token.
    const token = new URL(server.url).searchParams.get('token')!;
    const operations = seen.flatMap((s) => (/\/api\/(deploy|releases\/.*\/rollback)$/.test(s.what) ? [JSON.parse(s.text).id as string] : []));
    expect(operations).toHaveLength(3);
    for (const path of [`/api/releases/${nsA}/shop/watch`, ...operations.map((id) => `/api/operations/${id}/events`)]) {
      seen.push({ what: `event stream ${path}`, text: await readStream(`${server.origin}${path}`, token) });
    }
    expect(seen.filter((s) => s.what.startsWith('event stream')).every((s) => s.text.includes('data:'))).toBe(true);
    expect(seen.length).toBeGreaterThan(10);
    const leaks = seen.filter((s) => secretForms.some((secret) => s.text.includes(secret))).map((s) => s.what);
    expect(leaks).toEqual([]);
  });

  it('refuses the API without the token, in the browser and outside it', async () => {
    const anonymous = await browser.newContext();
    const fresh = await anonymous.newPage();
    const refused = await fresh.goto(`${server.origin}/`);
    expect(refused?.status()).toBe(401);
    await expect(fresh.locator('body').innerText()).resolves.toContain('token');
    await anonymous.close();

    const list = await fetch(`${server.origin}/api/releases`);
    expect(list.status).toBe(401);
    expect(((await list.json()) as { error: { message: string } }).error.message).toEqual(expect.any(String));
    const rollback = await fetch(`${server.origin}/api/releases/${nsA}/shop/rollback`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"revision":1}' });
    expect(rollback.status).toBe(401);
  });
});
