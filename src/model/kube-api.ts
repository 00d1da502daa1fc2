import { ClusterError } from '../errors.js';
import type { KubeObject } from './manifest-set.js';

/** The field manager of every write Berth makes; ownership and prune rules look for it in `managedFields`. */
export const FIELD_MANAGER = 'berth';

/** Enough of an object to address it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface ApplyOptions {
  /** Server-side dry run: validated and defaulted by the server, nothing persisted. */
  readonly dryRun?: boolean;
  /** Take over fields another field manager owns instead of failing with 409. @default false */
  readonly force?: boolean;
}

export interface DeleteOptions {
  /** Wait until the object is gone (finalizers done). */
  readonly wait?: boolean;
  /** How long `wait` waits. @default 120000 ms */
  readonly timeoutMs?: number;
  /** @default 'Background' */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only this exact version of the object (409 otherwise). */
  readonly preconditions?: { readonly resourceVersion?: string; readonly uid?: string };
}

export interface ListByLabelOptions {
  /** Cluster-scoped kinds too (needs cluster-wide list access). */
  readonly clusterScoped?: boolean;
  /**
   * The kinds (`groupKind`: `apps/Deployment`, `/ConfigMap`) to list in full. When given, every other kind is listed
   * by metadata only, and of those objects only the ones `fullIf` accepts are returned, each read in full: a caller
   * that needs few of them is not sent a namespace's Pods and ReplicaSets.
   */
  readonly fullKinds?: ReadonlySet<string>;
  readonly fullIf?: (metadataOnly: KubeObject) => boolean;
  /**
   * Only the kinds of `fullKinds` are listed at all: for a caller that knows no other kind can hold what it looks
   * for (a plan whose history says the last run deployed and pruned, see `readLiveState`).
   */
  readonly onlyFullKinds?: boolean;
  /** More requirements (`!pod-template-hash`) for the kinds listed by metadata only. */
  readonly metadataOnlySelector?: string;
}

export interface ListOptions {
  /** Omitted: every namespace. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Only `metadata` of each item (PartialObjectMetadata): cheap for big objects such as stored revisions. */
  readonly metadataOnly?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchOptions {
  /** Omitted: every namespace (and the only choice for a cluster-scoped kind). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Stops the watch; `watch()` then resolves. */
  readonly signal: AbortSignal;
  /** Called after each (re)list, once every existing object was reported: from then on a missing object is absent. */
  readonly onSync?: () => void;
  /** Called when the stream broke and is being reopened. */
  readonly onReconnect?: (err: unknown) => void;
}

/**
 * What the engine (deploy, the revision store, the release lock) needs of the Kubernetes API. `KubeClient`
 * (src/kube/client.ts) talks to a real API server; `MemoryKubeApi` (src/model/memory/) keeps objects in memory
 * for unit tests. Failures are `ClusterError`s with the HTTP status of the API server (see kube-errors.ts).
 */
export interface KubeApi {
  /** Server-side apply with field manager `berth`. Returns the object as the server stored (or would store) it. */
  apply<T extends KubeObject = KubeObject>(obj: KubeObject, options?: ApplyOptions): Promise<T>;
  /** Creates an object; 409 AlreadyExists when it exists. */
  create<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T>;
  /** Full update guarded by `metadata.resourceVersion` (409 when someone changed it). */
  replace<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T>;
  /** JSON merge patch (RFC 7386), for small changes such as one label. */
  mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown): Promise<T>;
  /** The live object, or undefined when it does not exist. */
  read<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Deletes an object. Returns false when it was already gone. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  /** Every object of one kind. */
  list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options?: ListOptions): Promise<T[]>;
  /** Every object in `namespace` matching `labelSelector`, of every listable kind (Events excepted). */
  listByLabel(namespace: string, labelSelector: string, options?: ListByLabelOptions): Promise<KubeObject[]>;
  /**
   * List then watch one kind, as client-go's informers do: every existing object as ADDED, then every change; a
   * stream that ends is reopened from the last resourceVersion, one that expired (410 Gone) is replaced by a fresh
   * list (reporting what vanished meanwhile as DELETED). Resolves when the signal aborts; rejects with the
   * ClusterError of a 401 / 403 (retrying does not help those).
   */
  watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (type: WatchEventType, obj: KubeObject) => void): Promise<void>;
}

/**
 * Whether namespace `name` exists; undefined when the user may not read Namespaces (a Role limited to one namespace
 * grants nothing cluster-scoped). Such a user's RoleBinding lives in the namespace, so it exists as far as their
 * requests go, and a request into a namespace that is missing fails with its own message anyway.
 */
export async function namespaceExists(api: KubeApi, name: string): Promise<boolean | undefined> {
  try {
    return (await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) !== undefined;
  } catch (err) {
    if (err instanceof ClusterError && err.status === 403) return undefined;
    throw err;
  }
}

/** Creates the namespace when it does not exist (or cannot be read: see namespaceExists). Returns true when it was created. */
export async function ensureNamespace(api: KubeApi, name: string): Promise<boolean> {
  if ((await namespaceExists(api, name)) !== false) return false;
  try {
    await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return true;
  } catch (err) {
    if (err instanceof ClusterError && err.status === 409) return false;
    throw err;
  }
}
