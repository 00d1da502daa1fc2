import { KubeClient } from '../../../src/kube/client.js';
import { readiness } from '../../../src/model/wait/index.js';
import { waitForReady } from '../../../src/deploy/watch.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { ANNOTATION_FAIL, ANNOTATION_NEVER_READY, createTestNamespace, deleteNamespace, testKubeconfig } from '../harness.js';
import { testPod, workloadLabels } from './helpers.js';

/** The readiness rules against the real controllers (kwok runs the pods). */
let ns: string;
let client: KubeClient;

beforeAll(async () => {
  ns = await createTestNamespace('wait');
  client = await KubeClient.connect({ kubeconfig: testKubeconfig() });
});
afterAll(async () => {
  await deleteNamespace(ns);
});


async function waitFor(objects: KubeObject[], timeoutMs = 30_000) {
  for (const o of objects) await client.apply(o, { force: true });
  return waitForReady(client, objects, { deadline: Date.now() + timeoutMs, timeoutMs, intervalMs: 250 });
}

describe('readiness against the local control plane', () => {
  it('sees a Job complete, and a failing Job fail with the cluster reason before the timeout', async () => {
    const ok: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job-ok', namespace: ns, labels: workloadLabels('job-ok') }, spec: { template: testPod('job-ok', {}, 'Never') } };
    expect(await waitFor([ok])).toEqual({ ok: true, message: 'ready' });
    expect(readiness((await client.read(ok))!)).toMatchObject({ done: true, ok: true });

    const bad: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'job-bad', namespace: ns, labels: workloadLabels('job-bad') },
      spec: { backoffLimit: 0, template: testPod('job-bad', { [ANNOTATION_FAIL]: 'true' }, 'Never') },
    };
    const started = Date.now();
    const outcome = await waitFor([bad], 60_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^Job\/job-bad failed: job failed: BackoffLimitExceeded/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('waits for a StatefulSet, a DaemonSet and a bound PVC', async () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'sts', namespace: ns, labels: workloadLabels('sts') },
      spec: {
        replicas: 2,
        serviceName: 'sts',
        selector: { matchLabels: workloadLabels('sts') },
        template: testPod('sts'),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', namespace: ns, labels: workloadLabels('ds') },
      spec: { selector: { matchLabels: workloadLabels('ds') }, template: testPod('ds') },
    };
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'claim', namespace: ns, labels: workloadLabels('claim') },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    expect(await waitFor([pvc, sts, ds], 60_000)).toEqual({ ok: true, message: 'ready' });
    expect(readiness((await client.read(sts))!).message).toBe('2 of 2 replicas ready');
    expect(readiness((await client.read(ds))!).message).toBe('3 of 3 nodes available');
    expect(readiness((await client.read(pvc))!).message).toBe('bound');
  });

  it('times out on a Deployment whose pods never become ready, naming the pod and the reason', async () => {
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck', namespace: ns, labels: workloadLabels('stuck') },
      spec: { selector: { matchLabels: workloadLabels('stuck') }, template: testPod('stuck', { [ANNOTATION_NEVER_READY]: 'true' }) },
    };
    const outcome = await waitFor([d], 5_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^timed out after 5s waiting for Deployment\/stuck \(0 of 1 updated replicas available; pod stuck-\S+: NotReady: container \S+ runs but is not ready/);
  });
});
