/**
 * Helpers of the web console's end-to-end tests: `berth ui` as a child process (stopped by its recorded pid) and
 * Debian's Chromium driven by playwright-core (no browser download).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser } from 'playwright-core';
import { testKubeconfig } from '../harness.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The console test app: db ← api, a secret db.password, an enum api.logLevel; envs v1 and v2 (a config change). */
export const CONSOLE_APP = 'test/integration/ui/fixtures/apps/console';
export const ARTIFACTS = join(ROOT, 'build', 'test-artifacts', 'ui');

/** Builds build/web/ unless its sources are unchanged since the last build (scripts/build-web.mjs keeps the hash). */
export function buildWebIfNeeded(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export interface RunningConsole {
  readonly url: string;
  readonly origin: string;
  readonly pid: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts `berth ui --port 0` and waits for the URL it prints. */
export async function startConsole(): Promise<RunningConsole> {
  const child: ChildProcess = spawn(process.execPath, ['bin/berth.cjs', 'ui', '--port', '0', '--no-open', '--kubeconfig', testKubeconfig()], {
    cwd: ROOT,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth ui printed no URL in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Berth console: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berth ui exited with ${code} before printing its URL:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    origin: new URL(url).origin,
    pid,
    output: () => output,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const killer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
