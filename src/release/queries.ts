import pLimit from 'p-limit';
import { readiness } from '../model/wait/index.js';
import { redactSecret } from '../model/redact.js';
import { isSecret } from '../model/secret-data.js';
import { hideSecretDigests } from '../model/secrets.js';
import type { KubeApi } from '../model/kube-api.js';
import { LABEL_NAME, objectRef, type KubeObject } from '../model/manifest-set.js';
import { releaseNotFound, type RevisionStore } from '../model/revision-store.js';
import { listReleases } from './store.js';
import type { ReleaseSummary, Revision, RevisionInfo } from '../model/revision.js';
import { toYamlDocuments } from '../util/yaml.js';

/**
 * The read-only release actions behind `berth list | status | history | get`: plain data in, plain data out, so the
 * CLI and the web UI show the same thing. Formatting for the terminal is in the `format*` functions.
 */

export async function listAction(client: KubeApi, namespace: string | undefined): Promise<ReleaseSummary[]> {
  return listReleases(client, namespace);
}

export async function historyAction(store: RevisionStore, release: string): Promise<RevisionInfo[]> {
  return store.history(release);
}

export type ObjectState = 'ready' | 'waiting' | 'failed' | 'missing';

export interface ObjectStatus {
  /** `Deployment/shop-api`. */
  readonly object: string;
  readonly state: ObjectState;
  readonly message: string;
}

export interface ServiceStatus {
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

/** The newest revision of a release and the live readiness of every object it recorded, per service. */
export async function statusAction(client: KubeApi, store: RevisionStore, release: string): Promise<ReleaseStatus> {
  const latest = (await store.history(release)).at(-1)!;
  const rev = await store.get(release, latest.revision);
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
  const services = [...byService].map(([name, list]) => {
    const worst = list.reduce<ObjectStatus | undefined>((w, s) => (!w || SEVERITY[s.state] > SEVERITY[w.state] ? s : w), undefined);
    const state: ObjectState = worst?.state ?? 'missing';
    const message = !worst ? 'no objects recorded' : state === 'ready' ? `${list.length} object(s) ready` : `${worst.object}: ${worst.message}`;
    return { name, state, message, objects: list };
  });
  return {
    release,
    namespace: store.namespace,
    revision: rev.revision,
    status: rev.status,
    app: rev.app,
    version: rev.version,
    env: rev.env,
    description: rev.description,
    updatedAt: rev.updatedAt,
    error: rev.error,
    services,
  };
}

async function objectStatus(client: KubeApi, o: KubeObject): Promise<ObjectStatus> {
  const live = await client.read(o);
  if (!live) return { object: objectRef(o), state: 'missing', message: 'not found in the cluster' };
  const r = readiness(live);
  return { object: objectRef(o), state: r.done ? (r.ok ? 'ready' : 'failed') : 'waiting', message: r.message };
}

/** The revision `get` reads: `revision` when given, else the newest. */
async function pickRevision(store: RevisionStore, release: string, revision: number | undefined): Promise<Revision> {
  if (revision !== undefined) return store.get(release, revision);
  const latest = (await store.list(release)).at(-1);
  if (!latest) throw releaseNotFound(release, store.namespace);
  return store.get(release, latest.revision);
}

/**
 * The stored manifests of a revision, Secret values redacted. Revisions keep no Secret values, so `showSecrets`
 * shows the live Secrets' values, and only for the newest revision (the one whose Secrets are live); with a
 * `client` only. A revision stored before release keys may still hold old values: they are never shown.
 */
export async function getManifestsAction(
  store: RevisionStore,
  release: string,
  options: { revision?: number; showSecrets?: boolean; client?: KubeApi } = {},
): Promise<{ revision: number; manifests: KubeObject[]; liveSecrets: boolean }> {
  const rev = await pickRevision(store, release, options.revision);
  const redactedAll = rev.manifests.map((o) => redactSecret(o));
  const newest = (await store.list(release)).at(-1)?.revision === rev.revision;
  if (!options.showSecrets || !options.client || !newest || rev.status === 'uninstalled') {
    return { revision: rev.revision, manifests: redactedAll, liveSecrets: false };
  }
  const client = options.client;
  const manifests = await Promise.all(
    rev.manifests.map(async (o) => {
      if (!isSecret(o)) return o;
      const live = await client.read(o);
      return live ? { ...o, data: live.data } : redactSecret(o);
    }),
  );
  return { revision: rev.revision, manifests, liveSecrets: true };
}

/** The config values a revision was deployed with; secret-marked values show only as `(secret)`. */
export async function getValuesAction(store: RevisionStore, release: string, options: { revision?: number } = {}): Promise<{ revision: number; values: unknown }> {
  const rev = await pickRevision(store, release, options.revision);
  return { revision: rev.revision, values: hideSecretDigests(rev.values) };
}

// ---- text formatting -------------------------------------------------------------------------------------------

/** `2026-11-24 22:04:05` (UTC, second precision): readable and sortable. */
export function shortTime(iso: string): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

export function manifestsToYaml(manifests: readonly KubeObject[]): string {
  return toYamlDocuments(manifests);
}
