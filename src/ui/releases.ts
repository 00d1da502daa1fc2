import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { listSecretPaths } from '../config/secrets.js';
import { ClusterError } from '../errors.js';
import { follow } from '../kube/watch.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeApi } from '../model/kube-api.js';
import { LABEL_INSTANCE } from '../model/manifest-set.js';
import { podIsReady, podProblems, problemLine } from '../model/pod-problems.js';
import { releaseNotFound, type RevisionStore } from '../model/revision-store.js';
import type { ReleaseSummary, Revision, RevisionInfo } from '../model/revision.js';
import { releaseEvents } from '../operate/events.js';
import { inventoryOf, Ownership, releasePods, WORKLOAD_KINDS } from '../operate/inventory.js';
import { statusAction, type ServiceStatus } from '../operate/status.js';
import { getValuesAction, historyAction, listAction } from '../release/queries.js';
import type { SecretRevisionStore } from '../release/store.js';
import { schemaOfApp } from '../synth/app-schema.js';
import type { PodView, ReleaseDetail, ReleaseRow, ReleaseStatusEvent, RevisionRow, ServiceView } from './api-types.js';
import { maskConfig } from './mask.js';

/**
 * The release pages' data: what `berth list`, `status`, `history` and `get values` return (the same actions),
 * shaped as api-types.ts says and with every secret masked.
 */

export interface Note {
  readonly namespace?: string;
  readonly message: string;
}

export function rowOf(context: string, r: ReleaseSummary): ReleaseRow {
  return {
    context,
    namespace: r.namespace,
    release: r.release,
    app: r.app,
    ...(r.template ? { template: { name: r.template.name, version: r.template.version } } : {}),
    env: r.env,
    version: r.version,
    revision: r.revision,
    status: r.status,
    updatedAt: r.updatedAt,
  };
}

const forbidden = (err: unknown) => err instanceof ClusterError && err.status === 403;

/**
 * The newest revision of every release the user can read: one cluster-wide list (metadata only) when allowed, else
 * namespace by namespace, a namespace the user may not list Secrets in becoming a note instead of an error.
 */
export async function listAll(client: KubeApi & { defaultNamespace: string }): Promise<{ releases: ReleaseSummary[]; notes: Note[] }> {
  try {
    return { releases: await listAction(client, undefined), notes: [] };
  } catch (err) {
    if (!forbidden(err)) throw err;
  }
  const notes: Note[] = [];
  let namespaces: string[];
  try {
    namespaces = (await client.list('v1', 'Namespace', { metadataOnly: true })).map((n) => n.metadata.name);
    notes.push({ message: 'you may not list Secrets in every namespace: releases were listed namespace by namespace' });
  } catch (err) {
    if (!forbidden(err)) throw err;
    namespaces = [client.defaultNamespace];
    notes.push({ message: `you may not list namespaces: showing namespace ${client.defaultNamespace} (the kubeconfig context's) only` });
  }
  const limit = pLimit(8);
  const lists = await Promise.all(
    namespaces.map((ns) =>
      limit(async () => {
        try {
          return await listAction(client, ns);
        } catch (err) {
          if (!forbidden(err)) throw err;
          notes.push({ namespace: ns, message: `left out: you may not list Secrets in namespace ${ns}` });
          return [];
        }
      }),
    ),
  );
  return { releases: lists.flat(), notes };
}

/** Throws the CLI's "not found" (a 404) when the release has no revision in the namespace. */
export async function requireRelease(store: RevisionStore, release: string): Promise<RevisionInfo[]> {
  const revisions = await store.list(release);
  if (revisions.length === 0) throw releaseNotFound(release, store.namespace);
  return revisions;
}

export function serviceViews(services: readonly ServiceStatus[]): ServiceView[] {
  return services.map((s) => ({ name: s.name, kind: kindOf(s), state: s.state, message: s.message, pods: { ready: s.pods.ready, total: s.pods.total } }));
}

/** The service's main kind: its first workload, else its first object (`Deployment`, `StatefulSet`, `Service`...). */
function kindOf(s: ServiceStatus): string {
  const kinds = s.objects.map((o) => o.object.split('/')[0]!);
  return kinds.find((k) => WORKLOAD_KINDS.has(k)) ?? kinds[0] ?? '';
}

