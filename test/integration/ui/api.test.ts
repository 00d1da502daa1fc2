import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { kubectl, serviceAccountKubeconfig, testKubeconfig, testNamespaces } from '../harness.js';
import { execFile } from '../../../src/cluster/exec.js';
import { KubeClient } from '../../../src/kube/client.js';
import { ReleaseLock } from '../../../src/release/lock.js';
import { berth } from '../deploy/helpers.js';

/**
 * The console's JSON API against the local control plane: `berth ui` runs as a child process (stopped by its pid),
 * two releases live in two namespaces, and every response body is kept to check that no secret value ever left.
 */
const namespace = testNamespaces();
const marker = `uiapi${randomBytes(3).toString('hex')}`;
const SECRET = `ui-secret-${randomBytes(8).toString('hex')}`;
const bodies: string[] = [];

let main: Console;
let base = '';
let token = '';
let csrf = '';
let nsA = '';
let nsB = '';

interface Console {
  readonly child: ChildProcess;
  readonly base: string;
  readonly token: string;
}

/** Starts `berth ui` on a free port and reads the URL it prints. */
async function startConsole(kubeconfig: string): Promise<Console> {
  const child = spawn(process.execPath, ['bin/berth.cjs', 'ui', '--port', '0', '--no-open', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  return new Promise<Console>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth ui printed no URL in 60 s: ${stderr.join('')}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^Berth console: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]{43})$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, base: m[1]!, token: m[2]! });
    });
    child.on('exit', (code) => reject(new Error(`berth ui exited with ${code}: ${stderr.join('')}`)));
  });
}

/** Stops a console by its pid; it exits 0 on SIGTERM. */
async function stopConsole(c: Console | undefined): Promise<void> {
  if (c?.child.pid === undefined || c.child.exitCode !== null) return;
  const exited = new Promise<number | null>((resolve) => c.child.once('exit', (code) => resolve(code)));
  process.kill(c.child.pid, 'SIGTERM');
  expect(await exited).toBe(0);
}

