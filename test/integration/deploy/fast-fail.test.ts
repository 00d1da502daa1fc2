import { deploy } from '../../../src/deploy/deploy.js';
import { waitForReady } from '../../../src/deploy/watch.js';
import { KubeClient } from '../../../src/kube/client.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import {
  ANNOTATION_FAIL,
  ANNOTATION_IMAGE_PULL_FAIL,
  IMAGE_PULL_FAIL_MESSAGE,
  applyYaml,
  createTestNamespace,
  deleteNamespace,
  listJson,
  testKubeconfig,
} from '../harness.js';
import { synthWaves, testContext, testPod, workloadLabels } from './helpers.js';

/**
 * Waits that cannot succeed stop at once, against the real controllers (kwok runs the pods). Every wait here has a
 * five-minute timeout, so a message that is not "timed out" shows the rule, not the clock, ended it.
 */
const FIVE_MINUTES = 5 * 60_000;
let ns: string;
let client: KubeClient;

beforeAll(async () => {
  ns = await createTestNamespace('fastfail');
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
});
afterAll(async () => {
  await deleteNamespace(ns);
});

function deployment(name: string, annotations: Record<string, string> = {}, namespace = ns): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: workloadLabels(name) },
    spec: { selector: { matchLabels: workloadLabels(name) }, template: testPod(name, annotations) },
  };
}

async function waitFor(objects: KubeObject[], options: { timeoutMs?: number; crashLoopRestarts?: number } = {}) {
  const timeoutMs = options.timeoutMs ?? FIVE_MINUTES;
  for (const o of objects) await client.apply(o, { force: true });
  return waitForReady(client, objects, { deadline: Date.now() + timeoutMs, timeoutMs, intervalMs: 250, crashLoopRestarts: options.crashLoopRestarts });
}

describe('readiness fails fast on the local control plane', () => {
  it('fails a deploy whose ReplicaSet a ResourceQuota refuses, naming the quota, and records it in the failed revision', async () => {
    const quotaNs = await createTestNamespace('fastfail-quota');
    try {
      await applyYaml({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } }, quotaNs);
      // Until the quota controller has computed the quota's usage, admission refuses pods with another message.
      for (let i = 0; i < 100 && !(await listJson('resourcequotas', quotaNs))[0]?.status?.hard; i++) await new Promise((r) => setTimeout(r, 200));
      const ctx = await testContext(quotaNs);
      const r = await deploy(ctx, await synthWaves('v1', 'w', quotaNs), { timeoutMs: FIVE_MINUTES });
      expect(r.outcome?.status).toBe('failed');
      const first = r.outcome!.error!.split('\n')[0]!;
      expect(first).toMatch(/^Deployment\/w-db failed: rollout failed: FailedCreate: pods "w-db-\S+" is forbidden: exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0$/);
      expect((await ctx.store.get('w', 1)).error?.split('\n')[0]).toBe(first);
      // The condition is the ReplicaSet's; the deployment controller mirrors it.
      const [rs] = await listJson('replicasets', quotaNs, 'app.kubernetes.io/name=db');
      const rsCondition = (rs!.status.conditions as { type: string; status: string; reason: string }[]).find((c) => c.type === 'ReplicaFailure');
      expect(rsCondition).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    } finally {
      await deleteNamespace(quotaNs);
    }
  });

  it('fails a Deployment whose image cannot be pulled, naming the pod, the reason and the registry answer', async () => {
    const outcome = await waitFor([deployment('pull', { [ANNOTATION_IMAGE_PULL_FAIL]: 'true' })]);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^Deployment\/pull failed: pod pull-\S+: ImagePullBackOff: container c: (.+)$/);
    expect(outcome.message.endsWith(`container c: ${IMAGE_PULL_FAIL_MESSAGE}`)).toBe(true);
  });

  it('fails a crash-looping Deployment at the default threshold of 3 restarts, naming the pod', async () => {
    const outcome = await waitFor([deployment('crash', { [ANNOTATION_FAIL]: 'true' })]);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^Deployment\/crash failed: pod crash-\S+: CrashLoopBackOff: container c: back-off restarting failed container c \(berth\.dev\/test-fail\); last run ended Error \(exit code 1\) \(threshold 3 restarts\)$/,
    );
  });

  it('gives a crash loop more restarts when asked, and then waits for the timeout', async () => {
    const outcome = await waitFor([deployment('patient', { [ANNOTATION_FAIL]: 'true' })], { timeoutMs: 5_000, crashLoopRestarts: 4 });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^timed out after 5s waiting for Deployment\/patient \(0 of 1 updated replicas available; pod patient-\S+: CrashLoopBackOff: /);
  });

  it('does not fail a rollout for the crash loop of the old pods it replaces', async () => {
    const d = deployment('mend', { [ANNOTATION_FAIL]: 'true' });
    await client.apply(d, { force: true });
    const oldPods = async () => (await listJson('pods', ns, 'app.kubernetes.io/name=mend')).filter((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    for (let i = 0; i < 100 && (await oldPods()).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await oldPods()).toHaveLength(1);
    expect(await waitFor([deployment('mend')])).toEqual({ ok: true, message: 'ready' });
  });

  it('fails a Job once it is past its backoffLimit, with the cluster reason', async () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'retries', namespace: ns, labels: workloadLabels('retries') },
      spec: { backoffLimit: 1, template: testPod('retries', { [ANNOTATION_FAIL]: 'true' }, 'Never') },
    };
    const outcome = await waitFor([job]);
    expect(outcome).toEqual({ ok: false, message: 'Job/retries failed: job failed: BackoffLimitExceeded: Job has reached the specified backoff limit' });
    expect((await listJson('pods', ns, 'app.kubernetes.io/name=retries')).length).toBe(2);
  });
});
