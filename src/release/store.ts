import { ClusterError } from '../errors.js';
import type { KubeApi } from '../model/kube-api.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { objectKey, type KubeObject, type TemplateRef } from '../model/manifest-set.js';
import { REVISION_STATUSES, type ChangeSummary, type ReleaseSummary, type Revision, type RevisionInfo, type RevisionStatus } from '../model/revision.js';
import { BaseRevisionStore, checkRevision, revisionExists, revisionMissing, type RunStart } from '../model/revision-store.js';
import { CHUNK_BYTES, decodePayload, encodePayload, PayloadError, type EncodedPayload } from './codec.js';

/**
 * Revisions live in the release's namespace, one Secret each:
 * `berth.release.v1.<release>.v<N>`, type `berth.dev/release.v1`, labels owner / release / revision / status.
 * The payload is gzip(JSON); beyond CHUNK_BYTES it continues in chunk Secrets `<name>.c1`, `<name>.c2` ...
 * and the sha256 of the whole gzip stream is checked on read.
 * Status, update time and error live in labels / annotations of the head Secret, so `history` and `list` never
 * download payloads and a status change never rewrites one.
 * Payloads hold no Secret data and no secret value, only keyed digests (src/model/secret-data.ts); heads written
 * so carry `berth.dev/secrets: digests`. Heads without it were written before release keys and are rewritten once
 * (`replacePayload`) by the next deploy.
 */
export const SECRET_TYPE = 'berth.dev/release.v1';
export const CHUNK_SECRET_TYPE = 'berth.dev/release.v1.chunk';
export const LABEL_OWNER = 'owner';
export const LABEL_RELEASE = 'release';
export const LABEL_REVISION = 'revision';
export const LABEL_STATUS = 'status';
export const LABEL_CHUNK = 'chunk';
export const OWNER = 'berth';

const ANN_SUMMARY = 'berth.dev/summary';
const ANN_UPDATED_AT = 'berth.dev/updated-at';
const ANN_ERROR = 'berth.dev/error';
const ANN_CHUNKS = 'berth.dev/chunks';
const ANN_SHA256 = 'berth.dev/sha256';
const ANN_SECRETS = 'berth.dev/secrets';
/** Chunks of a rewritten payload are a new generation (`<head>.g<G>.c<i>`), so the old ones stay readable until the new head exists. */
const ANN_GENERATION = 'berth.dev/generation';
const SECRETS_DIGESTS = 'digests';
/** base64(gzip(the revision's object keys, one a line)), so a plan reads old revisions' keys from a metadata list. */
const ANN_OBJECT_KEYS = 'berth.dev/object-keys';
/**
 * Annotations of an object hold at most 256 KiB together: a key list compressing to more than this is left out
 * (the plan then reads that revision's payload). 2,500 objects compress to about 10 KiB.
 */
const MAX_OBJECT_KEYS_BYTES = 64 * 1024;
/** The `chunk` label of the record of a payload rewrite in progress (`<head>.rewrite`): the new head, in full. */
const REWRITE = 'rewrite';
const REWRITE_KEY = 'head';
const PAYLOAD_KEY = 'release';
const CHUNK_KEY = 'chunk';
/** Annotations are limited to 256 KiB in total; an error message does not need more than this. */
const MAX_ERROR_CHARS = 8000;

/** The head Secret of revision `n`. */
export function revisionSecretName(release: string, n: number): string {
  return `berth.release.v1.${release}.v${n}`;
}

function chunkSecretName(release: string, n: number, chunk: number, generation = 0): string {
  return `${revisionSecretName(release, n)}${generation > 0 ? `.g${generation}` : ''}.c${chunk}`;
}

function rewriteSecretName(release: string, n: number): string {
  return `${revisionSecretName(release, n)}.${REWRITE}`;
}

/** Label selector of every head Secret of `release`, or of every release when omitted. */
export function revisionSelector(release?: string): string {
  return `${LABEL_OWNER}=${OWNER},!${LABEL_CHUNK}${release ? `,${LABEL_RELEASE}=${release}` : ''}`;
}

interface Summary {
  app: string;
  version: string;
  env: string;
  description: string;
  createdAt: string;
  user: string;
  sourceCommit?: string;
  changeSummary?: ChangeSummary;
  /** In the summary, so `history`, `list` and `template outdated -A` name the template without reading payloads. */
  template?: TemplateRef;
}

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  immutable?: boolean;
}

export class SecretRevisionStore extends BaseRevisionStore {
  constructor(
    readonly client: KubeApi,
    readonly namespace: string,
    private readonly chunkBytes: number = CHUNK_BYTES,
  ) {
    super();
  }

