import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../../util/object.js';
import {
  FIELD_MANAGER,
  type ApplyOptions,
  type DeleteOptions,
  type KubeApi,
  type ListByLabelOptions,
  type ListOptions,
  type ObjectRef,
  type WatchEventType,
  type WatchOptions,
} from '../kube-api.js';
import { ApiResponseError, toClusterError, type ApiStatus } from '../kube-errors.js';
import { ClusterError } from '../../errors.js';
import { CLUSTER_SCOPED_KINDS as CLUSTER_SCOPED, groupKind, objectKey, type KubeObject } from '../manifest-set.js';
import { parseLabelSelector } from '../label-selector.js';
import { fieldsOf, retainFields, type FieldSet } from '../managed-fields.js';

/** A request as the in-memory API sees it, in the verbs KubeClient names in its errors. */
export interface ApiRequest {
  readonly verb: 'apply' | 'create' | 'update' | 'patch' | 'read' | 'delete' | 'list' | 'watch';
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  /** Undefined for `list`. */
  readonly name?: string;
  readonly dryRun: boolean;
}

/** Which requests a fault applies to; every field given must match. */
export interface RequestMatch {
  readonly verb?: ApiRequest['verb'];
  readonly kind?: string;
  readonly name?: string | RegExp;
  readonly namespace?: string;
  /** @default either */
  readonly dryRun?: boolean;
}

/**
 * How a request fails: with an API status (turned into the very ClusterError KubeClient throws for it), with an
 * error of the test's own, or as a crash of the process: the request and every later one throw `SimulatedCrash`
 * until `restart()`, so nothing the crashed run would do afterwards (its `finally` blocks) reaches the API.
 */
export type Fault =
  | { readonly status: number; readonly reason?: string; readonly message?: string }
  | { readonly error: Error }
  | { readonly crash: true };

/** Thrown by every request of a crashed process (see `Fault`). */
export class SimulatedCrash extends Error {
  constructor(request: ApiRequest) {
    super(`simulated crash at ${request.verb} ${request.kind}/${request.name ?? '*'}`);
    this.name = 'SimulatedCrash';
  }
}

/** Stands in for a controller: the status an object gets after each persisted write, or undefined to leave it. */
export type StatusController = (obj: KubeObject) => Record<string, unknown> | undefined;

export interface MemoryKubeApiOptions {
  /** Namespace of namespaced objects that name none (the kubeconfig context's namespace). @default 'default' */
  readonly defaultNamespace?: string;
  /** Clock of `creationTimestamp` and `managedFields[].time`. @default () => new Date() */
  readonly now?: () => Date;
}

interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: FieldSet;
}

const EVENT_KINDS = new Set(['Event']);

interface MemoryWatcher {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  deliver(type: WatchEventType, obj: KubeObject): void;
  end(): void;
}

/** Fields a client writes but the server keeps (or sets) itself. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields'];

/**
 * A Kubernetes API in memory, for unit tests of the engine: objects by apiVersion / kind / namespace / name, with
 * resourceVersion and generation bumps, server-side apply recorded in `metadata.managedFields` (manager and
 * operation, no field sets), 404 / 409 / 422 as the ClusterErrors KubeClient throws, and fault injection.
 * It does no defaulting and runs no controllers: statuses come from `setStatus` or `controller`.
 *
 * Server-side apply is simplified: the applied object replaces what `berth` owned (so fields it stops setting
 * go); while another manager also owns the object, the applied fields are merged over it instead. Without `force`
 * an apply that changes an object another manager owns is a conflict.
 */
export class MemoryKubeApi implements KubeApi {
  /** Every request, in order (faulted ones included); `put` and `setStatus` are not requests. */
  readonly requests: ApiRequest[] = [];

  private readonly store = new Map<string, KubeObject>();
  private readonly faults: { match: RequestMatch; fault: Fault; skip: number }[] = [];
  private readonly hooks = new Set<(req: ApiRequest) => Fault | undefined>();
  private readonly controllers = new Map<string, StatusController>();
  private readonly watchers = new Set<MemoryWatcher>();
  private readonly defaultNamespace: string;
  private readonly now: () => Date;
  private version = 0;
  private uids = 0;
  private crashed = false;

