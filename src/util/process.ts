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