  /** Every revision of `release`, oldest first, without payloads. Empty when the release does not exist. */
  async list(release: string): Promise<RevisionInfo[]> {
    return infosFromHeads(await this.heads(release));
  }

  /** Revision `n` with its payload, or undefined when there is none. */
  async find(release: string, n: number): Promise<Revision | undefined> {
    const head = await this.client.read<SecretObject>({ apiVersion: 'v1', kind: 'Secret', metadata: { name: revisionSecretName(release, n), namespace: this.namespace } });
    if (!head) return undefined;
    return this.decode(head);
  }

  /** Stores a new revision. Fails with a ClusterError (status 409) if revision `rev.revision` exists already. */
  async create(rev: Revision): Promise<void> {
    checkRevision(rev);
    const name = revisionSecretName(rev.release, rev.revision);
    const payload = encodePayload({ ...rev, namespace: this.namespace }, this.chunkBytes);
    // Chunks are applied over whatever is there: before writing any, make sure they are not an existing revision's.
    // A payload of one chunk is all in the head, whose create refuses an existing one by itself.
    if (payload.chunks.length > 1 && (await this.client.read({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.namespace } }))) {
      throw revisionExists(rev, this.namespace);
    }
    // Chunks first, head last: a revision exists once its head does, so a reader never sees a partial one.
    const head = await this.writePayload(rev, payload, 0, {
      labels: { [LABEL_STATUS]: rev.status },
      annotations: { [ANN_UPDATED_AT]: rev.updatedAt, ...(rev.error ? { [ANN_ERROR]: rev.error.slice(0, MAX_ERROR_CHARS) } : {}) },
    });
    try {
      await this.client.create(head);
    } catch (err) {
      if (err instanceof ClusterError && err.status === 409) throw revisionExists(rev, this.namespace);
      throw err;
    }
  }

  /**
   * Finishes payload rewrites a killed run left half done (see `replacePayload`), then returns the revisions of
   * `release` written before release keys, whose payloads may hold Secret data or unkeyed hashes of secret values.
   * Call it holding the release lock.
   */
  async prepareScrub(release: string): Promise<number[]> {
    for (const record of await this.rewriteRecords(release)) await this.finishRewrite(record);
    return legacyRevisions(await this.heads(release));
  }

  /**
   * `interruptPending`, `prepareScrub` and `list` in one round of two reads when there is nothing to finish or mark:
   * a rewrite a killed run left is finished first (so no head is missing), then pending revisions are interrupted.
   */
  override async beginRun(release: string, reason: string): Promise<RunStart> {
    const [records, listed] = await Promise.all([this.rewriteRecords(release), this.heads(release)]);
    let heads = listed;
    for (const record of records) await this.finishRewrite(record);
    if (records.length > 0) heads = await this.heads(release);
    let infos = infosFromHeads(heads);
    const interrupted = infos.filter((r) => r.status === 'pending').map((r) => r.revision);
    for (const n of interrupted) await this.setStatus(release, n, 'interrupted', reason);
    if (interrupted.length > 0) {
      heads = await this.heads(release);
      infos = infosFromHeads(heads);
    }
    return { interrupted, legacy: legacyRevisions(heads), revisions: infos };
  }

  private heads(release: string): Promise<KubeObject[]> {
    return this.client.list('v1', 'Secret', { namespace: this.namespace, labelSelector: revisionSelector(release), metadataOnly: true });
  }

  /** The records of payload rewrites a killed run left (see `replacePayload`). */
  private rewriteRecords(release: string): Promise<SecretObject[]> {
    return this.client.list<SecretObject>('v1', 'Secret', {
      namespace: this.namespace,
      labelSelector: `${LABEL_OWNER}=${OWNER},${LABEL_RELEASE}=${release},${LABEL_CHUNK}=${REWRITE}`,
    });
  }

  /**
   * Replaces the payload of stored revision `rev.revision`, keeping its labels and annotations (status, times,
   * error). The head is immutable, so it is deleted and created again; the order keeps the revision readable at
   * every step a run can be killed at: new chunks under a new generation, then a record of the new head
   * (`<head>.rewrite`), then the head swap, then the old chunks and the record go. A run killed between deleting
   * and creating the head leaves the record, from which `prepareScrub` creates the head.
   */
  async replacePayload(rev: Revision): Promise<void> {
    checkRevision(rev);
    const name = revisionSecretName(rev.release, rev.revision);
    const old = await this.client.read<SecretObject>({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.namespace } });
    if (!old) throw revisionMissing(rev.release, rev.revision, this.namespace, rev.status);
    const generation = Number(old.metadata.annotations?.[ANN_GENERATION] ?? '0') + 1;
    const keep = (map: Record<string, string> | undefined, ...names: string[]) =>
      Object.fromEntries(Object.entries(map ?? {}).filter(([k]) => names.includes(k)));
    const head = await this.writePayload(rev, encodePayload({ ...rev, namespace: this.namespace }, this.chunkBytes), generation, {
      labels: keep(old.metadata.labels, LABEL_STATUS),
      annotations: keep(old.metadata.annotations, ANN_UPDATED_AT, ANN_ERROR),
    });
    await this.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: rewriteSecretName(rev.release, rev.revision),
          namespace: this.namespace,
          labels: { [LABEL_OWNER]: OWNER, [LABEL_RELEASE]: rev.release, [LABEL_REVISION]: String(rev.revision), [LABEL_CHUNK]: REWRITE },
        },
        type: CHUNK_SECRET_TYPE,
        data: { [REWRITE_KEY]: Buffer.from(JSON.stringify(head), 'utf8').toString('base64') },
      },
      { force: true },
    );
    await this.client.delete(old, { preconditions: { uid: old.metadata.uid as string | undefined } });
    await this.client.create(head);
    await this.finishRewrite(undefined, rev.release, rev.revision);
  }
  /** Sets the status of revision `n` (and its error, cleared when not given). */
  async setStatus(release: string, n: number, status: RevisionStatus, error?: string): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Secret', metadata: { name: revisionSecretName(release, n), namespace: this.namespace } };
    try {
      await this.client.mergePatch(ref, {
        metadata: {
          labels: { [LABEL_STATUS]: status },
          annotations: { [ANN_UPDATED_AT]: new Date().toISOString(), [ANN_ERROR]: error ? error.slice(0, MAX_ERROR_CHARS) : null },
        },
      });
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) {
        throw revisionMissing(release, n, this.namespace, status, err);
      }
      throw err;
    }
  }

  /** Deletes one revision, head first so that it disappears at once, then its chunks. */
  async deleteRevision(release: string, n: number): Promise<void> {
    await this.client.delete({ apiVersion: 'v1', kind: 'Secret', metadata: { name: revisionSecretName(release, n), namespace: this.namespace } });
    const chunks = await this.client.list('v1', 'Secret', {
      namespace: this.namespace,
      labelSelector: `${LABEL_OWNER}=${OWNER},${LABEL_RELEASE}=${release},${LABEL_REVISION}=${n},${LABEL_CHUNK}`,
      metadataOnly: true,
    });
    for (const c of chunks) await this.client.delete(c);
  }

  /** Deletes the whole history of `release` (uninstall without --keep-history). */
  async deleteAll(release: string): Promise<void> {
    const all = await this.client.list('v1', 'Secret', {
      namespace: this.namespace,
      labelSelector: `${LABEL_OWNER}=${OWNER},${LABEL_RELEASE}=${release}`,
      metadataOnly: true,
    });
    // Heads first, so no reader sees a revision whose chunks are gone.
    const heads = all.filter((s) => s.metadata.labels?.[LABEL_CHUNK] === undefined);
    const chunks = all.filter((s) => s.metadata.labels?.[LABEL_CHUNK] !== undefined);
    for (const s of [...heads, ...chunks]) await this.client.delete(s);
  }

  /**
   * Writes the chunks of `rev`'s encoded payload (generation `generation`) and returns its head Secret, not yet written.
   * Chunks are applied (not created) so that chunks left by a run killed before its head are overwritten.
   */
  private async writePayload(
    rev: Revision,
    payload: EncodedPayload,
    generation: number,
    mutable: { labels: Record<string, string>; annotations: Record<string, string> },
  ): Promise<SecretObject> {
    const labels = { [LABEL_OWNER]: OWNER, [LABEL_RELEASE]: rev.release, [LABEL_REVISION]: String(rev.revision) };
    for (let i = 1; i < payload.chunks.length; i++) {
      await this.client.apply(
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: chunkSecretName(rev.release, rev.revision, i, generation), namespace: this.namespace, labels: { ...labels, [LABEL_CHUNK]: String(i) } },
          type: CHUNK_SECRET_TYPE,
          data: { [CHUNK_KEY]: payload.chunks[i]!.toString('base64') },
        },
        { force: true },
      );
    }
    const summary: Summary = {
      app: rev.app,
      version: rev.version,
      env: rev.env,
      description: rev.description,
      createdAt: rev.createdAt,
      user: rev.user,
      sourceCommit: rev.sourceCommit,
      changeSummary: rev.changeSummary,
      ...(rev.template ? { template: rev.template } : {}),
    };
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: revisionSecretName(rev.release, rev.revision),
        namespace: this.namespace,
        labels: { ...labels, ...mutable.labels },
        annotations: {
          [ANN_SUMMARY]: JSON.stringify(summary),
          ...mutable.annotations,
          [ANN_CHUNKS]: String(payload.chunks.length),
          [ANN_SHA256]: payload.sha256,
          [ANN_SECRETS]: SECRETS_DIGESTS,
          ...objectKeysAnnotation(rev.manifests),
          ...(generation > 0 ? { [ANN_GENERATION]: String(generation) } : {}),
        },
      },
      type: SECRET_TYPE,
      immutable: true,
      data: { [PAYLOAD_KEY]: (payload.chunks[0] ?? Buffer.alloc(0)).toString('base64') },
    };
  }

  /**
   * The end of a payload rewrite: the head from the record when a killed run left none, then every chunk of another
   * generation than the head's, then the record. `record` is read when not given.
   */
  private async finishRewrite(record: SecretObject | undefined, release?: string, n?: number): Promise<void> {
    const rel = release ?? record!.metadata.labels![LABEL_RELEASE]!;
    const rev = n ?? Number(record!.metadata.labels![LABEL_REVISION]);
    const ref = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.namespace } });
    const rec = record ?? (await this.client.read<SecretObject>(ref(rewriteSecretName(rel, rev))));
    if (!rec) return;
    let head = await this.client.read<SecretObject>(ref(revisionSecretName(rel, rev)));
    if (!head) {
      head = JSON.parse(Buffer.from(rec.data?.[REWRITE_KEY] ?? '', 'base64').toString('utf8')) as SecretObject;
      await this.client.create(head);
    }
    const generation = Number(head.metadata.annotations?.[ANN_GENERATION] ?? '0');
    const count = Number(head.metadata.annotations?.[ANN_CHUNKS] ?? '1');
    const current = new Set(Array.from({ length: count }, (_, i) => chunkSecretName(rel, rev, i, generation)));
    const chunks = await this.client.list('v1', 'Secret', {
      namespace: this.namespace,
      labelSelector: `${LABEL_OWNER}=${OWNER},${LABEL_RELEASE}=${rel},${LABEL_REVISION}=${rev},${LABEL_CHUNK}`,
      metadataOnly: true,
    });
    for (const c of chunks) {
      if (!current.has(c.metadata.name) && c.metadata.labels?.[LABEL_CHUNK] !== REWRITE) await this.client.delete(c);
    }
    await this.client.delete(rec);
  }

  private async decode(head: SecretObject): Promise<Revision> {
    const info = infoFromHead(head);
    const damaged = (why: string) =>
      new ClusterError(`revision ${info.revision} of release ${info.release} in namespace ${this.namespace} is damaged: ${why}`, {
        hint: `delete it (kubectl delete secret -n ${this.namespace} ${head.metadata.name}) or roll back to another revision`,
      });
    const count = Number(head.metadata.annotations?.[ANN_CHUNKS] ?? '1');
    const sha256 = head.metadata.annotations?.[ANN_SHA256];
    if (!Number.isInteger(count) || count < 1 || !sha256) throw damaged(`annotations ${ANN_CHUNKS} / ${ANN_SHA256} are missing or invalid`);
    const chunks: Buffer[] = [Buffer.from(head.data?.[PAYLOAD_KEY] ?? '', 'base64')];
    const generation = Number(head.metadata.annotations?.[ANN_GENERATION] ?? '0');
    for (let i = 1; i < count; i++) {
      const name = chunkSecretName(info.release, info.revision, i, generation);
      const chunk = await this.client.read<SecretObject>({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: this.namespace } });
      if (!chunk) throw damaged(`chunk ${i + 1} of ${count} (Secret ${name}) is missing`);
      chunks.push(Buffer.from(chunk.data?.[CHUNK_KEY] ?? '', 'base64'));
    }
    let payload: Revision;
    try {
      payload = decodePayload<Revision>(chunks, sha256);
    } catch (err) {
      if (err instanceof PayloadError) throw damaged(err.message);
      throw err;
    }
    // Labels and annotations hold what changes after creation; they win over the payload written at creation.
    return { ...payload, status: info.status, updatedAt: info.updatedAt, error: info.error };
  }
}

