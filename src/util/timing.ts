/**
 * Phase timestamps of one run, printed to stderr at exit when `BERTH_TIMING=1`: milliseconds since the process
 * started (`performance.now()` counts from there) and the CPU time used so far. For finding where a short command's
 * time goes; costs nothing when the variable is not set. `BERTH_TIMING=requests` adds a line per API request.
 */
const enabled = Boolean(process.env.BERTH_TIMING);
const requests = process.env.BERTH_TIMING === 'requests';
const marks: string[] = [];

export function mark(phase: string): void {
  if (!enabled) return;
  if (marks.length === 0) {
    process.on('exit', () => {
      mark('exit');
      process.stderr.write(`${marks.join('\n')}\n`);
    });
  }
  const cpu = process.cpuUsage();
  const rss = Math.round(process.memoryUsage.rss() / 1048576);
  marks.push(`timing ${performance.now().toFixed(1).padStart(7)} ms  cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(4)} ms  rss ${String(rss).padStart(4)} MiB  ${phase}`);
}

/** With `BERTH_TIMING=requests`: the start time of a request, for `requestDone`. */
export function requestStart(): number | undefined {
  return requests ? performance.now() : undefined;
}

/** Marks a request's end with its method, path (no query) and duration. */
export function requestDone(started: number | undefined, method: string, path: string): void {
  if (started === undefined) return;
  mark(`  ${method} ${path.split('?')[0]} ${(performance.now() - started).toFixed(1)} ms from ${started.toFixed(1)}`);
}