/** A request to the console; every body is kept for the secret check. */
async function call(path: string, init: RequestInit & { auth?: boolean; csrf?: boolean; json?: unknown } = {}): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set('Authorization', `Bearer ${token}`);
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    if (init.csrf !== false) headers.set('X-Berth-CSRF', csrf);
  }
  const res = await fetch(`${base}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body, redirect: 'manual' });
  const text = await res.text();
  bodies.push(text);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const post = (path: string, json: unknown, extra: { auth?: boolean; csrf?: boolean; headers?: Record<string, string> } = {}) => call(path, { method: 'POST', json, ...extra });

/** Reads an event stream until `until` says stop (or the timeout), returning its events. */
async function events(path: string, until: (e: { event: string; data: any }) => boolean, timeoutMs = 120_000): Promise<{ event: string; data: any }[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const out: { event: string; data: any }[] = [];
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += Buffer.from(chunk).toString('utf8');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        bodies.push(block);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
        out.push({ event, data });
        if (until({ event, data })) return out;
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return out;
}

beforeAll(async () => {
  nsB = await namespace(`${marker}-b`);
  // The local control plane's volume provisioner sometimes loses a race on the db's claim ("the object has been
  // modified"), and the scheduler then retries the pod only minutes later: a fresh namespace is the quick way out.
  for (let attempt = 1; ; attempt++) {
    nsA = await namespace(`${marker}-a`);
    const shop = await berth('deploy', 'shop', '-r', 'shop', '-n', nsA, '--env', 'dev', '--set', `db.password=${SECRET}`, '--timeout', '120s');
    if (shop.code === 0) break;
    if (attempt === 3 || !/unbound immediate PersistentVolumeClaims/.test(shop.stdout + shop.stderr)) throw new Error(`berth deploy shop failed: ${shop.stdout}${shop.stderr}`);
  }
  for (const replicas of ['1', '2']) {
    const hello = await berth('deploy', 'hello', '-r', 'hello', '-n', nsB, '--env', 'dev', '--set', `replicas=${replicas}`, '--timeout', '60s');
    expect(hello).toExitWith(0);
  }
  main = await startConsole(testKubeconfig());
  ({ base, token } = main);
  csrf = (await call('/api/session')).body.csrf;
});

afterAll(async () => {
  await stopConsole(main);
});

describe('berth ui: security', () => {
  it('refuses a read and a mutation without the token with 401, as JSON with a message', async () => {
    for (const res of [await call('/api/releases', { auth: false }), await post(`/api/releases/${nsB}/hello/rollback`, { revision: 1 }, { auth: false })]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.body.error.message).toBe('no valid session token');
    }
    expect((await call('/api/releases', { auth: false, headers: { Authorization: 'Bearer not-the-token' } })).status).toBe(401);
  });

  it('refuses a foreign Host header and a foreign Origin with 403, even with the token', async () => {
    const { request } = await import('node:http');
    // fetch does not let a caller set Host: a raw request does, as a DNS-rebinding page's browser would.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/session`, { headers: { Host: `rebind.example:${new URL(base).port}`, Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const origin = await call('/api/releases', { headers: { Origin: 'https://evil.example' } });
    expect(origin.status).toBe(403);
    expect(origin.body.error.message).toContain("origin 'https://evil.example' are refused");
    expect((await call('/api/releases', { headers: { Origin: base } })).status).toBe(200);
  });

  it('refuses a POST without the CSRF header with 403, and one without a JSON body with 415', async () => {
    const res = await post(`/api/releases/${nsB}/hello/rollback/plan`, { revision: 1 }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('missing or wrong x-berth-csrf header');
    const form = await call(`/api/releases/${nsB}/hello/rollback/plan`, { method: 'POST', body: 'revision=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Berth-CSRF': csrf } });
    expect(form.status).toBe(415);
  });

  it('sets the session cookie from ?token= and redirects to the page without it; pages need the session', async () => {
    expect((await call('/', { auth: false })).status).toBe(401);
    const login = await call('/releases?token=' + token, { auth: false });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/releases');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toBe(`berth_session=${token}; HttpOnly; SameSite=Strict; Path=/`);
    const page = await call('/releases', { auth: false, headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await call('/api/session', { auth: false, headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
    expect((await call('/?token=wrong', { auth: false })).status).toBe(401);
  });
});

describe('berth ui: releases', () => {
  it('pages the list on the server: pageSize=1 gives total 2, page 2 has the other release; q filters', async () => {
    const first = await call(`/api/releases?q=${marker}&pageSize=1&sort=namespace`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 2, page: 1, pageSize: 1, notes: [] });
    expect(first.body.items).toEqual([expect.objectContaining({ namespace: nsA, release: 'shop', app: 'shop', revision: 1, status: 'deployed' })]);
    const second = await call(`/api/releases?q=${marker}&pageSize=1&page=2&sort=namespace`);
    expect(second.body.items).toEqual([expect.objectContaining({ namespace: nsB, release: 'hello', revision: 2 })]);
    const filtered = await call(`/api/releases?q=${marker}-b`);
    expect(filtered.body.items.map((r: any) => r.release)).toEqual(['hello']);
    const bad = await call('/api/releases?pageSize=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe("pageSize must be a whole number from 1 to 500, got '0'");
  });

  it('leaves out what the user may not read with a note, not an error', async () => {
    await kubectl(['create', 'serviceaccount', 'viewer', '-n', nsB]);
    const rbac = await execFile(process.execPath, ['bin/berth.cjs', 'rbac', '-n', nsB, '--service-account', 'viewer'], { timeoutMs: 60_000 });
    expect(rbac).toExitWith(0);
    await kubectl(['apply', '-f', '-'], { input: rbac.stdout });
    const limited = await startConsole(await serviceAccountKubeconfig(nsB, 'viewer'));
    try {
      const res = await fetch(`${limited.base}/api/releases?q=${marker}`, { headers: { Authorization: `Bearer ${limited.token}` } });
      const body = await res.text();
      bodies.push(body);
      expect(res.status).toBe(200);
      const list = JSON.parse(body);
      expect(list.items.map((r: any) => `${r.namespace}/${r.release}`)).toEqual([`${nsB}/hello`]);
      expect(list.notes).toEqual([{ message: `you may not list namespaces: showing namespace ${nsB} (the kubeconfig context's) only` }]);
    } finally {
      await stopConsole(limited);
    }
  });

  it('shows a release with its services, pods, history and config, the secret masked', async () => {
    const res = await call(`/api/releases/${nsA}/shop`);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(d.summary).toMatchObject({ namespace: nsA, release: 'shop', revision: 1 });
    expect(d.services.map((s: any) => s.name)).toEqual(expect.arrayContaining(['db', 'orders']));
    expect(d.services.find((s: any) => s.name === 'orders')).toMatchObject({ kind: 'Deployment', state: 'ready' });
    expect(d.pods.length).toBeGreaterThan(0);
    expect(d.pods[0]).toEqual(expect.objectContaining({ phase: 'Running', ready: true, restarts: 0, warnings: [] }));
    expect(d.history).toEqual([expect.objectContaining({ revision: 1, status: 'deployed', description: 'Install' })]);
    expect(d.config.db.password).toEqual({ secret: true, set: true });
    expect(d.config.db.user).toBe('shop');
  });

  it('answers an unknown release with 404 and the CLI message, a bad name with 400', async () => {
    const missing = await call(`/api/releases/${nsA}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ message: `release nope not found in namespace ${nsA}`, hint: 'berth list -A shows every release in every namespace' });
    const bad = await call(`/api/releases/${nsA}/Bad_Name`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("release name 'Bad_Name'");
    expect((await call('/api/nothing')).status).toBe(404);
  });

  it('streams the live status of a release from watches, again when its pods change', async () => {
    let scaled = false;
    const got = await events(
      `/api/releases/${nsB}/hello/watch`,
      (e) => {
        if (e.event !== 'status') return false;
        if (!scaled) {
          scaled = true;
          void kubectl(['scale', 'deployment', 'hello-web', '-n', nsB, '--replicas=3']);
          return false;
        }
        return e.data.services[0].pods.total === 3 && e.data.services[0].pods.ready === 3;
      },
      60_000,
    );
    const statuses = got.filter((e) => e.event === 'status').map((e) => e.data);
    expect(statuses[0].services).toEqual([expect.objectContaining({ name: 'web', state: 'ready', pods: { ready: 2, total: 2 } })]);
    expect(statuses[0].pods).toHaveLength(2);
    expect(statuses.at(-1).services[0].pods).toEqual({ ready: 3, total: 3 });
    expect(statuses.at(-1).pods).toHaveLength(3);
  });

  it('diffs two revisions as berth diff-revisions does: config first, then objects', async () => {
    const res = await call(`/api/releases/${nsB}/hello/diff?from=1&to=2`);
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual([{ path: 'replicas', before: 1, after: 2, secret: false }]);
    expect(res.body.objects).toEqual([expect.objectContaining({ object: 'Deployment/hello-web', change: 'update' })]);
    expect(res.body.objects[0].diff).toContain('-  replicas: 1\n+  replicas: 2');
    const cli = JSON.parse((await berth('diff-revisions', 'hello', '1', '2', '-n', nsB, '-o', 'json')).stdout);
    expect(res.body.objects.map((o: any) => o.diff)).toEqual(cli.objects.map((o: any) => o.diff));
    expect((await call(`/api/releases/${nsB}/hello/diff?from=1&to=9`)).status).toBe(404);
  });

  it('shows the dependency graph with readiness', async () => {
    const res = await call(`/api/releases/${nsA}/shop/graph`);
    expect(res.body.nodes.map((n: any) => n.name)).toEqual(expect.arrayContaining(['db', 'orders', 'gateway']));
    expect(res.body.edges.length).toBeGreaterThan(0);
    expect(res.body.waves.length).toBeGreaterThan(1);
  });
});

describe('berth ui: rollback and deploy', () => {
  it('plans a rollback, then rolls back with progress until done', async () => {
    const plan = await post(`/api/releases/${nsB}/hello/rollback/plan`, { revision: 1 });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ release: 'hello', namespace: nsB, summary: { update: 1 }, refusals: [] });
    expect(plan.body.changes.find((c: any) => c.object === 'Deployment/hello-web').action).toBe('update');
    const started = await post(`/api/releases/${nsB}/hello/rollback`, { revision: 1 });
    expect(started.status).toBe(200);
    const got = await events(`/api/operations/${started.body.id}/events`, (e) => e.event === 'done');
    expect(got.filter((e) => e.event === 'progress').length).toBeGreaterThan(0);
    expect(got.at(-1)).toEqual({ event: 'done', data: expect.objectContaining({ ok: true, revision: 3, status: 'deployed' }) });
    const history = JSON.parse((await berth('history', 'hello', '-n', nsB, '-o', 'json')).stdout);
    expect(history.at(-1)).toMatchObject({ revision: 3, status: 'deployed', description: 'Rollback to 1' });
    expect((await post(`/api/releases/${nsB}/hello/rollback`, { revision: 'one' })).status).toBe(400);
    expect((await post(`/api/releases/${nsB}/hello/rollback`, { revision: 42 })).status).toBe(404);
  });

  it('refuses a rollback of a release another run holds locked with 409 and the lock message', async () => {
    const lock = await ReleaseLock.acquire(await KubeClient.connect({ kubeconfig: testKubeconfig() }), nsB, 'hello', { ttlSeconds: 15 });
    try {
      const res = await post(`/api/releases/${nsB}/hello/rollback`, { revision: 1 });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(new RegExp(`^release hello in namespace ${nsB} is locked by `));
      expect(res.body.error.hint).toContain('another berth run is changing this release');
    } finally {
      await lock.release();
    }
  });

  it("validates with the CLI's validator: a bad value gives the CLI's message for that path", async () => {
    const res = await post('/api/validate', { source: { app: 'hello', env: 'dev' }, values: { replicas: 'three' } });
    expect(res.status).toBe(200);
    expect(res.body.fields).toHaveLength(1);
    expect(res.body.fields[0].path).toBe('replicas');
    const cli = await berth('deploy', 'hello', '--env', 'dev', '-r', 'x', '-n', nsB, '--set', 'replicas=three', '--dry-run');
    expect(cli).toExitWith(1);
    expect(cli.stderr).toContain(`  - ${res.body.fields[0].message} (--set replicas=three)`);
    expect((await post('/api/validate', { source: { app: 'hello', env: 'dev' }, values: { replicas: 3 } })).body).toEqual({ fields: [] });
    // A secret of the wrong shape is named, never echoed: the secret check below searches every body for it.
    const secret = await post('/api/validate', { source: { app: 'shop', env: 'dev' }, values: { db: { password: [SECRET] } } });
    expect(secret.body.fields.map((f: any) => f.path)).toEqual(['db.password']);
  });

  it('shows the schema with the env values, secrets masked and marked for a password input', async () => {
    const res = await call('/api/schema?app=shop&env=dev');
    expect(res.status).toBe(200);
    expect(res.body.schema.properties.db.properties.password).toMatchObject({ writeOnly: true, format: 'password' });
    expect(res.body.values.db.password).toEqual({ secret: true, set: true });
    const recorded = await call(`/api/schema?app=shop&env=dev&namespace=${nsA}&release=shop`);
    expect(recorded.body.values.db.password).toEqual({ secret: true, set: true });
  });

  it('plans a deploy from the form, refuses bad values with their fields, then deploys with progress to ready', async () => {
    const request = { source: { app: 'hello', env: 'dev' }, release: 'hello-form', namespace: nsB, values: { image: 'hashicorp/http-echo:1.0.0', message: 'from the form', replicas: 2 } };
    const bad = await post('/api/deploy/plan', { ...request, values: { ...request.values, replicas: 'two' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'replicas', message: expect.stringContaining('replicas') }]);
    expect(bad.body.error.message).toContain('do not match the config type HelloConfig');
    const plan = await post('/api/deploy/plan', request);
    expect(plan.status).toBe(200);
    expect(plan.body.summary).toEqual({ create: 3, update: 0, delete: 0, unchanged: 0 });
    expect(plan.body.config).toEqual(expect.arrayContaining([{ path: 'message', after: 'from the form', secret: false }]));
    const started = await post('/api/deploy', request);
    expect(started.status).toBe(200);
    const got = await events(`/api/operations/${started.body.id}/events`, (e) => e.event === 'done');
    expect(got.some((e) => e.event === 'progress' && e.data.state === 'ready')).toBe(true);
    expect(got.at(-1)!.data).toMatchObject({ ok: true, revision: 1, status: 'deployed' });
    const list = await call(`/api/releases?q=${marker}&sort=name`);
    expect(list.body.items.map((r: any) => r.release)).toEqual(['hello', 'hello-form', 'shop']);
  });

  it("plans an upgrade with the secret left masked as no change (the live value is kept), and a new one as a secret change", async () => {
    const schema = await call(`/api/schema?app=shop&env=dev&namespace=${nsA}&release=shop`);
    const request = { source: { app: 'shop', env: 'dev' }, release: 'shop', namespace: nsA, values: schema.body.values };
    const kept = await post('/api/deploy/plan', request);
    expect(kept.status).toBe(200);
    expect(kept.body.config).toEqual([]);
    expect(kept.body.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    const changed = await post('/api/deploy/plan', { ...request, values: { ...schema.body.values, db: { ...schema.body.values.db, password: `${SECRET}-2` } } });
    expect(changed.body.config).toEqual([{ path: 'db.password', secret: true }]);
    expect(changed.body.summary.update).toBeGreaterThan(0);
  });

});

describe('berth ui: secrets', () => {
  it('never sent the secret value, nor its base64, in any response', () => {
    expect(bodies.length).toBeGreaterThan(20);
    const all = bodies.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(Buffer.from(`${SECRET}-2`).toString('base64'));
    expect(all).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(all).not.toContain('dev-password-not-secret');
  });
});
