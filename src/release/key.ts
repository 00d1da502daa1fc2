import { randomBytes } from 'node:crypto';
import { ClusterError, UserError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import type { KubeObject } from '../model/manifest-set.js';
import { LABEL_RELEASE } from './store.js';

/**
 * The release key: 32 random bytes per release, kept in the Secret `berth.release.v1.<release>.key` of the release's
 * namespace, created by the first deploy and deleted by uninstall (unless --keep-history). Revisions store secret
 * values and Secret data only as HMAC-SHA256 digests under it, and pod templates carry a keyed hash of their secret
 * config, so a digest read from history or from a Deployment cannot be reversed with a dictionary. Whoever can read
 * the key can read the release's live Secrets anyway (same namespace, same resource), so keeping it there gives
 * nobody more than they have.
 */
export const KEY_SECRET_TYPE = 'berth.dev/release.v1.key';
/** The key Secret is labelled `release`, not `owner=berth`, so revision listings never see it. */
export const LABEL_KEY = 'berth.dev/release-key';
const DATA_KEY = 'key';
const KEY_BYTES = 32;

export function keySecretName(release: string): string {
  return `berth.release.v1.${release}.key`;
}

/** A release key and whether it is stored in the cluster yet. */
export interface ReleaseKey {
  readonly key: Buffer;
  /** False for a key made for a release that has none yet: `storeReleaseKey` writes it (deploy does, diff never). */
  readonly stored: boolean;
}

function ref(namespace: string, release: string) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: keySecretName(release), namespace } };
}

/** The stored key of `release`, or a new one (not stored) when it has none; never writes. */
export async function readReleaseKey(client: KubeApi, namespace: string, release: string): Promise<ReleaseKey> {
  const found = await client.read<KubeObject & { data?: Record<string, string> }>(ref(namespace, release));
  if (!found) return { key: randomBytes(KEY_BYTES), stored: false };
  const key = Buffer.from(found.data?.[DATA_KEY] ?? '', 'base64');
  if (key.length < 16) {
    throw new ClusterError(`the release key of ${release} in namespace ${namespace} (Secret ${keySecretName(release)}) is damaged: ${key.length} bytes`, {
      hint: `delete it (kubectl delete secret -n ${namespace} ${keySecretName(release)}); the next deploy makes a new one (secret values then show as changed once)`,
    });
  }
  return { key, stored: true };
}

/**
 * Stores `k` as the key of `release` when it is not stored yet. Call it holding the release lock. A key another run
 * stored meanwhile (two first deploys racing before either held the lock) is a UserError: this run's digests were
 * made with another key, so it must start again.
 */
export async function storeReleaseKey(client: KubeApi, namespace: string, release: string, k: ReleaseKey): Promise<void> {
  if (k.stored) return;
  try {
    await client.create({
      ...ref(namespace, release),
      metadata: { ...ref(namespace, release).metadata, labels: { [LABEL_RELEASE]: release, [LABEL_KEY]: 'true' } },
      type: KEY_SECRET_TYPE,
      immutable: true,
      data: { [DATA_KEY]: k.key.toString('base64') },
    });
  } catch (err) {
    if (err instanceof ClusterError && err.status === 409) {
      const now = await readReleaseKey(client, namespace, release);
      if (now.stored && now.key.equals(k.key)) return;
      throw new UserError(`another deploy of ${release} in namespace ${namespace} created its release key meanwhile`, {
        hint: 'run the command again: it will use that key',
      });
    }
    throw err;
  }
}

/** Deletes the key of `release` (uninstall without --keep-history). */
export async function deleteReleaseKey(client: KubeApi, namespace: string, release: string): Promise<void> {
  await client.delete(ref(namespace, release));
}
