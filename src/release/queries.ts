import { redactSecret } from '../model/redact.js';
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
  return store.history(release);
}

/** The revision `get` reads: `revision` when given, else the newest. */
async function pickRevision(store: RevisionStore, release: string, revision: number | undefined): Promise<Revision> {
  if (revision !== undefined) return store.get(release, revision);
  const latest = (await store.list(release)).at(-1);
  if (!latest) throw releaseNotFound(release, store.namespace);
  return store.get(release, latest.revision);
}

/** The stored manifests of a revision; Secret values redacted unless `showSecrets`. */
export async function getManifestsAction(
  store: RevisionStore,
  release: string,
  options: { revision?: number; showSecrets?: boolean } = {},
): Promise<{ revision: number; manifests: KubeObject[] }> {
  const rev = await pickRevision(store, release, options.revision);
  return { revision: rev.revision, manifests: options.showSecrets ? rev.manifests : rev.manifests.map((o) => redactSecret(o)) };
}

/** The config values a revision was deployed with (secret-marked values are stored only as hashes). */
export async function getValuesAction(store: RevisionStore, release: string, options: { revision?: number } = {}): Promise<{ revision: number; values: unknown }> {
  const rev = await pickRevision(store, release, options.revision);
  return { revision: rev.revision, values: rev.values };
}

// ---- text formatting -------------------------------------------------------------------------------------------

/** `2026-11-24 22:04:05` (UTC, second precision): readable and sortable. */
export function shortTime(iso: string): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

export function manifestsToYaml(manifests: readonly KubeObject[]): string {
  return toYamlDocuments(manifests);
}
