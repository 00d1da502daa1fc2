// Integration tests run the CLI as a child process. When its exit code is not the expected one, the failure shows
// what the command printed, so a CI log alone says why (a bare `expect(r.code).toBe(0)` shows only "Received: 1").
import type { ExecResult } from '../../src/cluster/exec.js';

const TAIL = 4000;
const tail = (s: string) => (s.length > TAIL ? `[… ${s.length - TAIL} chars]\n${s.slice(-TAIL)}` : s);

expect.extend({
  toExitWith(received: ExecResult, code: number) {
    const pass = received.code === code;
    return {
      pass,
      message: () =>
        `expected exit code ${this.isNot ? 'other than ' : ''}${code}, got ${received.code}\n` +
        `--- stderr ---\n${tail(received.stderr) || '(empty)'}\n--- stdout ---\n${tail(received.stdout) || '(empty)'}`,
    };
  },
});

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The command exited with `code`; on failure, prints its stderr and stdout. */
      toExitWith(code: number): R;
    }
  }
}