/** The newest revision of every release in `namespace`, or in every namespace when it is undefined (`list -A`). */
export async function listReleases(client: KubeApi, namespace: string | undefined): Promise<ReleaseSummary[]> {
  const heads = await client.list('v1', 'Secret', { namespace, labelSelector: revisionSelector(), metadataOnly: true });
  const newest = new Map<string, RevisionInfo>();
  for (const head of heads) {
    const info = infoFromHead(head);
    const key = `${info.namespace}/${info.release}`;
    const seen = newest.get(key);
    if (!seen || seen.revision < info.revision) newest.set(key, info);
  }
  return [...newest.values()]
    .map((r) => ({
      release: r.release,
      namespace: r.namespace,
      revision: r.revision,
      status: r.status,
      app: r.app,
      version: r.version,
      env: r.env,
      updatedAt: r.updatedAt,
      ...(r.template ? { template: r.template } : {}),
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release));
}

/** Revisions whose heads say they were written before release keys, oldest first. */
function legacyRevisions(heads: readonly KubeObject[]): number[] {
  return heads
    .filter((h) => h.metadata.annotations?.[ANN_SECRETS] !== SECRETS_DIGESTS)
    .map((h) => Number(h.metadata.labels?.[LABEL_REVISION]))
    .sort((a, b) => a - b);
}

/** What labels and annotations of a head Secret say, tolerant of a missing or foreign summary. */
/**
 * The revisions of `heads`, oldest first. Revisions that rendered the same objects carry the same object-keys
 * annotation (gzip is deterministic): it is unzipped once for all of them (a history of no-op deploys of 500 objects
 * spent ~5 ms unzipping the same text again).
 */
function infosFromHeads(heads: readonly KubeObject[]): RevisionInfo[] {
  const keys = new Map<string, { objectKeys?: string[] }>();
  return heads.map((h) => infoFromHead(h, keys)).sort((a, b) => a.revision - b.revision);
}

/** `keys`: object keys already unzipped, by annotation; the revisions share the arrays, which nobody changes. */
function infoFromHead(head: KubeObject, keys?: Map<string, { objectKeys?: string[] }>): RevisionInfo {
  const labels = head.metadata.labels ?? {};
  const annotations = head.metadata.annotations ?? {};
  let summary: Partial<Summary> = {};
  try {
    summary = JSON.parse(annotations[ANN_SUMMARY] ?? '{}') as Partial<Summary>;
  } catch {
    // a hand-edited annotation: show what the labels say
  }
  const status = labels[LABEL_STATUS] as RevisionStatus;
  return {
    release: labels[LABEL_RELEASE] ?? '',
    namespace: head.metadata.namespace ?? '',
    revision: Number(labels[LABEL_REVISION]),
    status: REVISION_STATUSES.includes(status) ? status : 'failed',
    app: summary.app ?? '',
    version: summary.version ?? '',
    env: summary.env ?? '',
    description: summary.description ?? '',
    changeSummary: summary.changeSummary,
    createdAt: summary.createdAt ?? '',
    updatedAt: annotations[ANN_UPDATED_AT] ?? summary.createdAt ?? '',
    user: summary.user ?? '',
    sourceCommit: summary.sourceCommit,
    ...(isTemplateRef(summary.template) ? { template: summary.template } : {}),
    error: annotations[ANN_ERROR],
    ...objectKeysOnce(annotations[ANN_OBJECT_KEYS], keys),
  };
}

function objectKeysAnnotation(manifests: readonly KubeObject[]): Record<string, string> {
  const encoded = gzipSync(Buffer.from(manifests.map(objectKey).join('\n'), 'utf8'), { level: 9 }).toString('base64');
  return encoded.length > MAX_OBJECT_KEYS_BYTES ? {} : { [ANN_OBJECT_KEYS]: encoded };
}

/** The keys of a head's annotation; none (read the payload) when it is missing or damaged. */
function objectKeysOnce(annotation: string | undefined, keys: Map<string, { objectKeys?: string[] }> | undefined): { objectKeys?: string[] } {
  if (annotation === undefined || keys === undefined) return objectKeysOf(annotation);
  let found = keys.get(annotation);
  if (found === undefined) keys.set(annotation, (found = objectKeysOf(annotation)));
  return found;
}

function objectKeysOf(annotation: string | undefined): { objectKeys?: string[] } {
  if (annotation === undefined) return {};
  try {
    const text = gunzipSync(Buffer.from(annotation, 'base64')).toString('utf8');
    return { objectKeys: text === '' ? [] : text.split('\n') };
  } catch {
    return {};
  }
}

function isTemplateRef(t: unknown): t is TemplateRef {
  const ref = t as Partial<TemplateRef> | undefined;
  return typeof ref?.name === 'string' && typeof ref.version === 'string';
}
