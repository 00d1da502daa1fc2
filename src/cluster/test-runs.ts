import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterDir } from './paths.js';
import { pidAlive } from '../util/process.js';

/**
 * Bookkeeping for test runs sharing one cluster (several engineers, or CI and a developer, on one machine):
 * each run registers its pid; the cluster is stopped by the last run to leave, and only when a test run
 * started it (a cluster someone brought up by hand is left alone).
 */

function runsDir(name: string, env: NodeJS.ProcessEnv): string {
  return join(clusterDir(name, env), 'berth-test-runs');
}

function startedMarker(name: string, env: NodeJS.ProcessEnv): string {
  return join(clusterDir(name, env), 'berth-started-by-test');
}

export function registerTestRun(name: string, startedIt: boolean, env: NodeJS.ProcessEnv = process.env, pid = process.pid): void {
  mkdirSync(runsDir(name, env), { recursive: true });
  writeFileSync(join(runsDir(name, env), String(pid)), '');
  if (startedIt) writeFileSync(startedMarker(name, env), String(pid));
}

export interface LeaveResult {
  /** Other test runs still using the cluster. */
  readonly others: readonly number[];
  /** True when this was the last run and a test run started the cluster: the caller should stop it. */
  readonly shouldStop: boolean;
}

/** Pids of the live test runs registered on the cluster, other than `pid`. */
export function otherTestRuns(name: string, env: NodeJS.ProcessEnv = process.env, pid = process.pid): number[] {
  const dir = runsDir(name, env);
  return existsSync(dir)
    ? readdirSync(dir)
        .map(Number)
        .filter((p) => Number.isInteger(p) && p !== pid && pidAlive(p))
    : [];
}

export function leaveTestRun(name: string, env: NodeJS.ProcessEnv = process.env, pid = process.pid): LeaveResult {
  rmSync(join(runsDir(name, env), String(pid)), { force: true });
  const others = otherTestRuns(name, env, pid);
  return { others, shouldStop: others.length === 0 && existsSync(startedMarker(name, env)) };
}
