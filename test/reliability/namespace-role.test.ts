/**
 * Case 7 (`namespace-role`): the whole lifecycle of the waves app run as a ServiceAccount whose only permissions are
 * the Role `berth rbac -n NS` prints (no ClusterRole, not even a read of its Namespace), as in
 * test/integration/release/rbac.test.ts. One trial per command, in order: deploy (install), diff, deploy (upgrade),
 * status, history, rollback, uninstall. A command passes when it exits as expected, prints no error and no 403, and
 * the cluster shows what it did. Figure: the number of commands that passed.
 */
import { join } from 'node:path';
import { execFile } from '../../src/cluster/exec.js';
import { recordCase } from './results.js';
import { berth, checkRelease, ensureCluster, ROOT, WAVES } from './harness.js';
import { kubectl, kubectlResult, listJson, serviceAccountKubeconfig, testNamespaces } from '../integration/harness.js';

const RELEASE = 'w';
const ACCOUNT = 'deployer';

interface Trial {
  command: string;
  exitCode: number | null;
  passed: boolean;
  problems: string[];
}

const namespace = testNamespaces();
const trials: Trial[] = [];
let ns: string;
let kubeconfig: string;

beforeAll(async () => {
  await ensureCluster();
  ns = await namespace('rel-role');
  await kubectl(['create', 'serviceaccount', ACCOUNT, '-n', ns]);
  const rbac = await execFile(process.execPath, [join(ROOT, 'bin', 'berth.cjs'), 'rbac', '-n', ns, '--service-account', ACCOUNT], { timeoutMs: 60_000 });
  expect(rbac).toExitWith(0);
  await kubectl(['apply', '-f', '-'], { input: rbac.stdout });
  kubeconfig = await serviceAccountKubeconfig(ns, ACCOUNT);
  // Precondition: the account really has no cluster-scoped read.
  for (const [verb, resource] of [['get', 'namespaces'], ['list', 'secrets']] as const) {
    const can = await kubectlResult(['auth', 'can-i', verb, resource, '--all-namespaces', `--as=system:serviceaccount:${ns}:${ACCOUNT}`]);
    expect({ verb, resource, answer: can.stdout.trim() }).toEqual({ verb, resource, answer: 'no' });
  }
});

afterAll(() => {
  const passed = trials.filter((t) => t.passed).length;
  const failed = trials.filter((t) => !t.passed);
  recordCase({
    id: 'namespace-role',
    title: 'Whole lifecycle as a ServiceAccount with only the `berth rbac` Role',
    trials: trials.length,
    passed,
    failed: failed.length,
    figure: { label: 'commands that passed', value: passed, unit: `of ${trials.length}` },
    summary: `${trials.map((t) => t.command).join(', ') || 'no command run'}${failed.length ? `; failed: ${failed.map((t) => `${t.command} (${t.problems.join('; ')})`).join(', ')}` : ''}`,
    details: trials,
  });
});

/** Runs one command as the ServiceAccount and records it; `check` adds what the cluster or the output must show. */
async function step(command: string, args: string[], expectedCode: number, check: (out: { stdout: string; stderr: string }) => Promise<string[]> | string[]): Promise<void> {
  const run = await berth(args, { kubeconfig, timeoutMs: 180_000 });
  const problems: string[] = [];
  if (run.exit.code !== expectedCode) problems.push(`exited ${run.exit.code ?? run.exit.signal}, expected ${expectedCode}: ${run.stderr.trim().split('\n').at(-1)}`);
  if (/error:|forbidden|403/i.test(run.stderr)) problems.push(`stderr: ${run.stderr.trim().split('\n').filter((l) => /error:|forbidden|403/i.test(l)).join(' | ')}`);
  if (run.exit.code === expectedCode) problems.push(...(await check({ stdout: run.stdout, stderr: run.stderr })));
  trials.push({ command, exitCode: run.exit.code, passed: problems.length === 0, problems });
  expect(problems).toEqual([]);
}

const app = (env: string) => [WAVES, '-r', RELEASE, '-n', ns, '--env', env];
async function apiImage(): Promise<string | undefined> {
  return (await listJson('deployments', ns)).find((d) => d.metadata.name === `${RELEASE}-api`)?.spec.template.spec.containers[0].image;
}

describe('the lifecycle of the waves app as a ServiceAccount with only the Role of `berth rbac`', () => {
  it('deploy (install)', () =>
    step('deploy (install)', ['deploy', ...app('v1')], 0, async ({ stdout }) => [
      ...(stdout.includes(`release ${ns}/${RELEASE}: revision 1 deployed`) ? [] : [`stdout does not report revision 1 deployed: ${stdout.trim()}`]),
      ...(await checkRelease(ns, RELEASE)).problems,
    ]));

  it('diff', () =>
    step('diff', ['diff', ...app('v2'), '--exit-code'], 2, ({ stdout }) => (stdout.includes('example.com/waves:1.1.0') ? [] : ['the diff does not show the new api image'])));

  it('deploy (upgrade)', () =>
    step('deploy (upgrade)', ['deploy', ...app('v2')], 0, async ({ stdout }) => [
      ...(stdout.includes(`release ${ns}/${RELEASE}: revision 2 deployed`) ? [] : [`stdout does not report revision 2 deployed: ${stdout.trim()}`]),
      ...((await apiImage()) === 'example.com/waves:1.1.0' ? [] : [`api image is ${await apiImage()} after the upgrade`]),
      ...(await checkRelease(ns, RELEASE)).problems,
    ]));

  it('status', () =>
    step('status', ['status', RELEASE, '-n', ns, '-o', 'json'], 0, ({ stdout }) => {
      const revision = (JSON.parse(stdout) as { revision?: number }).revision;
      return revision === 2 ? [] : [`status says revision ${revision}, expected 2`];
    }));

  it('history', () =>
    step('history', ['history', RELEASE, '-n', ns, '-o', 'json'], 0, ({ stdout }) => {
      const got = (JSON.parse(stdout) as { revision: number; status: string }[]).map((r) => `${r.revision} ${r.status}`).join(', ');
      return got === '1 superseded, 2 deployed' ? [] : [`history is ${got}`];
    }));

  it('rollback', () =>
    step('rollback', ['rollback', RELEASE, '-n', ns], 0, async () => [
      ...((await apiImage()) === 'example.com/waves:1.0.0' ? [] : [`api image is ${await apiImage()} after the rollback`]),
      ...(await checkRelease(ns, RELEASE)).problems,
    ]));

  it('uninstall', () =>
    step('uninstall', ['uninstall', RELEASE, '-n', ns], 0, async () => {
      const left: string[] = [];
      for (const kind of ['deployments', 'services', 'configmaps', 'secrets', 'leases']) {
        for (const o of await listJson(kind, ns, `app.kubernetes.io/instance=${RELEASE}`)) left.push(`${kind}/${o.metadata.name}`);
      }
      return left.length === 0 ? [] : [`left behind: ${left.join(', ')}`];
    }));
});