  constructor(options: MemoryKubeApiOptions = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.now = options.now ?? (() => new Date());
    this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.defaultNamespace } });
  }

  // ---- fault injection and test setup ------------------------------------------------------------------------

  /** Fails the `nth` (default the first) next request matching `match`, once. */
  failNext(match: RequestMatch & { readonly nth?: number }, fault: Fault): void {
    this.faults.push({ match, fault, skip: (match.nth ?? 1) - 1 });
  }

  /** Calls `hook` before every request; a fault it returns fails that request. Returns the unsubscribe function. */
  onRequest(hook: (req: ApiRequest) => Fault | undefined): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Ends a simulated crash: requests work again (a new process, the same cluster). */
  restart(): void {
    this.crashed = false;
  }

  /** After every persisted write of a `kind` object, sets its status to what `controller` returns. */
  controller(kind: string, controller: StatusController): void {
    this.controllers.set(kind, controller);
  }

  /** Stores an object as another client wrote it (field manager `manager`, operation Update), without a request. */
  put(obj: KubeObject, manager = 'kubectl-client-side-apply'): KubeObject {
    const key = this.keyOf(obj);
    const previous = this.store.get(key);
    const stored = this.stamp(inNamespace(clone(obj), this.namespaceOf(obj)), previous, manager, 'Update');
    this.store.set(key, stored);
    this.emit(previous ? 'MODIFIED' : 'ADDED', stored);
    return clone(stored);
  }

  /** Sets the status of a stored object, as its controller would (bumps resourceVersion, not generation). */
  setStatus(ref: ObjectRef, status: Record<string, unknown>): KubeObject {
    const current = this.store.get(this.keyOf(ref));
    if (!current) throw new Error(`setStatus: ${ref.kind}/${ref.metadata.name} does not exist`);
    const next = { ...current, status: clone(status), metadata: { ...current.metadata, resourceVersion: String(++this.version) } };
    this.store.set(this.keyOf(ref), next);
    this.emit('MODIFIED', next);
    return clone(next);
  }

  /**
   * Ends every open watch as an expired one (410 Gone) ends: each watcher lists again, reporting what changed
   * meanwhile, and watches on. The memory API keeps no event history, so every reopened watch starts with a list.
   */
  expireWatches(): void {
    for (const w of [...this.watchers]) w.end();
  }

  /** Watches open now, as `Kind namespace` (cluster-wide ones without a namespace). */
  openWatches(): string[] {
    return [...this.watchers].map((w) => `${w.kind}${w.namespace === undefined ? '' : ` ${w.namespace}`}`).sort();
  }

  /** Every stored object, optionally of one kind, sorted by key. */
  objects(kind?: string): KubeObject[] {
    return [...this.store.entries()]
      .filter(([, o]) => kind === undefined || o.kind === kind)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => clone(o));
  }

  // ---- KubeApi ---------------------------------------------------------------------------------------------------

  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    const req = this.request('apply', obj, options.dryRun);
    this.requireNamespace(req);
    const previous = this.store.get(this.keyOf(obj));
    const applied = withoutServerFields(inNamespace(obj, req.namespace));
    const others = previous ? managers(previous).filter((m) => m !== FIELD_MANAGER) : [];
    let body = applied;
    if (previous && others.length > 0) {
      body = mergePatch(withoutServerFields(previous), applied) as KubeObject;
      if (!options.force && !isDeepStrictEqual(body, withoutServerFields(previous))) {
        this.fail(req, 409, 'Conflict', `Apply failed with ${others.length} conflict(s): conflict with ${others.map((m) => `"${m}"`).join(', ')}`);
      }
    }
    return this.write<T>(req, withStatusOf(body, previous), previous, 'Apply', fieldsOf(applied));
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    const req = this.request('create', obj);
    this.requireNamespace(req);
    if (this.store.has(this.keyOf(obj))) this.fail(req, 409, 'AlreadyExists', `${resourceName(obj)} "${obj.metadata.name}" already exists`);
    return this.write<T>(req, withStatusOf(withoutServerFields(inNamespace(obj, req.namespace)), undefined), undefined, 'Update');
  }

  async replace<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    const req = this.request('update', obj);
    const previous = this.existing(req, obj);
    const expected = obj.metadata.resourceVersion;
    if (expected !== undefined && expected !== previous.metadata.resourceVersion) this.failModified(req, obj);
    return this.write<T>(req, withStatusOf(withoutServerFields(inNamespace(obj, req.namespace)), previous), previous, 'Update');
  }

  async mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown): Promise<T> {
    const req = this.request('patch', ref);
    const previous = this.existing(req, ref);
    const body = mergePatch(withoutServerFields(previous), patch) as KubeObject;
    return this.write<T>(req, withStatusOf(body, previous), previous, 'Update');
  }

  async read<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    this.request('read', ref);
    const found = this.store.get(this.keyOf(ref));
    return found ? (clone(found) as T) : undefined;
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const req = this.request('delete', ref);
    const key = this.keyOf(ref);
    const current = this.store.get(key);
    if (!current) return false;
    const { resourceVersion, uid } = options.preconditions ?? {};
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      this.fail(req, 409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${String(current.metadata.resourceVersion)}`);
    }
    if (uid !== undefined && uid !== current.metadata.uid) {
      this.fail(req, 409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${String(current.metadata.uid)}`);
    }
    // No finalizers and no garbage collector: the object is gone at once, so `wait` has nothing to wait for.
    this.store.delete(key);
    this.emit('DELETED', current);
    return true;
  }

  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    const req = this.request('list', { apiVersion, kind, metadata: { name: '', namespace: options.namespace } });
    const matches = this.selector(req, options.labelSelector);
    return this.objects(kind)
      .filter((o) => o.apiVersion === apiVersion && (options.namespace === undefined || o.metadata.namespace === options.namespace) && matches(o))
      .map((o) => (options.metadataOnly ? { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata } : o) as T);
  }

  async listByLabel(namespace: string, labelSelector: string, options: ListByLabelOptions = {}): Promise<KubeObject[]> {
    const req = this.request('list', { apiVersion: '*', kind: '*', metadata: { name: '', namespace } });
    const matches = this.selector(req, labelSelector);
    const found = this.objects().filter(
      (o) => !EVENT_KINDS.has(o.kind) && (o.metadata.namespace === namespace || (options.clusterScoped && CLUSTER_SCOPED.has(o.kind))) && matches(o),
    );
    // Kinds not listed in full: their objects by metadata (with the extra requirements), and only those fullIf wants,
    // each read again in full.
    const extra = parseLabelSelector(options.metadataOnlySelector ?? '');
    const full: KubeObject[] = [];
    for (const o of found) {
      if (options.fullKinds === undefined || options.fullKinds.has(groupKind(o))) full.push(o);
      else if (options.onlyFullKinds) continue;
      else if (extra(o.metadata.labels ?? {}) && options.fullIf?.({ apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }) && (await this.read(o))) full.push(o);
    }
    return full;
  }

  async watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (type: WatchEventType, obj: KubeObject) => void): Promise<void> {
    const { signal } = options;
    const ref = { apiVersion, kind, metadata: { name: '', namespace: options.namespace } };
    const known = new Map<string, KubeObject>();
    while (!signal.aborted) {
      try {
        // The list, then the watch: each a request the test can see and fail.
        const items = await this.list(apiVersion, kind, { namespace: options.namespace, labelSelector: options.labelSelector });
        const seen = new Set(items.map((o) => this.keyOf(o)));
        for (const o of items) {
          onEvent(known.has(this.keyOf(o)) ? 'MODIFIED' : 'ADDED', o);
          known.set(this.keyOf(o), o);
        }
        for (const [k, o] of known) {
          if (seen.has(k)) continue;
          known.delete(k);
          onEvent('DELETED', o);
        }
        options.onSync?.();
        const req = this.request('watch', ref);
        const matches = this.selector(req, options.labelSelector);
        await new Promise<void>((resolve) => {
          const watcher: MemoryWatcher = {
            apiVersion,
            kind,
            namespace: options.namespace,
            deliver: (type, obj) => {
              if (!matches(obj)) return;
              if (type === 'DELETED') known.delete(this.keyOf(obj));
              else known.set(this.keyOf(obj), obj);
              onEvent(type, clone(obj));
            },
            end: () => {
              this.watchers.delete(watcher);
              signal.removeEventListener('abort', watcher.end);
              resolve();
            },
          };
          this.watchers.add(watcher);
          signal.addEventListener('abort', watcher.end, { once: true });
        });
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ClusterError && (err.status === 401 || err.status === 403)) throw err;
        if (err instanceof SimulatedCrash) throw err;
        options.onReconnect?.(err);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private emit(type: WatchEventType, obj: KubeObject): void {
    for (const w of this.watchers) {
      if (w.apiVersion === obj.apiVersion && w.kind === obj.kind && (w.namespace === undefined || w.namespace === obj.metadata.namespace)) w.deliver(type, obj);
    }
  }

  private namespaceOf(ref: ObjectRef): string | undefined {
    return CLUSTER_SCOPED.has(ref.kind) ? undefined : (ref.metadata.namespace ?? this.defaultNamespace);
  }

  private keyOf(ref: ObjectRef): string {
    return objectKey({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.metadata.name, namespace: this.namespaceOf(ref) } });
  }

  /** Logs the request and applies crashes and injected faults. */
  private request(verb: ApiRequest['verb'], ref: ObjectRef, dryRun = false): ApiRequest {
    const req: ApiRequest = {
      verb,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: verb === 'list' ? ref.metadata.namespace : this.namespaceOf(ref),
      name: verb === 'list' ? undefined : ref.metadata.name,
      dryRun,
    };
    this.requests.push(req);
    if (this.crashed) throw new SimulatedCrash(req);
    let fault: Fault | undefined;
    for (const hook of this.hooks) fault ??= hook(req);
    for (const f of this.faults) if (matches(f.match, req)) f.skip--;
    const i = this.faults.findIndex((f) => f.skip < 0 && matches(f.match, req));
    if (i !== -1) fault ??= this.faults.splice(i, 1)[0]!.fault;
    if (!fault) return req;
    if ('crash' in fault) {
      this.crashed = true;
      throw new SimulatedCrash(req);
    }
    if ('error' in fault) throw fault.error;
    return this.fail(req, fault.status, fault.reason, fault.message ?? `injected failure (HTTP ${fault.status})`);
  }

  /** Throws what KubeClient throws for this API status. */
  private fail(req: ApiRequest, status: number, reason: string | undefined, message: string, details?: ApiStatus['details']): never {
    const body: ApiStatus = { kind: 'Status', status: 'Failure', message, reason, code: status, details };
    const what = req.verb === 'list' ? `${req.kind} objects` : `${req.kind}/${req.name}`;
    throw toClusterError(new ApiResponseError(status, body), { verb: req.verb, what, namespace: req.namespace, server: 'memory://', context: 'memory' });
  }

  private failModified(req: ApiRequest, ref: ObjectRef): never {
    return this.fail(
      req,
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${resourceName(ref)} "${ref.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  }

  private existing(req: ApiRequest, ref: ObjectRef): KubeObject {
    const found = this.store.get(this.keyOf(ref));
    if (!found) this.fail(req, 404, 'NotFound', `${resourceName(ref)} "${ref.metadata.name}" not found`);
    return found;
  }

  private requireNamespace(req: ApiRequest): void {
    if (req.namespace !== undefined && !this.store.has(objectKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: req.namespace } }))) {
      this.fail(req, 404, 'NotFound', `namespaces "${req.namespace}" not found`);
    }
  }

  private selector(req: ApiRequest, selector: string | undefined): (o: KubeObject) => boolean {
    if (!selector) return () => true;
    try {
      const test = parseLabelSelector(selector);
      return (o) => test(o.metadata.labels ?? {});
    } catch (err) {
      return this.fail(req, 400, 'BadRequest', (err as Error).message);
    }
  }

  /** Stamps server metadata on `body`, refuses changes to immutable Secret / ConfigMap data, stores unless dry run. */
  private write<T extends KubeObject>(
    req: ApiRequest,
    body: KubeObject,
    previous: KubeObject | undefined,
    operation: ManagedFieldsEntry['operation'],
    fields?: FieldSet,
  ): T {
    if (previous?.immutable === true) {
      for (const field of ['data', 'binaryData', 'stringData', 'immutable']) {
        if (!isDeepStrictEqual(previous[field], body[field])) {
          const cause = 'Forbidden: field is immutable when `immutable` is set';
          this.fail(req, 422, 'Invalid', `${req.kind} "${req.name}" is invalid: ${field}: ${cause}`, { causes: [{ reason: 'FieldValueForbidden', message: cause, field }] });
        }
      }
    }
    let stored = this.stamp(clone(body), previous, FIELD_MANAGER, operation, fields);
    if (req.dryRun) return clone(stored) as T;
    const status = this.controllers.get(stored.kind)?.(clone(stored));
    if (status) stored = { ...stored, status };
    this.store.set(this.keyOf(stored), stored);
    this.emit(previous ? 'MODIFIED' : 'ADDED', stored);
    return clone(stored) as T;
  }

  /**
   * Server metadata of a write. Field sets (simplified, see `fieldsOf`): an apply owns what it sent; an update takes
   * every field it changes away from the other managers, as the API server does.
   */
  private stamp(body: KubeObject, previous: KubeObject | undefined, manager: string, operation: ManagedFieldsEntry['operation'], fields?: FieldSet): KubeObject {
    const changed = !previous || !isDeepStrictEqual(specOf(previous), specOf(body));
    const generation = previous ? Number(previous.metadata.generation ?? 0) + (changed ? 1 : 0) : 1;
    const time = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    const entries = ((previous?.metadata.managedFields ?? []) as ManagedFieldsEntry[])
      .filter((m) => !(m.manager === manager && m.operation === operation))
      .map((m) => (operation === 'Update' && previous && m.fieldsV1 ? { ...m, fieldsV1: retainFields(m.fieldsV1, previous, body) } : m));
    return {
      ...body,
      metadata: {
        ...body.metadata,
        uid: previous?.metadata.uid ?? `00000000-0000-4000-8000-${String(++this.uids).padStart(12, '0')}`,
        creationTimestamp: previous?.metadata.creationTimestamp ?? time,
        resourceVersion: String(++this.version),
        generation,
        managedFields: [...entries, { manager, operation, apiVersion: body.apiVersion, time, ...(fields ? { fieldsType: 'FieldsV1' as const, fieldsV1: fields } : {}) }],
      },
    };
  }
}

