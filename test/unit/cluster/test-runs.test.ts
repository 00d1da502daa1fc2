import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaveTestRun, otherTestRuns, registerTestRun } from '../../../src/cluster/test-runs.js';

describe('test runs sharing a cluster', () => {
  const env = () => ({ XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'berth-runs-')) });

  it('leave the cluster running while another live run uses it; the last one stops it when a test run started it', () => {
    const e = env();
    registerTestRun('t', true, e, process.pid);
    registerTestRun('t', false, e, process.ppid);
    registerTestRun('t', false, e, 999_999_999); // a run that was killed: ignored
    expect(leaveTestRun('t', e, process.pid)).toEqual({ others: [process.ppid], shouldStop: false });
    expect(leaveTestRun('t', e, process.ppid)).toEqual({ others: [], shouldStop: true });
  });

  it('see the other live runs of a cluster, not their own nor killed ones', () => {
    const e = env();
    expect(otherTestRuns('t', e, process.pid)).toEqual([]);
    registerTestRun('t', false, e, process.pid);
    registerTestRun('t', false, e, process.ppid);
    registerTestRun('t', false, e, 999_999_999);
    expect(otherTestRuns('t', e, process.pid)).toEqual([process.ppid]);
  });

  it('never stop a cluster that was already running when the first test run came', () => {
    const e = env();
    registerTestRun('t', false, e, process.pid);
    expect(leaveTestRun('t', e, process.pid)).toEqual({ others: [], shouldStop: false });
  });
});
