import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { execFile, tailLines } from '../cluster/exec.js';
import { sha256 } from '../util/hash.js';

/**
 * Verdaccio 6.8.0 is the newest release that runs on Node 20 (7.x needs Node 22), and only with node-fetch pinned to
 * 2.7.0 by an npm `overrides` entry. Overrides apply only in a root project, so Berth ships registry/verdaccio/
 * (package.json + package-lock.json) and installs it with `npm ci` into a directory of its own on first use: that keeps
 * working when Berth itself is installed as a dependency, where its own overrides would be ignored.
 */
export const VERDACCIO_VERSION = '6.8.0';

/** The directory Berth ships with Verdaccio's package.json and lockfile. */
export async function shippedVerdaccioDir(): Promise<string> {
  // Lazily: synthesize.ts is where the package root is known; loading it for every `registry status` is not needed.
  const { PROJECT_ROOT } = await import('../synth/synthesize.js');
  return join(PROJECT_ROOT, 'registry', 'verdaccio');
}

const STAMP = '.berth-lockfile-sha256';

export interface InstallResult {
  readonly appDir: string;
  readonly version: string;
  /** False when the install in place was current (same lockfile). */
  readonly installed: boolean;
  readonly seconds: number;
}

/** The Verdaccio entry script of an install, or undefined when it is not installed from the current lockfile. */
export function verdaccioBin(appDir: string, lockfileSha?: string): string | undefined {
  const bin = join(appDir, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  if (!existsSync(bin)) return undefined;
  if (lockfileSha !== undefined) {
    const stamp = existsSync(join(appDir, STAMP)) ? readFileSync(join(appDir, STAMP), 'utf8').trim() : '';
    if (stamp !== lockfileSha) return undefined;
  }
  return bin;
}

/**
 * Installs Verdaccio into `appDir` unless the install there came from the same lockfile. `npm ci` runs in a fresh
 * directory beside it, which then replaces `appDir` by rename: an interrupted install never leaves a half-filled
 * `appDir`, and two first uses at once (CI starting the tests while a background install runs) both end with a
 * complete one.
 */
export async function installVerdaccio(opts: { appDir: string; onProgress?: (line: string) => void }): Promise<InstallResult> {
  const started = Date.now();
  const shipped = await shippedVerdaccioDir();
  const lockfile = join(shipped, 'package-lock.json');
  if (!existsSync(lockfile)) throw new Error(`Berth's Verdaccio lockfile is missing: ${lockfile}`);
  const lockSha = sha256(readFileSync(lockfile));
  const done = (installed: boolean): InstallResult => ({
    appDir: opts.appDir,
    version: VERDACCIO_VERSION,
    installed,
    seconds: (Date.now() - started) / 1000,
  });
  if (verdaccioBin(opts.appDir, lockSha)) return done(false);

  opts.onProgress?.(`installing Verdaccio ${VERDACCIO_VERSION} into ${opts.appDir} (npm ci, first use only) ...`);
  mkdirSync(dirname(opts.appDir), { recursive: true });
  const tmp = `${opts.appDir}.install-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    copyFileSync(join(shipped, 'package.json'), join(tmp, 'package.json'));
    copyFileSync(lockfile, join(tmp, 'package-lock.json'));
    let res;
    try {
      // --ignore-scripts: nothing Verdaccio needs builds at install, and no dependency's script runs as this user.
      res = await execFile('npm', ['ci', '--prefix', tmp, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UserError('cannot install Verdaccio: npm is not on PATH', { hint: 'install Node.js with npm (npm 10 or newer)' });
      }
      throw err;
    }
    if (res.code !== 0) {
      throw new UserError(`installing Verdaccio ${VERDACCIO_VERSION} failed (npm ci exited with ${res.code}):\n${tailLines(res.stderr || res.stdout, 15)}`, {
        hint: 'npm needs to reach its registry (your npm config decides which); run `berth registry up` again once it can',
      });
    }
    writeFileSync(join(tmp, STAMP), `${lockSha}\n`);
    // Another process may have finished the same install meanwhile: keep its copy, which may be running.
    if (verdaccioBin(opts.appDir, lockSha)) return done(false);
    const old = `${opts.appDir}.old-${process.pid}`;
    if (existsSync(opts.appDir)) renameSync(opts.appDir, old);
    renameSync(tmp, opts.appDir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const result = done(true);
  opts.onProgress?.(`installed Verdaccio ${VERDACCIO_VERSION} in ${result.seconds.toFixed(1)}s`);
  return result;
}
