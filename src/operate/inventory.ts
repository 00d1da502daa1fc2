import { UserError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import type { RevisionStore } from '../model/revision-store.js';
import type { Revision } from '../model/revision.js';
import { LABEL_NAME, type KubeObject, type ServiceInfo } from '../model/manifest-set.js';

/**
 * What a release owns, from its own record rather than a label query: the workloads of its newest revision, and
 * the objects their controllers made (ReplicaSets, Jobs, Pods, claims), found by following ownerReferences back to
 * one of those workloads. A pod that merely carries the release's labels is not the release's.
 */

/** Kinds whose pods `logs`, `status` and `events` look at. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

export interface WorkloadRef {
  readonly kind: string;
  readonly name: string;
  /** The service it belongs to (`app.kubernetes.io/name`), or the workload's name when it carries no label. */
  readonly service: string;
}

export interface ReleaseInventory {
  readonly release: string;
  readonly namespace: string;
  readonly revision: Revision;
  readonly services: readonly ServiceInfo[];
  readonly workloads: readonly WorkloadRef[];
}

/** The newest revision's inventory (a failed revision included: its pods are the ones a user wants to see). */
export async function loadInventory(store: RevisionStore, release: string): Promise<ReleaseInventory> {
  const latest = (await store.history(release)).at(-1)!;
  if (latest.status === 'uninstalled') {
    throw new UserError(`release ${release} in namespace ${store.namespace} is uninstalled (revision ${latest.revision}); it owns no pods`, {
      hint: `deploy it again, or see what it was with berth history ${release} -n ${store.namespace}`,
    });
  }
  const revision = await store.get(release, latest.revision);
  return inventoryOf(revision);
}

export function inventoryOf(revision: Revision): ReleaseInventory {
  return {
    release: revision.release,
    namespace: revision.namespace,
    revision,
    services: revision.services,
    workloads: revision.manifests.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => ({ kind: o.kind, name: o.metadata.name, service: serviceOf(o) })),
  };
}

export function serviceOf(o: KubeObject): string {
  return o.metadata.labels?.[LABEL_NAME] ?? o.metadata.name;
}

interface OwnerReference {
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export function controllerOf(o: KubeObject): OwnerReference | undefined {
  const refs = (o.metadata.ownerReferences ?? []) as OwnerReference[];
  return refs.find((r) => r.controller) ?? refs[0];
}

/** The API group of the intermediate owners a workload's pods point at. */
const INTERMEDIATE: Record<string, { apiVersion: string; kind: string }> = {
  ReplicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  Job: { apiVersion: 'batch/v1', kind: 'Job' },
};

/**
 * Resolves a pod (or a ReplicaSet / Job) to the release workload that controls it: directly (StatefulSet,
 * DaemonSet, Job), or through one intermediate owner (Deployment → ReplicaSet → Pod, CronJob → Job → Pod),
 * read once and cached. Seed it with lists to avoid one read per intermediate owner.
 */
export class Ownership {
  private readonly byKey = new Map<string, WorkloadRef>();
  private readonly intermediates = new Map<string, Promise<KubeObject | undefined>>();

  constructor(
    private readonly client: KubeApi,
    readonly inventory: ReleaseInventory,
  ) {
    for (const w of inventory.workloads) this.byKey.set(`${w.kind}/${w.name}`, w);
  }

  /** Known ReplicaSets / Jobs of the namespace, so `workloadOf` need not read them. */
  seed(objects: readonly KubeObject[]): void {
    for (const o of objects) if (INTERMEDIATE[o.kind]) this.intermediates.set(`${o.kind}/${o.metadata.name}`, Promise.resolve(o));
  }

  /** The release workload `Kind/name` names, if it is one. */
  workload(kind: string, name: string): WorkloadRef | undefined {
    return this.byKey.get(`${kind}/${name}`);
  }

  async workloadOf(o: KubeObject): Promise<WorkloadRef | undefined> {
    const owner = controllerOf(o);
    if (!owner) return undefined;
    const direct = this.workload(owner.kind, owner.name);
    if (direct) return direct;
    const via = INTERMEDIATE[owner.kind];
    if (!via) return undefined;
    const key = `${owner.kind}/${owner.name}`;
    let parent = this.intermediates.get(key);
    if (!parent) {
      parent = this.client.read({ ...via, metadata: { name: owner.name, namespace: this.inventory.namespace } });
      this.intermediates.set(key, parent);
    }
    const p = await parent;
    // A same-named object recreated by someone else is not the one the pod belongs to.
    if (!p || (owner.uid && p.metadata.uid && p.metadata.uid !== owner.uid)) {
      if (p) this.intermediates.delete(key);
      return undefined;
    }
    const grand = controllerOf(p);
    return grand ? this.workload(grand.kind, grand.name) : undefined;
  }
}

/** The release's pods in the namespace, each with its workload: one list of pods, ReplicaSets and Jobs. */
export async function releasePods(client: KubeApi, ownership: Ownership): Promise<{ pod: KubeObject; workload: WorkloadRef }[]> {
  const namespace = ownership.inventory.namespace;
  const [pods, replicaSets, jobs] = await Promise.all([
    client.list('v1', 'Pod', { namespace }),
    client.list('apps/v1', 'ReplicaSet', { namespace }),
    client.list('batch/v1', 'Job', { namespace }),
  ]);
  ownership.seed([...replicaSets, ...jobs]);
  const out: { pod: KubeObject; workload: WorkloadRef }[] = [];
  for (const pod of pods) {
    const workload = await ownership.workloadOf(pod);
    if (workload) out.push({ pod, workload });
  }
  return out.sort((a, b) => a.workload.service.localeCompare(b.workload.service) || a.pod.metadata.name.localeCompare(b.pod.metadata.name));
}