function matches(m: RequestMatch, req: ApiRequest): boolean {
  return (
    (m.verb === undefined || m.verb === req.verb) &&
    (m.kind === undefined || m.kind === req.kind) &&
    (m.namespace === undefined || m.namespace === req.namespace) &&
    (m.dryRun === undefined || m.dryRun === req.dryRun) &&
    (m.name === undefined || (typeof m.name === 'string' ? m.name === req.name : m.name.test(req.name ?? '')))
  );
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function managers(obj: KubeObject): string[] {
  return ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((m) => m.manager);
}

/** What bumps `generation`: everything but metadata and status. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, ...rest } = obj;
  return rest;
}

/** `obj` in `namespace` (none for cluster-scoped kinds). */
function inNamespace(obj: KubeObject, namespace: string | undefined): KubeObject {
  const metadata = { ...obj.metadata, namespace };
  if (namespace === undefined) delete metadata.namespace;
  return { ...obj, metadata };
}

/** `body` with the status of `previous`: writes to the main resource never change status (the status subresource does). */
function withStatusOf(body: KubeObject, previous: KubeObject | undefined): KubeObject {
  const { status: _status, ...rest } = body;
  return previous?.status === undefined ? rest : { ...rest, status: previous.status };
}

function withoutServerFields(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  return { ...obj, metadata };
}

/** `deployments.apps`, `secrets`: how the API server names a resource in its messages. */
function resourceName(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): string {
  const kind = ref.kind.toLowerCase();
  const plural = kind.endsWith('s') ? `${kind}es` : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  return group ? `${plural}.${group}` : plural;
}

/** `patch` over `target` as in RFC 7386: objects merge, `null` deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

