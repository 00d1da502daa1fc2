/**
 * Counts, durations and names on the command line: one rule per kind of value, applied by commander before any
 * command runs. The kubeconfig points nowhere, so a flag that slipped through would fail differently (a cluster error).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { countParser, parseReleaseName } from '../../../src/cli/options.js';
import { PROJECT_ROOT } from '../../../src/synth/synthesize.js';

function berth(args: string[]) {
  const res = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'berth.cjs'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' },
  });
  return { code: res.status, stderr: res.stderr };
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;
const LONG = 'a'.repeat(54);

describe('flags checked before any command runs', () => {
  it.each([
    [['deploy', 'shop', '-n', 'dev', '--timeout', '0'], "error: option '--timeout <duration>' argument '0' is invalid. --timeout '0' must be longer than zero (for example 5m)"],
    [['deploy', 'shop', '-n', 'dev', '--timeout', '0s'], "error: option '--timeout <duration>' argument '0s' is invalid. --timeout '0s' must be longer than zero (for example 5m)"],
    [['uninstall', 'shop', '-n', 'dev', '--timeout', '1d'], "error: option '--timeout <duration>' argument '1d' is invalid. --timeout '1d' is not a duration (use a number with a unit, like 90s, 5m or 1m30s)"],
    [['rollback', 'shop', '-n', 'dev', '--history-max', '-1'], "error: option '--history-max <n>' argument '-1' is invalid. --history-max must be a whole number, got '-1'; for example --history-max 10; 0 keeps every revision"],
    [['deploy', 'shop', '-n', 'dev', '--history-max', '1e3'], "error: option '--history-max <n>' argument '1e3' is invalid. --history-max must be a whole number, got '1e3'; for example --history-max 10; 0 keeps every revision"],
    [['get', 'values', 'shop', '--revision', '0x2'], "error: option '--revision <n>' argument '0x2' is invalid. a revision must be a whole number >= 1, got '0x2'; see berth history"],
    [['diff-revisions', 'shop', '1', '1.5'], "error: command-argument value '1.5' is invalid for argument 'b'. a revision must be a whole number >= 1, got '1.5'; see berth history"],
    [['deploy', 'shop', '-n', 'dev', '-r', LONG], `error: option '-r, --release <name>' argument '${LONG}' is invalid. release name '${LONG}' is 54 characters long; the limit is 53 (it prefixes object names and label values of at most 63)`],
    [['status', 'Shop', '-n', 'dev'], "error: command-argument value 'Shop' is invalid for argument 'release'. release name 'Shop' must consist of lower-case letters, digits and '-', start with a letter and end with a letter or digit"],
    [['synth', 'shop', '--env', 'dev', '-n', 'dev_1', '--stdout'], "error: option '-n, --namespace <ns>' argument 'dev_1' is invalid. namespace 'dev_1' must consist of lower-case letters, digits and '-', and start and end with a letter or digit"],
  ])('berth %j is refused with the flag, the value and the rule', (args, message) => {
    const res = berth(args);
    expect(res.stderr.split('\n')[0]).toBe(message);
    expect(res.stderr).not.toMatch(NO_STACK);
    expect(res.code).toBe(1);
  });

  it('accepts the largest release name, 53 characters', () => {
    expect(parseReleaseName('a'.repeat(53))).toHaveLength(53);
  });

  it('reads counts only as decimal digits', () => {
    const parse = countParser('--n', 0, 'e.g. 3');
    expect(parse('0')).toBe(0);
    expect(parse('42')).toBe(42);
    for (const bad of ['', ' 1', '1 ', '+1', '0x10', '1e3', '1.0', '99999999999999999']) expect(() => parse(bad)).toThrow(`--n must be a whole number, got '${bad}'; e.g. 3`);
  });
});
