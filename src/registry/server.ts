import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { tailLines } from '../cluster/exec.js';
import { toYaml } from '../util/yaml.js';
import { pidAlive, processScope, processStartTime, sleep, userName } from '../util/process.js';
import { registryMessage, registryRequest } from './http.js';
import { installVerdaccio, VERDACCIO_VERSION, verdaccioBin } from './install.js';
import { registryFiles, registryHome, verdaccioAppDir, type RegistryFiles } from './paths.js';

/**
 * `berth registry up|down|status|login`: a local Verdaccio on 127.0.0.1, started and stopped by its recorded pid like
 * the local control plane. Decisions (see .notes/registry.md):
 * - no uplinks: nothing is proxied to the public registry, so `@berth/...` (the catalog's scope) always means the
 *   local copy, and a name nobody published locally is a clear 404, never someone else's package;
 * - self-signup is off (`max_users: -1`): the one user is the local owner, whose htpasswd line Berth writes itself;
 *   reads are open to anyone who can reach 127.0.0.1, publishing needs the owner's token;
 * - the owner's password is random and never kept: only the token is (mode 0600, as npm keeps one in ~/.npmrc);
 *   a lost token is replaced by setting a new password and logging in again.
 */

export const DEFAULT_PORT = 4873;

/** Ports below 1024 need privileges; the others are ones fetch() refuses to talk to (WHATWG "bad ports"). */
const FETCH_BAD_PORTS = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

/** Why a port cannot serve the registry, or undefined when it can. */
export function portProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) return `--port must be a whole number from 1024 to 65535, got '${port}'`;
  if (FETCH_BAD_PORTS.has(port)) return `--port ${port} is one that HTTP clients (fetch, browsers) refuse to connect to`;
  return undefined;
}

export interface RegistryOptions {
  /** State directory (config, storage, htpasswd, pid). @default ~/.cache/berth/registry */
  readonly home?: string;
  /** Where Verdaccio is installed. @default ~/.cache/berth/registry/app */
  readonly appDir?: string;
  readonly onProgress?: (line: string) => void;
}

interface ServerState {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** /proc start time of the pid and the boot id: a reused pid is not ours. */
  readonly startTime?: string;
  readonly bootId?: string;
  readonly version: string;
  readonly startedAt: string;
}

export interface RegistryStatus {
  readonly state: 'running' | 'stopped';
  readonly url?: string;
  readonly port?: number;
  readonly pid?: number;
  readonly version: string;
  readonly installed: boolean;
  readonly home: string;
  readonly storage: string;
  readonly user?: string;
  /** Package names in the storage. */
  readonly packages: readonly string[];
}

export interface UpResult extends RegistryStatus {
  readonly state: 'running';
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly user: string;
  readonly reused: boolean;
  readonly seconds: number;
}

function resolved(opts: RegistryOptions): { files: RegistryFiles; appDir: string } {
  return { files: registryFiles(opts.home ?? registryHome()), appDir: opts.appDir ?? verdaccioAppDir() };
}

/** The recorded server, when its pid still runs the Verdaccio started with this home's config. */
function runningState(files: RegistryFiles): ServerState | undefined {
  if (!existsSync(files.state)) return undefined;
  let state: ServerState;
  try {
    state = JSON.parse(readFileSync(files.state, 'utf8')) as ServerState;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(state.pid) || state.pid <= 0 || !pidAlive(state.pid)) return undefined;
  // Verdaccio replaces its command line with the web title, so the pid is known ours by its start time and boot.
  if (processStartTime(state.pid) !== state.startTime || processScope().bootId !== state.bootId) return undefined;
  return state;
}

/** Names of the packages in the storage (`@scope/name` directories and unscoped ones). */
function storedPackages(storage: string): string[] {
  if (!existsSync(storage)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(storage, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      for (const pkg of readdirSync(join(storage, entry.name), { withFileTypes: true })) {
        if (pkg.isDirectory()) names.push(`${entry.name}/${pkg.name}`);
      }
    } else names.push(entry.name);
  }
  return names.sort();
}

export function ownerName(): string {
  const name = userName().toLowerCase().replace(/[^a-z0-9._-]/g, '');
  return name === '' ? 'owner' : name;
}

export async function registryStatus(opts: RegistryOptions = {}): Promise<RegistryStatus> {
  const { files, appDir } = resolved(opts);
  const state = runningState(files);
  const base = {
    version: VERDACCIO_VERSION,
    installed: verdaccioBin(appDir) !== undefined,
    home: files.home,
    storage: files.storage,
    user: existsSync(files.htpasswd) ? ownerName() : undefined,
    packages: storedPackages(files.storage),
  };
  if (!state) return { state: 'stopped', ...base };
  return { state: 'running', url: state.url, port: state.port, pid: state.pid, ...base };
}

