import { existsSync } from 'node:fs';
import {
  ANNOTATION_FAIL,
  ANNOTATION_NEVER_READY,
  applyYaml,
  createTestNamespace,
  deleteNamespace,
  getJson,
  kubectl,
  listJson,
  testKubeconfig,
  waitFor,
  waitForDeploymentAvailable,
  waitForPodCondition,
  waitForStatefulSetReady,
} from '../harness.js';

const IMAGE = 'registry.k8s.io/pause:3.10';
/** jest's testTimeout is a global option, so the project setting does not reach this file. */
const SLOW = 180_000;
let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace('cluster');
}, SLOW);

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

const labels = (app: string) => ({ app });
const podTemplate = (app: string, annotations: Record<string, string> = {}) => ({
  metadata: { labels: labels(app), annotations },
  spec: { containers: [{ name: 'main', image: IMAGE }] },
});

describe('the local control plane', () => {
  it('gives test workers the kubeconfig through BERTH_TEST_KUBECONFIG', () => {
    expect(existsSync(testKubeconfig())).toBe(true);
  }, SLOW);

  it('has 3 Ready kwok nodes and serves the pinned Kubernetes version', async () => {
    const nodes = await listJson('nodes');
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      expect(n.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    }
    const version = JSON.parse(await kubectl(['get', '--raw', '/version']));
    expect(version.gitVersion).toBe('v1.34.4');
  }, SLOW);

  it('runs a Deployment with 3 replicas to 3/3 available', async () => {
    await applyYaml(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: labels('web') }, template: podTemplate('web') },
      },
      ns,
    );
    const d = await waitForDeploymentAvailable('web', ns, 3);
    expect(d.status.readyReplicas).toBe(3);
    const pods = await listJson('pods', ns, 'app=web');
    // The scheduler spread them over kwok nodes.
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBeGreaterThan(1);
  }, SLOW);

  it('binds the PVCs of a StatefulSet through the default StorageClass and makes it ready', async () => {
    await applyYaml(
      [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'db' },
          spec: { clusterIP: 'None', selector: labels('db'), ports: [{ port: 5432 }] },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: {
            serviceName: 'db',
            replicas: 2,
            selector: { matchLabels: labels('db') },
            template: podTemplate('db'),
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
              },
            ],
          },
        },
      ],
      ns,
    );
    await waitForStatefulSetReady('db', ns, 2, { timeoutMs: 90_000 });
    const pvcs = await listJson('pvc', ns);
    expect(pvcs.map((p) => [p.metadata.name, p.status.phase, p.spec.storageClassName]).sort()).toEqual([
      ['data-db-0', 'Bound', 'berth-local'],
      ['data-db-1', 'Bound', 'berth-local'],
    ]);
    const pv = await getJson('pv', pvcs[0].spec.volumeName);
    expect(pv.status.phase).toBe('Bound');
    expect(pv.spec.claimRef.name).toBe(pvcs[0].metadata.name);
  }, SLOW);

  it('runs a CronJob on a one-minute schedule: its Job completes', async () => {
    await applyYaml(
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'tick' },
        spec: {
          schedule: '* * * * *',
          concurrencyPolicy: 'Forbid',
          jobTemplate: {
            spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE }] } } },
          },
        },
      },
      ns,
    );
    const job = await waitFor(
      async () => {
        const jobs = await listJson('jobs', ns);
        return jobs.find((j) => j.metadata.ownerReferences?.[0]?.name === 'tick' && j.status?.succeeded === 1);
      },
      { timeoutMs: 150_000, intervalMs: 1000, what: 'a Job of CronJob tick to complete' },
    );
    expect(job.status.conditions.map((c: { type: string }) => c.type)).toContain('Complete');
    const cron = await getJson('cronjob', 'tick', ns);
    expect(cron.status.lastSuccessfulTime).toBeDefined();
  }, SLOW);

  it(`keeps a pod annotated ${ANNOTATION_NEVER_READY} unready while a normal pod becomes ready`, async () => {
    const pod = (name: string, annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, annotations },
      spec: { containers: [{ name: 'main', image: IMAGE }] },
    });
    await applyYaml([pod('normal', {}), pod('stuck', { [ANNOTATION_NEVER_READY]: 'true' })], ns);
    await waitForPodCondition('normal', ns, 'Ready', 'True');
    const stuck = await waitForPodCondition('stuck', ns, 'Ready', 'False');
    expect(stuck.status.phase).toBe('Running');
    // Still unready a while later: no other stage picked it up.
    await new Promise((r) => setTimeout(r, 3000));
    const later = await getJson('pod', 'stuck', ns);
    expect(later.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('False');
    expect(later.status.containerStatuses[0].ready).toBe(false);
  }, SLOW);

  it(`keeps a Deployment whose pods carry ${ANNOTATION_NEVER_READY} at 0 available`, async () => {
    await applyYaml(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'never' },
        spec: {
          replicas: 2,
          progressDeadlineSeconds: 10,
          selector: { matchLabels: labels('never') },
          template: podTemplate('never', { [ANNOTATION_NEVER_READY]: 'true' }),
        },
      },
      ns,
    );
    // The real deployment controller reports the missed progress deadline.
    const d = await waitFor(
      async () => {
        const x = await getJson('deployment', 'never', ns);
        const progressing = (x?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
        return progressing?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
      },
      { timeoutMs: 60_000, what: 'deployment never to exceed its progress deadline' },
    );
    expect(d.status.availableReplicas ?? 0).toBe(0);
    expect(d.status.replicas).toBe(2);
  }, SLOW);

  it(`fails pods annotated ${ANNOTATION_FAIL}: crash loop under restartPolicy Always, phase Failed under Never`, async () => {
    await applyYaml(
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'crashy', annotations: { [ANNOTATION_FAIL]: 'true' } },
          spec: { containers: [{ name: 'main', image: IMAGE }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'broken', annotations: { [ANNOTATION_FAIL]: 'true' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE }] },
        },
      ],
      ns,
    );
    const crashy = await waitFor(async () => {
      const p = await getJson('pod', 'crashy', ns);
      return p?.status?.containerStatuses?.[0]?.state?.waiting ? p : undefined;
    });
    expect(crashy.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    expect(crashy.status.containerStatuses[0].lastState.terminated.exitCode).toBe(1);
    const broken = await waitFor(async () => {
      const p = await getJson('pod', 'broken', ns);
      return p?.status?.phase === 'Failed' ? p : undefined;
    });
    expect(broken.status.containerStatuses[0].state.terminated.exitCode).toBe(1);
  }, SLOW);

  it(`fails a Job whose pods carry ${ANNOTATION_FAIL} after its backoff limit`, async () => {
    await applyYaml(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'doomed' },
        spec: {
          backoffLimit: 1,
          template: {
            metadata: { annotations: { [ANNOTATION_FAIL]: 'true' } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: IMAGE }] },
          },
        },
      },
      ns,
    );
    const job = await waitFor(
      async () => {
        const j = await getJson('job', 'doomed', ns);
        return (j?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Failed' && c.status === 'True')
          ? j
          : undefined;
      },
      { timeoutMs: 90_000, what: 'job doomed to fail' },
    );
    expect(job.status.failed).toBeGreaterThanOrEqual(2);
    expect(job.status.succeeded ?? 0).toBe(0);
  }, SLOW);
});
