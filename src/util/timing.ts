/**
 * Phase timestamps of one run, printed to stderr at exit when `BERTH_TIMING=1`: milliseconds since the process
 * started (`performance.now()` counts from there) and the CPU time used so far. For finding where a short command's
 * time goes; costs nothing when the variable is not set.
 */
const enabled = Boolean(process.env.BERTH_TIMING);
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
  marks.push(`timing ${performance.now().toFixed(1).padStart(7)} ms  cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(4)} ms  ${phase}`);
}