function verdaccioConfig(files: RegistryFiles, port: number, privateReads: boolean): string {
  const rule = { access: privateReads ? '$authenticated' : '$all', publish: '$authenticated', unpublish: '$authenticated' };
  return (
    '# Written by `berth registry up` at every start; edits are overwritten.\n' +
    toYaml({
      storage: files.storage,
      auth: { htpasswd: { file: files.htpasswd, max_users: -1 } },
      uplinks: {},
      packages: { '@*/*': rule, '**': rule },
      listen: `127.0.0.1:${port}`,
      // Longer than clients keep idle connections (undici: 4 s), so no request is sent on a socket the server is
      // closing at that moment ("other side closed", seen with Node's default of 5 s).
      server: { keepAliveTimeout: 60 },
      web: { enable: true, title: 'Berth templates' },
      log: { type: 'stdout', format: 'json', level: 'warn' },
    })
  );
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Starts the registry (installing Verdaccio first if needed), or reuses the running one; makes sure the owner has a token. */
export interface UpOptions extends RegistryOptions {
  readonly port?: number;
  /** Reading needs a token too (`access: $authenticated`), as on a private registry. @default false */
  readonly privateReads?: boolean;
}

export async function registryUp(opts: UpOptions = {}): Promise<UpResult> {
  const started = Date.now();
  const { files, appDir } = resolved(opts);
  const port = opts.port ?? DEFAULT_PORT;
  const bad = portProblem(port);
  if (bad) throw new UserError(bad, { hint: `for example --port ${DEFAULT_PORT}` });
  let state = runningState(files);
  const reused = state !== undefined;
  if (state && opts.port !== undefined && state.port !== opts.port) {
    throw new UserError(`the local registry already runs on port ${state.port} (pid ${state.pid}), not ${opts.port}`, {
      hint: 'stop it with `berth registry down`, then start it with the port you want',
    });
  }
  if (!state) {
    await installVerdaccio({ appDir, onProgress: opts.onProgress });
    state = await startServer(files, appDir, port, opts.privateReads ?? false, opts.onProgress);
  }
  await ensureOwnerToken(files, appDir, state.url);
  const status = await registryStatus(opts);
  return {
    ...status,
    state: 'running',
    url: state.url,
    port: state.port,
    pid: state.pid,
    user: ownerName(),
    reused,
    seconds: (Date.now() - started) / 1000,
  };
}

async function startServer(files: RegistryFiles, appDir: string, port: number, privateReads: boolean, onProgress?: (line: string) => void): Promise<ServerState> {
  const bin = verdaccioBin(appDir);
  if (!bin) throw new Error(`Verdaccio is not installed in ${appDir}`);
  if (!(await portFree(port))) {
    throw new UserError(`cannot start the local registry: 127.0.0.1:${port} is in use by another process`, {
      hint: `choose another port: berth registry up --port ${port + 1}`,
    });
  }
  mkdirSync(files.storage, { recursive: true });
  writeFileSync(files.config, verdaccioConfig(files, port, privateReads));
  if (!existsSync(files.htpasswd)) writeFileSync(files.htpasswd, '', { mode: 0o600 });
  onProgress?.(`starting Verdaccio ${VERDACCIO_VERSION} on 127.0.0.1:${port} (storage ${files.storage})`);
  const log = openSync(files.log, 'a');
  const child = spawn(process.execPath, [bin, '--config', files.config], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();
  const url = `http://127.0.0.1:${port}/`;
  const state: ServerState = {
    pid: child.pid!,
    port,
    url,
    startTime: processStartTime(child.pid!),
    bootId: processScope().bootId,
    version: VERDACCIO_VERSION,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(files.state, `${JSON.stringify(state, null, 2)}\n`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      rmSync(files.state, { force: true });
      throw new UserError(`Verdaccio exited at start (code ${exited}):\n${tailLines(readLog(files), 10)}`, { hint: `its log: ${files.log}` });
    }
    try {
      const res = await registryRequest(`${url}-/ping`, { timeoutMs: 2_000 });
      if (res.status === 200) return state;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopPid(state.pid);
      rmSync(files.state, { force: true });
      throw new UserError(`Verdaccio did not answer on ${url} within 60 s`, { hint: `its log: ${files.log}` });
    }
    await sleep(200);
  }
}

function readLog(files: RegistryFiles): string {
  try {
    return readFileSync(files.log, 'utf8');
  } catch {
    return '';
  }
}

/** The owner's token, checked against the server; a missing or refused one is replaced (new password, new login). */
async function ensureOwnerToken(files: RegistryFiles, appDir: string, url: string): Promise<string> {
  const user = ownerName();
  const saved = existsSync(files.token) ? readFileSync(files.token, 'utf8').trim() : '';
  if (saved !== '') {
    const who = await registryRequest(`${url}-/whoami`, { token: saved });
    if (who.status === 200 && who.json<{ username?: string }>().username === user) return saved;
  }
  const password = randomBytes(24).toString('base64url');
  setPassword(files, appDir, user, password);
  const res = await registryRequest(`${url}-/user/org.couchdb.user:${encodeURIComponent(user)}`, {
    method: 'PUT',
    basic: { user, password },
    body: { _id: `org.couchdb.user:${user}`, name: user, password, type: 'user', roles: [], date: new Date().toISOString() },
  });
  const token = res.status < 300 ? res.json<{ token?: string }>().token : undefined;
  if (!token) throw new UserError(`logging the owner '${user}' in to the local registry failed: ${registryMessage(res)}`, { hint: `see ${files.log}` });
  writeFileSync(files.token, `${token}\n`, { mode: 0o600 });
  chmodSync(files.token, 0o600);
  return token;
}

/** Writes the owner's htpasswd line (bcrypt, with the bcryptjs Verdaccio's htpasswd plugin itself uses). */
function setPassword(files: RegistryFiles, appDir: string, user: string, password: string): void {
  const require = createRequire(join(appDir, 'node_modules', 'verdaccio-htpasswd', 'package.json'));
  const bcrypt = require('bcryptjs') as { hashSync(password: string, rounds: number): string };
  const lines = (existsSync(files.htpasswd) ? readFileSync(files.htpasswd, 'utf8') : '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(`${user}:`));
  lines.push(`${user}:${bcrypt.hashSync(password, 10)}:autocreated ${new Date().toISOString()}`);
  writeFileSync(files.htpasswd, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** The owner's token of a running registry (for `login` and the test helper). */
export async function ownerToken(opts: RegistryOptions = {}): Promise<{ url: string; user: string; token: string }> {
  const { files, appDir } = resolved(opts);
  const state = runningState(files);
  if (!state) throw new UserError('the local registry is not running', { hint: 'start it with `berth registry up`' });
  return { url: state.url, user: ownerName(), token: await ensureOwnerToken(files, appDir, state.url) };
}

export interface DownResult {
  readonly wasRunning: boolean;
  readonly pid?: number;
  readonly storage: string;
}

/** Stops the recorded server (SIGTERM, then SIGKILL after 10 s). The storage stays: packages survive a restart. */
export async function registryDown(opts: RegistryOptions = {}): Promise<DownResult> {
  const { files } = resolved(opts);
  const state = runningState(files);
  if (state) await stopPid(state.pid);
  rmSync(files.state, { force: true });
  return { wasRunning: state !== undefined, pid: state?.pid, storage: files.storage };
}

async function stopPid(pid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
  if (pidAlive(pid)) signal('SIGKILL');
  while (pidAlive(pid)) await sleep(50);
}

export interface LoginResult {
  readonly npmrc: string;
  readonly url: string;
  readonly user: string;
  /** The lines written, the token shown as `(hidden)`. */
  readonly lines: readonly string[];
}

/**
 * Writes the local registry's lines into an .npmrc (the project's by default): one `@scope:registry=` per scope and
 * the owner's `_authToken` for the registry's host. Lines with the same keys are replaced, others kept; the file is
 * made 0600 since it holds a token.
 */
export async function registryLogin(opts: RegistryOptions & { scopes: readonly string[]; npmrc: string }): Promise<LoginResult> {
  const { url, user, token } = await ownerToken(opts);
  const authKey = `//${new URL(url).host}/:_authToken`;
  const entries = new Map<string, string>([...opts.scopes.map((s) => [`${s}:registry`, url] as const), [authKey, token]]);
  const kept = (existsSync(opts.npmrc) ? readFileSync(opts.npmrc, 'utf8') : '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !entries.has(line.split('=')[0]!.trim()));
  const lines = [...entries].map(([k, v]) => `${k}=${v}`);
  writeFileSync(opts.npmrc, `${[...kept, ...lines].join('\n')}\n`, { mode: 0o600 });
  chmodSync(opts.npmrc, 0o600);
  return { npmrc: opts.npmrc, url, user, lines: lines.map((l) => (l.startsWith(authKey) ? `${authKey}=(hidden)` : l)) };
}

/** Checks a scope argument: `@name`, lower case, as npm scopes are. */
export function parseScope(value: string): string {
  const scope = value.startsWith('@') ? value : `@${value}`;
  if (!/^@[a-z0-9][a-z0-9._-]*$/.test(scope)) {
    throw new UserError(`'${value}' is not an npm scope`, { hint: 'a scope is @ and a lower-case name, for example --scope @acme' });
  }
  return scope;
}
