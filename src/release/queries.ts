import { redactSecret } from '../model/redact.js';
import { isSecret } from '../model/secret-data.js';
import { hideSecretDigests } from '../model/secrets.js';
import type { KubeApi } from '../model/kube-api.js';
import type { KubeObject } from '../model/manifest-set.js';
import { releaseNotFound, type RevisionStore } from '../model/revision-store.js';
import { listReleases } from './store.js';
import type { ReleaseSummary, Revision, RevisionInfo } from '../model/revision.js';
import { toYamlDocuments } from '../util/yaml.js';

/**
 * The read-only release actions behind `berth list | history | get` (`status` is in src/operate/status.ts): plain data in, plain data out, so the
 * CLI and the web UI show the same thing. Formatting for the terminal is in the `format*` functions.
 */

export async function listAction(client: KubeApi, namespace: string | undefined): Promise<ReleaseSummary[]> {
  return listReleases(client, namespace);
}

export async function historyAction(store: RevisionStore, release: string): Promise<RevisionInfo[]> {
  // The object keys are the plan's business (and long): `history -o json` keeps its shape.
  return (await store.history(release)).map(({ objectKeys: _keys, ...info }) => info);
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
