import { parseDuration } from '../../../src/deploy/duration.js';
import { UserError } from '../../../src/errors.js';
import { defaultLockTimeoutMs } from '../../../src/deploy/setup.js';

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['300', 300_000],
    ['1.5m', 90_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('names the flag and the value it cannot read', () => {
    expect(() => parseDuration('5 minutes')).toThrow(new UserError("--timeout '5 minutes' is not a duration"));
    expect(() => parseDuration('0s')).toThrow("--timeout '0s' must be longer than zero");
    expect(() => parseDuration('5x', '--wait')).toThrow("--wait '5x' is not a duration");
  });

  it('refuses zero however it is written, and more than a day', () => {
    for (const zero of ['0', '0s', '0m0s', '0.0h']) expect(() => parseDuration(zero)).toThrow(`--timeout '${zero}' must be longer than zero`);
    expect(() => parseDuration('25h')).toThrow(new UserError("--timeout '25h' must be at most 24h", { hint: 'for example 30m' }));
    expect(parseDuration('24h')).toBe(86_400_000);
  });

  it('reads zero only where zero means something (--lock-timeout 0: fail at once)', () => {
    expect(parseDuration('0s', '--lock-timeout', { allowZero: true })).toBe(0);
    expect(parseDuration('0', '--lock-timeout', { allowZero: true })).toBe(0);
  });
});

describe('defaultLockTimeoutMs', () => {
  it('outwaits a killed holder\'s lease: twice the lease, at least 60 s', () => {
    expect(defaultLockTimeoutMs(30)).toBe(60_000);
    expect(defaultLockTimeoutMs(45)).toBe(90_000);
  });
});
