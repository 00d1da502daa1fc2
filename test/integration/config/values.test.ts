/**
 * Issue 5 acceptance on the real control plane: bad values files fail before anything reaches the cluster,
 * and a changed cache setting replaces only the cache service's pods.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, deleteNamespace, kubectl, listJson } from '../harness.js';
import { berth } from '../deploy/helpers.js';

let ns: string;
const dir = mkdtempSync(join(tmpdir(), 'berth-values-'));

function valuesFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** Running pods of the release by service, as `service/pod-name`. */
async function pods(): Promise<string[]> {
  const items = await listJson('pods', ns, 'app.kubernetes.io/instance=shop');
  return items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => `${p.metadata.labels['app.kubernetes.io/name']}/${p.metadata.name}`)
    .sort();
}

/** Everything in the namespace with its resourceVersion: any write changes it. */
async function snapshot(): Promise<string> {
  return kubectl(['get', 'deployments,statefulsets,daemonsets,cronjobs,services,configmaps,secrets,leases', '-n', ns, '-o', 'custom-columns=KIND:.kind,NAME:.metadata.name,RV:.metadata.resourceVersion', '--sort-by=.metadata.name']);
}

beforeAll(async () => {
  ns = await createTestNamespace('config-values');
  const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', '--timeout', '120s');
  expect(res.stderr).not.toContain('error:');
  expect(res).toExitWith(0);
});

afterAll(async () => {
  await deleteNamespace(ns);
});

describe('values files against the shop config type', () => {
  it.each([
    ['a wrong type', 'cache:\n  maxMemory: 512\n', 'cache.maxMemory: expected string, got number 512'],
    ['a misspelt key', 'cache:\n  maxMemry: 512mb\n', 'cache.maxMemry: unknown field; did you mean `maxMemory`?'],
    ['a missing required field', 'gateway:\n  host: null\n', 'gateway.host'],
    ['an enum violation', 'logLevel: verbose\n', 'logLevel'],
  ])('%s fails naming the path, exit 1, and writes nothing to the cluster', async (_what, yaml, message) => {
    const before = await snapshot();
    const file = valuesFile(`${_what.replace(/\W+/g, '-')}.yaml`, yaml);
    const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', '-f', file);
    expect(res).toExitWith(1);
    expect(res.stderr).toContain(message);
    expect(res.stderr).toContain('hint: run `berth schema shop`');
    expect(res.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(await snapshot()).toBe(before);
  });

  it('names the allowed values of an enum', async () => {
    const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', '-f', valuesFile('enum.yaml', 'logLevel: verbose\n'));
    expect(res.stderr).toMatch(/logLevel: .*"debug".*"info".*"warn".*"error"/);
  });

  it('a changed cache setting replaces only the cache pods', async () => {
    const before = await pods();
    const file = valuesFile('cache.yaml', 'cache:\n  maxMemory: 96mb\n');
    const res = await berth('deploy', 'shop', '-n', ns, '--env', 'dev', '-f', file, '--timeout', '120s');
    expect(res.stderr).not.toContain('error:');
    expect(res).toExitWith(0);
    const after = await pods();
    const cache = (list: string[]) => list.filter((p) => p.startsWith('cache/'));
    const others = (list: string[]) => list.filter((p) => !p.startsWith('cache/'));
    expect(cache(after)).toHaveLength(cache(before).length);
    expect(cache(after).some((p) => cache(before).includes(p))).toBe(false);
    expect(others(after)).toEqual(others(before));

    const values = await berth('get', 'values', 'shop', '-n', ns, '-o', 'json');
    expect(JSON.parse(values.stdout).cache.maxMemory).toBe('96mb');
    expect(JSON.parse(values.stdout).db.password).toBe('(secret)');
    expect(values.stdout).not.toContain('dev-password-not-secret');
  });
});
