/**
 * Bad inputs through the real CLI against a deployed shop: each is refused with exit 1 and a message naming what
 * to fix, and nothing in the namespace changes (every object's resourceVersion, revision Secrets and the Lease
 * included; an autoscaler's generation). The generated inputs at unit level (test/unit/config/bad-inputs.test.ts) cover the many; these check
 * that the refusals really come before any write.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, deleteNamespace, kubectl } from '../harness.js';
import { berth } from '../deploy/helpers.js';

let ns: string;
const dir = mkdtempSync(join(tmpdir(), 'berth-bad-inputs-'));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * Everything in the namespace with its resourceVersion: any write changes it. HorizontalPodAutoscalers get their
 * status written by the controller every few seconds, so for them the generation (spec changes only) is compared.
 */
async function snapshot(): Promise<string> {
  const columns = (field: string) => `custom-columns=KIND:.kind,NAME:.metadata.name,V:${field}`;
  const kinds = 'deployments,statefulsets,daemonsets,cronjobs,services,configmaps,secrets,leases,ingresses,poddisruptionbudgets';
  return [
    await kubectl(['get', kinds, '-n', ns, '-o', columns('.metadata.resourceVersion'), '--sort-by=.metadata.name']),
    await kubectl(['get', 'horizontalpodautoscalers', '-n', ns, '-o', columns('.metadata.generation'), '--sort-by=.metadata.name']),
  ].join('\n');
}

beforeAll(async () => {
  ns = await createTestNamespace('config-bad');
  const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', '--timeout', '120s');
  expect(res.stderr).not.toContain('error:');
  expect(res).toExitWith(0);
});

afterAll(async () => {
  await deleteNamespace(ns);
});

const fifo = join(dir, 'pipe.yaml');
mkdirSync(join(dir, 'values.d'));
execFileSync('mkfifo', [fifo]);

describe('bad inputs through berth deploy', () => {
  it.each([
    ['a NaN count', ['--set', 'orders.maxReplicas=.nan'], 'orders.maxReplicas: expected a finite number, got NaN (--set orders.maxReplicas=.nan)'],
    ['a fractional count', ['--set', 'dbProxy.poolSize=2.5'], 'dbProxy.poolSize: expected integer, got number 2.5 (--set dbProxy.poolSize=2.5)'],
    ['an empty secret', ['--set', 'db.password='], 'db.password: expected a non-empty string, got a string (value hidden: the field is secret) (--set db.password=(hidden))'],
    ['a NUL in an image', ['--set', 'orders.image="nginx\\0:1"'], 'orders.image: expected text without control characters, got U+0000 at position 6'],
    ['null removing a required field', ['--set', 'gateway.host=null'], 'gateway.host: required field is missing; add it (string) (--set gateway.host=null)'],
    ['a __proto__ key', ['-f', file('proto.yaml', '__proto__:\n  logLevel: debug\n')], '__proto__: unknown field; allowed fields here: logLevel, gateway'],
    ['an undefined anchor', ['-f', file('alias.yaml', 'orders:\n  <<: *base\n')], 'alias.yaml:2:7: the alias *base refers to no anchor &base defined before it'],
    ['a byte that is not UTF-8', ['-f', file('latin1.yaml', Buffer.from([0x6c, 0x6f, 0x67, 0x4c, 0x65, 0x76, 0x65, 0x6c, 0x3a, 0x20, 0xe9, 0x0a]))], 'latin1.yaml:1:11: values files must be UTF-8'],
    ['a directory', ['-f', join(dir, 'values.d')], 'is a directory, not a regular file'],
    ['a named pipe (refused at once, not read)', ['-f', fifo], 'is a named pipe, not a regular file'],
    ['a value the construct refuses', ['--set', 'orders.minReplicas=9', '--set', 'orders.maxReplicas=7'], 'the value comes from config field orders.maxReplicas (--set orders.maxReplicas=7)'],
    ['an object over the API size limit', ['-f', file('a.yaml', `db:\n  database: ${'d'.repeat(700 * 1024)}\n`), '-f', file('b.yaml', `db:\n  user: ${'u'.repeat(700 * 1024)}\n`)], 'ConfigMap/shop-orders-config: its data is 1.4 MiB'],
    ['a release name over 53 characters', ['-r', 'a'.repeat(60)], 'is 60 characters long; the limit is 53'],
    ['--timeout 0', ['--timeout', '0'], "--timeout '0' must be longer than zero"],
  ])('%s is refused, exit 1, writing nothing', async (_what, args, message) => {
    const before = await snapshot();
    const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', ...args);
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(res).toExitWith(1);
    expect(await snapshot()).toBe(before);
  });
});
