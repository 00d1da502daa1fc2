import { readFileSync, readlinkSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when a process with this pid exists on this host (whatever it runs). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The login name of this process's user: the passwd entry, else `$USER` (containers often have no entry). */
export function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** `user@host`, as revisions and lock holders record who acted. */
export function userAtHost(): string {
  return `${userName()}@${hostname()}`;
}

/**
 * What tells processes apart beyond a pid, on Linux: the boot (`/proc/sys/kernel/random/boot_id`, new at every
 * boot of every machine) and the PID namespace (`/proc/self/ns/pid`, `pid:[inode]`). Two processes can compare
 * pids only when both match. Undefined fields where /proc does not have them (macOS, a locked-down /proc).
 */
export interface ProcessScope {
  readonly bootId?: string;
  readonly pidNamespace?: string;
}

export function processScope(): ProcessScope {
  return { bootId: readProc('/proc/sys/kernel/random/boot_id'), pidNamespace: readLink('/proc/self/ns/pid') };
}

/**
 * When the process `pid` of this PID namespace started (field 22 of /proc/<pid>/stat, clock ticks since boot), or
 * undefined when there is no such process. A pid reused by another process gets another start time.
 */
export function processStartTime(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may contain spaces and parentheses: fields start after the last ')'.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields?.[19];
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