/** Every pod of the release's workloads, with its reason when not ready and its newest warnings. */
export async function podViews(client: KubeApi, rev: Revision): Promise<PodView[]> {
  if (rev.status === 'uninstalled') return [];
  const inventory = inventoryOf(rev);
  const [pods, events] = await Promise.all([releasePods(client, new Ownership(client, inventory)), releaseEvents(client, inventory)]);
  return pods.map(({ pod, workload }) => {
    const mine = events.filter((e) => e.kind === 'Pod' && e.name === pod.metadata.name).reverse();
    const ready = podIsReady(pod);
    const problem = ready ? undefined : podProblems(pod, mine)[0];
    const status = (pod as { status?: { phase?: string; containerStatuses?: { restartCount?: number }[] } }).status;
    return {
      name: pod.metadata.name,
      service: workload.service,
      phase: pod.metadata.deletionTimestamp ? 'Terminating' : (status?.phase ?? 'Unknown'),
      ready,
      restarts: (status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
      ...(problem ? { reason: problemLine(problem) } : {}),
      warnings: mine
        .filter((e) => e.type === 'Warning')
        .slice(0, 3)
        .map((e) => ({ reason: e.reason, message: e.message, at: e.time })),
    };
  });
}

export function revisionRow(r: RevisionInfo): RevisionRow {
  return {
    revision: r.revision,
    status: r.status,
    description: r.error ? `${r.description} (${r.error.split('\n')[0]})` : r.description,
    ...(r.template ? { template: { name: r.template.name, version: r.template.version } } : {}),
    version: r.version,
    updatedAt: r.updatedAt,
    user: r.user,
  };
}

/** Services with live readiness and the release's pods: the detail page's live part, sent again by the watch. */
export async function liveStatus(client: KubeApi, store: SecretRevisionStore, release: string): Promise<ReleaseStatusEvent & { status: Awaited<ReturnType<typeof statusAction>> }> {
  const status = await statusAction(client, store, release);
  const rev = await store.get(release, status.revision);
  return { status, services: serviceViews(status.services), pods: await podViews(client, rev) };
}

/**
 * The secret paths of the app a release runs, when it is an app of this project: then an unset secret shows as
 * `{ set: false }`. The schema is cached by content, so this costs one extraction per app version. Masking does not
 * depend on it: stored revisions hold secrets only as digests, which are masked whatever the schema says.
 */
function appSecretPaths(root: string, summary: Pick<ReleaseSummary, 'app' | 'template'>): string[] {
  if (summary.template || !/^[a-z0-9][a-z0-9._-]*$/i.test(summary.app) || !existsSync(join(root, 'apps', summary.app, 'index.ts'))) return [];
  try {
    return listSecretPaths(schemaOfApp(summary.app, root));
  } catch {
    // An app that no longer compiles still shows its releases, masked by the digests alone.
    return [];
  }
}

export async function releaseDetail(context: string, client: KubeApi, store: SecretRevisionStore, release: string, root: string): Promise<ReleaseDetail> {
  await requireRelease(store, release);
  const [live, history, values] = await Promise.all([liveStatus(client, store, release), historyAction(store, release), getValuesAction(store, release)]);
  const s = live.status;
  const secretPaths = appSecretPaths(root, s);
  return {
    summary: rowOf(context, s),
    description: s.description,
    ...(s.error ? { error: s.error } : {}),
    services: live.services,
    pods: live.pods,
    config: maskConfig(values.values ?? null, secretPaths),
    history: history.map(revisionRow).reverse(),
  };
}

/**
 * Sends the release's services and pods whenever one of its pods or workloads changes: Kubernetes watches (list then
 * watch, src/kube/watch.ts) on Pods and on each workload kind of the release, changes within `debounceMs` sent once.
 * When the user may not watch, it polls every `pollMs` instead. Resolves when the signal aborts.
 */
export async function watchRelease(
  client: KubeClient,
  store: SecretRevisionStore,
  release: string,
  signal: AbortSignal,
  send: (e: ReleaseStatusEvent) => void,
  options: { debounceMs?: number; pollMs?: number } = {},
): Promise<void> {
  const revisions = await requireRelease(store, release);
  const rev = await store.get(release, revisions.at(-1)!.revision);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const refresh = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const live = await liveStatus(client, store, release);
      if (!signal.aborted) send({ services: live.services, pods: live.pods });
    } catch {
      // A failed read is retried at the next change; the stream stays open.
    } finally {
      running = false;
      if (again && !signal.aborted) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), options.debounceMs ?? 250);
  };
  signal.addEventListener('abort', () => timer && clearTimeout(timer), { once: true });
  const kinds = [...new Set(rev.manifests.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => `${o.apiVersion} ${o.kind}`))];
  // Pods carry the release's instance label; workloads too. ReplicaSets are left out: a pod change follows any of theirs.
  const selector = `${LABEL_INSTANCE}=${release}`;
  const watches = [['v1', 'Pod'], ...kinds.map((k) => k.split(' ') as [string, string])].map(([apiVersion, kind]) =>
    follow(client, apiVersion!, kind!, { namespace: store.namespace, labelSelector: selector, signal }, () => schedule()),
  );
  try {
    await Promise.all(watches);
  } catch (err) {
    if (!forbidden(err)) throw err;
    while (!signal.aborted) {
      await refresh();
      await new Promise((r) => setTimeout(r, options.pollMs ?? 3000));
    }
  }
}
