import { KubeClient } from '../../../src/kube/client.js';
import { readiness } from '../../../src/model/wait/index.js';
import { waitForReady } from '../../../src/deploy/watch.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { ANNOTATION_FAIL, ANNOTATION_NEVER_READY, createTestNamespace, deleteNamespace, testKubeconfig } from '../harness.js';

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

const labels = (name: string) => ({ 'app.kubernetes.io/name': name });
function pod(name: string, annotations: Record<string, string> = {}, restartPolicy?: string) {
  return {
    metadata: { labels: labels(name), annotations },
    spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'c', image: 'example.com/c:1' }] },
  };
}

async function waitFor(objects: KubeObject[], timeoutMs = 30_000) {
  for (const o of objects) await client.apply(o, { force: true });
  return waitForReady(client, objects, { deadline: Date.now() + timeoutMs, timeoutMs, intervalMs: 250 });
}

describe('readiness against the local control plane', () => {
  it('sees a Job complete, and a failing Job fail with the cluster reason before the timeout', async () => {
    const ok: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job-ok', namespace: ns, labels: labels('job-ok') }, spec: { template: pod('job-ok', {}, 'Never') } };
    expect(await waitFor([ok])).toEqual({ ok: true, message: 'ready' });
    expect(readiness((await client.read(ok))!)).toMatchObject({ done: true, ok: true });

    const bad: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'job-bad', namespace: ns, labels: labels('job-bad') },
      spec: { backoffLimit: 0, template: pod('job-bad', { [ANNOTATION_FAIL]: 'true' }, 'Never') },
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
      metadata: { name: 'sts', namespace: ns, labels: labels('sts') },
      spec: {
        replicas: 2,
        serviceName: 'sts',
        selector: { matchLabels: labels('sts') },
        template: pod('sts'),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ds', namespace: ns, labels: labels('ds') },
      spec: { selector: { matchLabels: labels('ds') }, template: pod('ds') },
    };
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'claim', namespace: ns, labels: labels('claim') },
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
      metadata: { name: 'stuck', namespace: ns, labels: labels('stuck') },
      spec: { selector: { matchLabels: labels('stuck') }, template: pod('stuck', { [ANNOTATION_NEVER_READY]: 'true' }) },
    };
    const outcome = await waitFor([d], 5_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^timed out after 5s waiting for Deployment\/stuck \(0 of 1 updated replicas available; pod stuck-\S+: NotReady: container \S+ runs but is not ready/);
  });
});
