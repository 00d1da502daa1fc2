import { waitForReady, type ReadinessSource } from '../../../src/deploy/watch.js';
import { MemoryKubeApi } from '../../../src/model/memory/kube-api.js';
import type { KubeObject } from '../../../src/model/manifest-set.js';
import { deployment, NS } from './helpers.js';

const AVAILABLE = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
const UNAVAILABLE = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 };

let api: MemoryKubeApi;
let web: KubeObject;
let worker: KubeObject;

beforeEach(async () => {
  api = new MemoryKubeApi();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  web = deployment('demo-web', 'example/web:v1', 'web');
  worker = deployment('demo-worker', 'example/worker:v1', 'worker');
  for (const d of [web, worker]) {
    await api.apply(d);
    api.setStatus(d, UNAVAILABLE);
  }
});

/** Lets the wait see its watches' first lists and judge once. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

function wait(objects: KubeObject[], extra: { timeoutMs?: number; source?: ReadinessSource; notes?: string[]; signal?: AbortSignal; lines?: string[] } = {}) {
  const timeoutMs = extra.timeoutMs ?? 5000;
  return waitForReady(api, objects, {
    deadline: Date.now() + timeoutMs,
    timeoutMs,
    intervalMs: 20,
    source: extra.source,
    signal: extra.signal,
    onNote: (line) => extra.notes?.push(line),
    onService: (s, state, message) => extra.lines?.push(`${s} ${state} ${message}`),
  });
}

describe('readiness from watches', () => {
  it('is ready when the watch reports the status, reading no object one by one, and closes its watches', async () => {
    const lines: string[] = [];
    const outcome = wait([web, worker], { lines });
    await settle();
    api.setStatus(web, AVAILABLE);
    await settle();
    expect(lines).toContain('worker waiting Deployment/demo-worker: 0 of 1 updated replicas available');
    api.setStatus(worker, AVAILABLE);
    await expect(outcome).resolves.toEqual({ ok: true, message: 'ready' });
    expect(lines.at(-1)).toMatch(/^worker ready Deployment\/demo-worker: /);
    expect(api.requests.filter((r) => r.verb === 'read')).toEqual([]);
    // One watch per kind and namespace, shared by both services: Deployments, their Pods and ReplicaSets.
    expect(api.requests.filter((r) => r.verb === 'watch').map((r) => `${r.kind} ${r.namespace}`).sort()).toEqual(['Deployment dev', 'Pod dev', 'ReplicaSet dev']);
    expect(api.openWatches()).toEqual([]);
  });

  it('lists again and goes on watching when its watches expire, missing no change', async () => {
    const outcome = wait([web]);
    await settle();
    api.expireWatches();
    api.setStatus(web, AVAILABLE);
    await expect(outcome).resolves.toEqual({ ok: true, message: 'ready' });
    expect(api.requests.filter((r) => r.verb === 'list' && r.kind === 'Deployment')).toHaveLength(2);
    expect(api.requests.filter((r) => r.verb === 'watch' && r.kind === 'Deployment')).toHaveLength(2);
  });

  it('times out naming what it waits for, as polling did', async () => {
    await expect(wait([web], { timeoutMs: 1000 })).resolves.toEqual({
      ok: false,
      message: 'timed out after 1s waiting for Deployment/demo-web (0 of 1 updated replicas available)',
    });
    expect(api.openWatches()).toEqual([]);
  });

  it('fails at once on a failed rollout the watch reports', async () => {
    const outcome = wait([web]);
    await settle();
    api.setStatus(web, { ...UNAVAILABLE, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "demo-web-1" has timed out progressing.' }] });
    await expect(outcome).resolves.toEqual({
      ok: false,
      message: 'Deployment/demo-web failed: rollout failed: ProgressDeadlineExceeded: ReplicaSet "demo-web-1" has timed out progressing.',
    });
  });

  it('stops when cancelled', async () => {
    const ctrl = new AbortController();
    const outcome = wait([web], { signal: ctrl.signal });
    await settle();
    ctrl.abort(new Error('SIGINT'));
    await expect(outcome).resolves.toEqual({ ok: false, message: 'cancelled (SIGINT)' });
    expect(api.openWatches()).toEqual([]);
  });

  it('polls instead, saying so once per run, when the cluster forbids watching', async () => {
    api.failNext({ verb: 'watch', kind: 'Pod' }, { status: 403, reason: 'Forbidden', message: 'pods is forbidden: User "ci" cannot watch resource "pods" in API group "" in the namespace "dev"' });
    const source: ReadinessSource = { polling: false };
    const notes: string[] = [];
    const first = wait([web], { source, notes });
    await settle();
    api.setStatus(web, AVAILABLE);
    await expect(first).resolves.toEqual({ ok: true, message: 'ready' });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^cannot watch readiness \(.*cannot watch resource "pods".*\); polling instead$/);
    expect(api.requests.some((r) => r.verb === 'read' && r.name === 'demo-web')).toBe(true);
    // The next wave of the run polls straight away, without another watch or notice.
    const watches = api.requests.filter((r) => r.verb === 'watch').length;
    api.setStatus(worker, AVAILABLE);
    await expect(wait([worker], { source, notes })).resolves.toEqual({ ok: true, message: 'ready' });
    expect(api.requests.filter((r) => r.verb === 'watch')).toHaveLength(watches);
    expect(notes).toHaveLength(1);
    expect(api.openWatches()).toEqual([]);
  });
});
