import type { KubeClient } from '../kube/client.js';
import type { KubeApi } from '../model/kube-api.js';
import { follow } from '../kube/watch.js';
import type { KubeObject } from '../model/manifest-set.js';
import { checkServices } from './logs.js';
import { Ownership, serviceOf, type ReleaseInventory, type WorkloadRef } from './inventory.js';
import { newestFirst, toEventInfo, type EventInfo } from '../model/pod-problems.js';

/**
 * `berth events`: the events about a release's objects — those its revision recorded and those their controllers
 * made (ReplicaSets, Jobs, Pods, a StatefulSet's claims) — newest last, like `kubectl get events` sorted by time.
 */

export interface ReleaseEvent extends EventInfo {
  readonly service: string;
}

export interface EventsOptions {
  readonly services?: readonly string[];
  /** Only `Warning` events. */
  readonly warningsOnly?: boolean;
}

/** Pod names each controller generates: the way to place an event about a pod that no longer exists. */
function generatedPodName(w: WorkloadRef, pod: string): boolean {
  const esc = w.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  switch (w.kind) {
    case 'Deployment':
      return new RegExp(`^${esc}-[a-z0-9]{1,10}-[a-z0-9]{5}$`).test(pod);
    case 'StatefulSet':
      return new RegExp(`^${esc}-\\d+$`).test(pod);
    case 'DaemonSet':
    case 'Job':
      return new RegExp(`^${esc}-[a-z0-9]{5}$`).test(pod);
    case 'CronJob':
      return new RegExp(`^${esc}-\\d+-[a-z0-9]{5}$`).test(pod);
    default:
      return false;
  }
}

/** Decides which service, if any, an event's object belongs to. */
export class Membership {
  private readonly recorded = new Map<string, string>();
  private readonly claims: { prefix: string; service: string }[] = [];
  private readonly pods = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: KubeApi,
    private readonly ownership: Ownership,
  ) {
    const inventory = ownership.inventory;
    for (const o of inventory.revision.manifests) this.recorded.set(`${o.kind}/${o.metadata.name}`, serviceOf(o));
    // A StatefulSet names its claims <template>-<statefulset>-<ordinal>.
    for (const o of inventory.revision.manifests) {
      if (o.kind !== 'StatefulSet') continue;
      const templates = ((o.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates) ?? [];
      for (const t of templates) if (t.metadata?.name) this.claims.push({ prefix: `${t.metadata.name}-${o.metadata.name}-`, service: serviceOf(o) });
    }
  }

  async serviceOf(kind: string, name: string): Promise<string | undefined> {
    const recorded = this.recorded.get(`${kind}/${name}`);
    if (recorded) return recorded;
    const namespace = this.ownership.inventory.namespace;
    if (kind === 'PersistentVolumeClaim') return this.claims.find((c) => name.startsWith(c.prefix) && /^\d+$/.test(name.slice(c.prefix.length)))?.service;
    if (kind === 'ReplicaSet' || kind === 'Job' || kind === 'Pod') {
      const key = `${kind}/${name}`;
      let found = this.pods.get(key);
      if (!found) {
        found = (async () => {
          const apiVersion = kind === 'ReplicaSet' ? 'apps/v1' : kind === 'Job' ? 'batch/v1' : 'v1';
          const live = await this.client.read({ apiVersion, kind, metadata: { name, namespace } });
          if (live) return (await this.ownership.workloadOf(live))?.service;
          if (kind !== 'Pod') return undefined;
          return this.ownership.inventory.workloads.find((w) => generatedPodName(w, name))?.service;
        })();
        this.pods.set(key, found);
      }
      return found;
    }
    return undefined;
  }

  /** Objects already known (a list of pods, ReplicaSets, Jobs), so `serviceOf` need not read them one by one. */
  async seed(objects: readonly KubeObject[]): Promise<void> {
    this.ownership.seed(objects);
    for (const o of objects) {
      const key = `${o.kind}/${o.metadata.name}`;
      if (!this.pods.has(key)) this.pods.set(key, this.ownership.workloadOf(o).then((w) => w?.service));
    }
  }
}

