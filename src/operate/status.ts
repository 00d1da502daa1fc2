import pLimit from 'p-limit';
import type { KubeApi } from '../model/kube-api.js';
import { LABEL_NAME, objectRef, type KubeObject } from '../model/manifest-set.js';
import { readiness } from '../model/wait/index.js';
import type { RevisionStore } from '../model/revision-store.js';
import type { ReleaseSummary, Revision } from '../model/revision.js';
import { diagnose, type ServiceDiagnosis } from './diagnose.js';
import { buildGraph, type ServiceGraph } from './graph.js';
import { inventoryOf } from './inventory.js';

/**
 * `berth status`: the newest revision of a release, the live readiness of every object it recorded, and per
 * service why it is not ready (diagnose.ts): the pods that are not and their reason, the newest warnings.
 */

export type ObjectState = 'ready' | 'waiting' | 'failed' | 'missing';

export interface ObjectStatus {
  /** `Deployment/shop-api`. */
  readonly object: string;
  readonly state: ObjectState;
  readonly message: string;
}

export interface ServiceStatus extends Omit<ServiceDiagnosis, 'service'> {
  readonly name: string;
  /** The worst state of its objects. */
  readonly state: ObjectState;
  readonly message: string;
  readonly objects: readonly ObjectStatus[];
}

export interface ReleaseStatus extends ReleaseSummary, Pick<Revision, 'description' | 'error'> {
  readonly services: readonly ServiceStatus[];
}

/** Objects without a service label (the release's own objects) are grouped under this name. */
export const RELEASE_OBJECTS = '(release)';

const SEVERITY: Record<ObjectState, number> = { ready: 0, waiting: 1, missing: 2, failed: 3 };

/** Live readiness of every recorded object, per service, worst first (`failed` > `missing` > `waiting` > `ready`). */
export async function objectStates(client: KubeApi, rev: Revision): Promise<Map<string, { state: ObjectState; message: string; objects: ObjectStatus[] }>> {
  // An uninstalled release owns nothing any more: its readiness would only be a list of missing objects.
  const manifests = rev.status === 'uninstalled' ? [] : rev.manifests;
  const limit = pLimit(16);
  const objects = await Promise.all(manifests.map((o) => limit(async () => ({ o, status: await objectStatus(client, o) }))));
  const byService = new Map<string, ObjectStatus[]>();
  for (const s of rev.services) byService.set(s.name, []);
  for (const { o, status } of objects) {
    const service = o.metadata.labels?.[LABEL_NAME] ?? RELEASE_OBJECTS;
    byService.set(service, [...(byService.get(service) ?? []), status]);
  }
  const out = new Map<string, { state: ObjectState; message: string; objects: ObjectStatus[] }>();
  for (const [name, list] of byService) {
    const worst = list.reduce<ObjectStatus | undefined>((w, s) => (!w || SEVERITY[s.state] > SEVERITY[w.state] ? s : w), undefined);
    const state: ObjectState = worst?.state ?? 'missing';
    const message = !worst ? 'no objects recorded' : state === 'ready' ? `${list.length} object(s) ready` : `${worst.object}: ${worst.message}`;
    out.set(name, { state, message, objects: list });
  }
  return out;
}

/** The newest revision of a release, the live readiness of its objects and the reasons of what is not ready. */
export async function statusAction(client: KubeApi, store: RevisionStore, release: string): Promise<ReleaseStatus> {
  const latest = (await store.history(release)).at(-1)!;
  const rev = await store.get(release, latest.revision);
  const services = await statusOf(client, rev);
  return {
    release,
    namespace: store.namespace,
    revision: rev.revision,
    status: rev.status,
    app: rev.app,
    version: rev.version,
    env: rev.env,
    ...(rev.template ? { template: rev.template } : {}),
    description: rev.description,
    updatedAt: rev.updatedAt,
    error: rev.error,
    services,
  };
}

async function statusOf(client: KubeApi, rev: Revision): Promise<ServiceStatus[]> {
  const [states, diagnosis] = await Promise.all([
    objectStates(client, rev),
    rev.status === 'uninstalled' ? Promise.resolve([] as ServiceDiagnosis[]) : diagnose(client, inventoryOf(rev)),
  ]);
  return [...states].map(([name, s]): ServiceStatus => {
    const d = diagnosis.find((x) => x.service === name);
    return { name, ...s, pods: d?.pods ?? { total: 0, ready: 0 }, notReady: d?.notReady ?? [], warnings: d?.warnings ?? [] };
  });
}

async function objectStatus(client: KubeApi, o: KubeObject): Promise<ObjectStatus> {
  const live = await client.read(o);
  if (!live) return { object: objectRef(o), state: 'missing', message: 'not found in the cluster' };
  const r = readiness(live);
  return { object: objectRef(o), state: r.done ? (r.ok ? 'ready' : 'failed') : 'waiting', message: r.message };
}

/** The graph of a deployed release (its newest revision), each node with its live readiness and pod counts. */
export async function releaseGraph(client: KubeApi, store: RevisionStore, release: string): Promise<ServiceGraph> {
  const latest = (await store.history(release)).at(-1)!;
  const rev = await store.get(release, latest.revision);
  const status = await statusOf(client, rev);
  const readiness = new Map(status.map((s) => [s.name, { state: s.state, message: s.message, pods: s.pods }]));
  return buildGraph({ app: rev.app, services: rev.services, objects: rev.manifests, release, namespace: rev.namespace, revision: rev.revision, readiness });
}
