import pLimit from 'p-limit';
import { releaseNotFound } from '../model/revision-store.js';
import { ANNOTATION_KEEP, hasClusterScoped, LABEL_INSTANCE, objectKey, objectRef, sortObjects, type KubeObject } from '../model/manifest-set.js';
import type { DeployContext } from './context.js';
import { DEFAULT_TIMEOUT_MS, withReleaseLock } from './deploy.js';
import { loadAllRevisions } from './history.js';
import { deleteReleaseKey } from '../release/key.js';
import { API_CONCURRENCY } from './live.js';
import { appliedByRelease, releaseId } from '../model/plan.js';

export interface UninstallOptions {
  /** Keep the revision records (marked uninstalled) instead of deleting them. @default false */
  readonly keepHistory?: boolean;
  /** Keep the PersistentVolumeClaims the release's StatefulSets created (their data). @default false */
  readonly keepVolumes?: boolean;
  /** How long to wait for the objects to be gone. @default 5 minutes */
  readonly timeoutMs?: number;
}

export interface UninstallResult {
  readonly release: string;
  readonly namespace: string;
  /** `Kind/name` of every deleted object, in deletion order. */
  readonly deleted: readonly string[];
  /** Claims the release's StatefulSets created from their volume claim templates, deleted unless `keepVolumes`. */
  readonly volumes: readonly string[];
  /** Objects left in place because of `berth.dev/keep`. */
  readonly kept: readonly string[];
  readonly keptHistory: boolean;
  readonly durationMs: number;
}

/**
 * Deletes every object the release owns (found by its label and by its recorded manifests, and only those it
 * applied itself), waits until they are gone, then deletes or marks its history.
 */
export async function uninstall(ctx: DeployContext, namespace: string, release: string, options: UninstallOptions = {}): Promise<UninstallResult> {
  const started = Date.now();
  const id = releaseId(namespace, release);
  return withReleaseLock(ctx, namespace, release, async (lock) => {
    const revisions = await loadAllRevisions(ctx.store, release);
    if (revisions.length === 0) throw releaseNotFound(release, namespace);
    const found = new Map<string, KubeObject>();
    const recorded = new Map<string, KubeObject>();
    for (const r of revisions) for (const o of r.manifests) recorded.set(objectKey(o), o);
    // Cluster-scoped objects of the release live outside its namespace: searched cluster-wide when it recorded any.
    const clusterScoped = hasClusterScoped([...recorded.values()]);
    for (const o of await ctx.client.listByLabel(namespace, `${LABEL_INSTANCE}=${release}`, { clusterScoped })) found.set(objectKey(o), o);
    const limit = pLimit(API_CONCURRENCY);
    await Promise.all(
      [...recorded].filter(([k]) => !found.has(k)).map(([k, o]) =>
        limit(async () => {
          const live = await ctx.client.read(o);
          if (live) found.set(k, live);
        }),
      ),
    );
    // The release's own namespace holds its history and lock (and maybe other releases): never deleted with it.
    const owned = sortObjects([...found.values()].filter((o) => appliedByRelease(o, id) && !(o.kind === 'Namespace' && o.metadata.name === namespace))).reverse();
    const kept = owned.filter((o) => o.metadata.annotations?.[ANNOTATION_KEEP] !== undefined);
    const doomed = owned.filter((o) => o.metadata.annotations?.[ANNOTATION_KEEP] === undefined);
    lock.assertHeld();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      doomed.map((o) =>
        limit(async () => {
          ctx.progress.note(`deleting ${objectRef(o)}`);
          await ctx.client.delete(o, { wait: true, propagationPolicy: 'Foreground', timeoutMs: Math.max(5000, deadline - Date.now()) });
        }),
      ),
    );
    const volumes = options.keepVolumes ? [] : await statefulSetClaims(ctx, namespace, release, [...recorded.values()]);
    await Promise.all(
      volumes.map((o) =>
        limit(async () => {
          ctx.progress.note(`deleting ${objectRef(o)} (volume of a StatefulSet)`);
          await ctx.client.delete(o, { wait: true, timeoutMs: Math.max(5000, deadline - Date.now()) });
        }),
      ),
    );
    if (options.keepHistory) {
      for (const r of revisions) {
        if (r.status === 'deployed' || r.status === 'pending') await ctx.store.setStatus(release, r.revision, 'uninstalled');
      }
    } else {
      await ctx.store.deleteAll(release);
      await deleteReleaseKey(ctx.client, namespace, release);
    }
    return {
      release,
      namespace,
      deleted: doomed.map(objectRef),
      volumes: volumes.map(objectRef),
      kept: kept.map(objectRef),
      keptHistory: options.keepHistory ?? false,
      durationMs: Date.now() - started,
    };
  });
}

/**
 * The claims a StatefulSet of the release created from its `volumeClaimTemplates` (`<template>-<statefulset>-<ordinal>`):
 * the controller made them, so they are not in any revision, yet they are the release's and carry its labels.
 */
async function statefulSetClaims(ctx: DeployContext, namespace: string, release: string, recorded: readonly KubeObject[]): Promise<KubeObject[]> {
  const prefixes = recorded
    .filter((o) => o.kind === 'StatefulSet')
    .flatMap((o) => {
      const templates = ((o.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates ?? []);
      return templates.map((t) => `${t.metadata?.name}-${o.metadata.name}-`);
    });
  if (prefixes.length === 0) return [];
  const claims = await ctx.client.list('v1', 'PersistentVolumeClaim', { namespace, labelSelector: `${LABEL_INSTANCE}=${release}` });
  return claims.filter((c) => prefixes.some((p) => c.metadata.name.startsWith(p) && /^\d+$/.test(c.metadata.name.slice(p.length))));
}