function keep(e: EventInfo, service: string | undefined, options: EventsOptions): service is string {
  return Boolean(service) && (!options.services || options.services.includes(service!)) && (!options.warningsOnly || e.type === 'Warning');
}

async function membership(client: KubeApi, inventory: ReleaseInventory): Promise<Membership> {
  const namespace = inventory.namespace;
  const m = new Membership(client, new Ownership(client, inventory));
  const [pods, replicaSets, jobs] = await Promise.all([
    client.list('v1', 'Pod', { namespace }),
    client.list('apps/v1', 'ReplicaSet', { namespace }),
    client.list('batch/v1', 'Job', { namespace }),
  ]);
  await m.seed([...replicaSets, ...jobs, ...pods]);
  return m;
}

/** The release's events, oldest first. */
export async function releaseEvents(client: KubeApi, inventory: ReleaseInventory, options: EventsOptions = {}): Promise<ReleaseEvent[]> {
  checkServices(inventory, options.services);
  const [m, raw] = await Promise.all([membership(client, inventory), client.list('v1', 'Event', { namespace: inventory.namespace })]);
  const out: ReleaseEvent[] = [];
  for (const e of raw.map(toEventInfo)) {
    const service = await m.serviceOf(e.kind, e.name);
    if (keep(e, service, options)) out.push({ ...e, service });
  }
  return newestFirst(out).reverse();
}

/** The newest warnings per service, for `status` and a failed deploy's summary. */
export function newestWarnings(events: readonly ReleaseEvent[], perService = 3): Map<string, ReleaseEvent[]> {
  const byService = new Map<string, ReleaseEvent[]>();
  for (const e of newestFirst(events)) {
    if (e.type !== 'Warning') continue;
    const list = byService.get(e.service) ?? [];
    if (list.length < perService) list.push(e);
    byService.set(e.service, list);
  }
  return byService;
}

/**
 * Prints the release's existing events (oldest first), then each new one as it happens. Resolves when the signal
 * aborts.
 */
export async function followEvents(
  client: KubeClient,
  inventory: ReleaseInventory,
  options: EventsOptions & { signal: AbortSignal; onReconnect?: (err: unknown) => void },
  onEvent: (e: ReleaseEvent) => void,
): Promise<void> {
  checkServices(inventory, options.services);
  const [m, existing] = await Promise.all([membership(client, inventory), client.list('v1', 'Event', { namespace: inventory.namespace })]);
  // A repeated event comes back as MODIFIED with a higher count: it is shown again only when it changed.
  const seen = new Map<string, string>();
  const isNew = (raw: KubeObject) => {
    const e = toEventInfo(raw);
    const id = String(raw.metadata.uid ?? raw.metadata.name);
    const version = `${e.count}/${e.time}`;
    if (seen.get(id) === version) return undefined;
    seen.set(id, version);
    return e;
  };
  const initial: ReleaseEvent[] = [];
  for (const raw of existing) {
    const e = isNew(raw)!;
    const service = await m.serviceOf(e.kind, e.name);
    if (keep(e, service, options)) initial.push({ ...e, service });
  }
  for (const e of newestFirst(initial).reverse()) onEvent(e);
  // Placing an event may need a read; one after another keeps them in the order the watch sent them.
  let chain = Promise.resolve();
  await follow(client, 'v1', 'Event', { namespace: inventory.namespace, signal: options.signal, onReconnect: options.onReconnect }, (type, raw) => {
    if (type === 'DELETED') return;
    const e = isNew(raw);
    if (!e) return;
    chain = chain
      .then(async () => {
        const service = await m.serviceOf(e.kind, e.name);
        if (keep(e, service, options)) onEvent({ ...e, service });
      })
      .catch(() => undefined);
  });
  await chain;
}
