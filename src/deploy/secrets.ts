import pLimit from 'p-limit';
import { UserError } from '../errors.js';
import { objectKey, type KubeObject, type ManifestSet } from '../model/manifest-set.js';
import { isScrubbedSecret, MissingSecretData, scrubRevision, withLiveSecretData } from '../model/secret-data.js';
import type { ReleaseLock } from '../release/lock.js';
import type { DeployContext } from './context.js';
import { API_CONCURRENCY } from './live.js';

/**
 * A set whose Secrets came from history (a rollback, `--only`'s other services) made applicable: history keeps no
 * Secret data, so each such Secret takes the values it has in the cluster now. Credentials are rotated forward, not
 * rolled back. `kept` names those Secrets; a Secret or key that is gone from the cluster is a UserError before any
 * write, since its values are nowhere else.
 */
export async function restoreLiveSecrets(ctx: Pick<DeployContext, 'client'>, set: ManifestSet): Promise<{ set: ManifestSet; kept: string[] }> {
  const stored = set.objects.filter(isScrubbedSecret);
  if (stored.length === 0) return { set, kept: [] };
  const limit = pLimit(API_CONCURRENCY);
  const live = new Map<string, KubeObject | undefined>(
    await Promise.all(stored.map((o) => limit(async () => [objectKey(o), await ctx.client.read(o)] as const))),
  );
  try {
    const { objects, kept } = withLiveSecretData(set.objects, live, objectKey);
    return { set: { ...set, objects }, kept };
  } catch (err) {
    if (!(err instanceof MissingSecretData)) throw err;
    throw new UserError(`cannot restore ${err.message}: revisions keep no Secret values, so only the live Secret has them`, {
      hint: `deploy the app with its secret values instead (berth deploy ${set.app} -r ${set.release} -n ${set.namespace} ...)`,
    });
  }
}

/**
 * Rewrites revisions `legacy` of `release` (from `store.prepareScrub`, stored before release keys) without their
 * Secret data and with keyed digests instead of unkeyed hashes, once: afterwards no stored revision of the release
 * holds a secret value. Holding the lock.
 */
export async function scrubHistory(ctx: DeployContext, lock: ReleaseLock, release: string, key: Buffer, legacy: readonly number[]): Promise<number[]> {
  for (const n of legacy) {
    lock.assertHeld();
    await ctx.store.replacePayload(scrubRevision(await ctx.store.get(release, n), key));
  }
  if (legacy.length > 0) ctx.progress.note(`removed Secret data and unkeyed secret hashes from revision(s) ${legacy.join(', ')} (stored before release keys)`);
  return [...legacy];
}
