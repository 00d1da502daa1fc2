import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import pLimit from 'p-limit';
import { ClusterError, UserError } from '../errors.js';
import { groupKind, type KubeObject } from '../model/manifest-set.js';
import { loadKubeconfig, type Kubeconfig } from './kubeconfig.js';
import { ensureNamespace, FIELD_MANAGER, type ApplyOptions, type DeleteOptions, type KubeApi, type ListByLabelOptions, type ListOptions, type ObjectRef, type WatchEventType, type WatchOptions } from '../model/kube-api.js';
import { follow } from './watch.js';
import { ApiResponseError, toClusterError, unreachable, type ApiStatus, type RequestSubject } from '../model/kube-errors.js';
import { sleep } from '../util/process.js';
import { requestDone, requestStart } from '../util/timing.js';
import { backoffDelay, isRetryableStatus, isTransientNetworkError, type RetryOptions } from './retry.js';

export interface ConnectOptions {
  /** Path of the kubeconfig file. @default $KUBECONFIG, then ~/.kube/config, then the in-cluster service account */
  readonly kubeconfig?: string;
  /** Kubeconfig context. @default the current context of the kubeconfig */
  readonly context?: string;
  readonly retry?: RetryOptions;
  /** Timeout of one HTTP request. @default 30000 ms */
  readonly requestTimeoutMs?: number;
}

/** One resource type as discovery reports it. */
export interface ApiResource {
  readonly apiVersion: string;
  readonly kind: string;
  /** Plural URL segment: `deployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/**
 * The built-in kinds Berth keeps its own state in (revisions and the release key in Secrets, the lock in a Lease) and
 * the namespace: stable API since Kubernetes 1.14 (Lease) and 1.0, so their requests need not wait for discovery,
 * which a deploy's first requests otherwise did (~35 ms on the local control plane, before the render could start).
 */
const STORAGE_RESOURCES: ReadonlyMap<string, ApiResource> = new Map(
  (
    [
      ['v1', 'Secret', 'secrets', true],
      ['v1', 'Namespace', 'namespaces', false],
      ['coordination.k8s.io/v1', 'Lease', 'leases', true],
    ] as const
  ).map(([apiVersion, kind, resource, namespaced]) => [`${apiVersion}/${kind}`, { apiVersion, kind, resource, namespaced, verbs: ALL_VERBS }]),
);

interface RequestInput {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
}

/**
 * A thin, typed layer over the Kubernetes REST API. Requests go out as plain JSON over node:https so objects
 * round-trip exactly: @kubernetes/client-node's generated model classes drop unknown fields and turn timestamps
 * into Dates, which would make diffs and stored revisions lossy. Credentials come from kubeconfig.ts, with
 * client-node's KubeConfig only for exec plugins and auth providers.
 */
export class KubeClient implements KubeApi {
  /** Loads the kubeconfig and selects the context. Does not contact the cluster. */
  static async connect(options: ConnectOptions = {}): Promise<KubeClient> {
    return new KubeClient(loadKubeconfig(options), options);
  }

  readonly server: string;
  readonly context: string;
  /** Namespace of the kubeconfig context, `default` when it names none. */
  readonly defaultNamespace: string;

  private readonly retry: RetryOptions;
  private readonly requestTimeoutMs: number;
  private authCache?: { opts: https.RequestOptions; at: number };
  private readonly resourcesByApiVersion = new Map<string, Promise<ApiResource[]>>();
  private allResources?: Promise<ApiResource[]>;
  private aggregated?: Promise<ApiResource[] | undefined>;

  private constructor(
    private readonly config: Kubeconfig,
    options: ConnectOptions,
  ) {
    this.server = config.server;
    this.context = config.context;
    this.defaultNamespace = config.namespace;
    this.retry = options.retry ?? {};
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Server-side apply with field manager `berth`. Returns the object as the server stored (or would store) it. */
  async apply<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    const { path } = await this.objectPath(obj, 'apply');
    return this.call<T>(
      {
        method: 'PATCH',
        path,
        query: { fieldManager: FIELD_MANAGER, force: options.force ? true : undefined, dryRun: options.dryRun ? 'All' : undefined },
        body: obj,
        // JSON is YAML, so the apply content type takes the JSON body as it is.
        contentType: 'application/apply-patch+yaml',
      },
      this.subject('apply', obj),
    );
  }

  /** Creates an object; a 409 AlreadyExists surfaces as a ClusterError with status 409. */
  async create<T extends KubeObject = KubeObject>(obj: KubeObject, options: { dryRun?: boolean } = {}): Promise<T> {
    const { collection } = await this.objectPath(obj, 'create');
    return this.call<T>(
      { method: 'POST', path: collection, query: { fieldManager: FIELD_MANAGER, dryRun: options.dryRun ? 'All' : undefined }, body: obj },
      this.subject('create', obj),
    );
  }

  /** Full update guarded by `metadata.resourceVersion` (optimistic concurrency: 409 when someone changed it). */
  async replace<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> {
    const { path } = await this.objectPath(obj, 'update');
    return this.call<T>({ method: 'PUT', path, query: { fieldManager: FIELD_MANAGER }, body: obj }, this.subject('update', obj));
  }

  /** JSON merge patch (RFC 7386), for small changes such as one label. */
  async mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown): Promise<T> {
    const { path } = await this.objectPath(ref, 'patch');
    return this.call<T>(
      { method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER }, body: patch, contentType: 'application/merge-patch+json' },
      this.subject('patch', ref),
    );
  }

  /** The live object, or undefined when it does not exist (or its kind is not served). */
  async read<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const resource = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!resource) return undefined;
    const { path } = this.pathFor(resource, ref);
    try {
      return await this.call<T>({ method: 'GET', path }, this.subject('read', ref));
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Deletes an object. Returns false when it was already gone. */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const { path } = await this.objectPath(ref, 'delete');
    try {
      await this.call(
        { method: 'DELETE', path, body: {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            propagationPolicy: options.propagationPolicy ?? 'Background',
            preconditions: options.preconditions,
          },
        },
        this.subject('delete', ref),
      );
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) return false;
      throw err;
    }
    if (options.wait) await this.waitForDeletion(ref, options.timeoutMs ?? 120_000);
    return true;
  }

  /** Every object of one kind, following `continue` tokens. */
  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, options: ListOptions = {}): Promise<T[]> {
    const resource = await this.resourceFor(apiVersion, kind);
    if (!resource) {
      throw new ClusterError(`the cluster at ${this.server} does not serve ${kind} in ${apiVersion}`, {
        hint: 'install the CustomResourceDefinition (or enable the API group) first',
      });
    }
    return this.listResource<T>(resource, options);
  }

  /**
   * Every object in `namespace` matching `labelSelector`, across every listable kind the server serves
   * (discovery, cached per client). With `clusterScoped`, cluster-scoped kinds are searched too.
   */
  async listByLabel(namespace: string, labelSelector: string, options: ListByLabelOptions = {}): Promise<KubeObject[]> {
    const resources = (await this.discoverAll()).filter(
      (r) =>
        r.verbs.includes('list') &&
        (r.namespaced || options.clusterScoped) &&
        !EVENT_KINDS.has(r.kind) &&
        !(options.onlyFullKinds && options.fullKinds && !options.fullKinds.has(groupKind(r))),
    );
    const limit = pLimit(8);
    const lists = await Promise.all(
      resources.map((r) =>
        limit(async () => {
          const metadataOnly = options.fullKinds !== undefined && !options.fullKinds.has(groupKind(r));
          try {
            const selector = metadataOnly && options.metadataOnlySelector ? [labelSelector, options.metadataOnlySelector].filter(Boolean).join(',') : labelSelector;
            const items = await this.listResource(r, { namespace: r.namespaced ? namespace : undefined, labelSelector: selector, metadataOnly });
            if (!metadataOnly) return items;
            const wanted = await Promise.all(items.filter((o) => options.fullIf?.(o) ?? false).map((o) => this.read(o)));
            return wanted.filter((o) => o !== undefined);
          } catch (err) {
            // An aggregated API that is down, or a kind this user may not list, does not hide everything else.
            if (err instanceof ClusterError && (err.status === 403 || err.status === 404 || err.status === 503)) return [];
            throw err;
          }
        }),
      ),
    );
    return lists.flat();
  }

  /** List then watch one kind (see `follow` in watch.ts). */
  watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (type: WatchEventType, obj: KubeObject) => void): Promise<void> {
    return follow(this, apiVersion, kind, options, onEvent);
  }

  /** Creates the namespace when it does not exist. Returns true when it was created. */
  async ensureNamespace(name: string): Promise<boolean> {
    return ensureNamespace(this, name);
  }

  /**
   * Starts discovery in the background (a deploy reads its release's key, lock and history first, which need none:
   * `STORAGE_RESOURCES`), so that it is done when the first object of another kind is read. An error is left to the
   * request that needs discovery, which asks again.
   */
  prefetchDiscovery(): void {
    this.aggregatedOnce().catch(() => undefined);
  }

  /** Discovery: the resource serving `kind` in `apiVersion`, or undefined. Re-queried once on a miss (new CRDs). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const storage = STORAGE_RESOURCES.get(`${apiVersion}/${kind}`);
    if (storage) return storage;
    const found = (await this.resourcesOf(apiVersion)).find((r) => r.kind === kind);
    if (found) return found;
    this.resourcesByApiVersion.delete(apiVersion);
    this.allResources = undefined;
    this.aggregated = undefined;
    return (await this.resourcesOf(apiVersion)).find((r) => r.kind === kind);
  }

  /** Server version (`v1.34.1`), also a cheap reachability check. */
  async version(): Promise<string> {
    const v = await this.call<{ gitVersion: string }>({ method: 'GET', path: '/version' }, { verb: 'read', what: 'the server version', server: this.server, context: this.context });
    return v.gitVersion;
  }

  /** Low-level request with retries and typed errors, for what the methods above do not cover. */
  async call<T>(input: RequestInput, subject: RequestSubject): Promise<T> {
    const attempts = Math.max(1, this.retry.attempts ?? 5);
    const started = requestStart();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = (await this.send(input)) as T;
        requestDone(started, input.method, input.path);
        return answer;
      } catch (err) {
        const last = attempt >= attempts;
        if (err instanceof ApiResponseError) {
          if (!last && isRetryableStatus(err.status)) {
            await sleep(err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : backoffDelay(attempt, this.retry));
            continue;
          }
          throw toClusterError(err, subject);
        }
        if (err instanceof UserError || err instanceof ClusterError) throw err;
        if (isTransientNetworkError(err) && !last) {
          await sleep(backoffDelay(attempt, this.retry));
          continue;
        }
        throw unreachable(err as Error, subject);
      }
    }
  }

  /**
   * A long-lived GET (pod logs, watches): resolves with the response once the server answered 2xx, so the body
   * can be read as it arrives; a non-2xx answer is read whole and thrown as a ClusterError. Aborting the signal
   * ends the response cleanly (no error). Not retried: a stream that breaks is the caller's to reopen.
   */
  async stream(input: Omit<RequestInput, 'method' | 'body' | 'contentType'>, subject: RequestSubject, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const base = await this.httpOptions();
    const url = new URL(this.server.replace(/\/+$/, '') + input.path);
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = { ...(base.headers as Record<string, string>), Accept: input.accept ?? '*/*' };
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      // No socket timeout: a followed log of a quiet container is silent for as long as it likes.
      const req = transport.request(url, { ...base, method: 'GET', headers, signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: ApiStatus | string = text;
          try {
            body = JSON.parse(text) as ApiStatus;
          } catch {
            // plain text (the kubelet's own errors): keep it for the message
          }
          reject(toClusterError(new ApiResponseError(status, body), subject));
        });
      });
      req.on('error', (err) => {
        reject(signal?.aborted ? err : unreachable(err, subject));
      });
      req.end();
    });
  }

  /** The URL path of an object's collection or of one object (`/api/v1/namespaces/dev/pods/web-1`). */
  async pathOf(ref: ObjectRef): Promise<string> {
    return (await this.objectPath(ref, 'address')).path;
  }

  /** The URL path of a kind's collection in one namespace (or cluster-wide when omitted). */
  async collectionPathOf(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = await this.resourceFor(apiVersion, kind);
    if (!resource) throw new ClusterError(`the cluster at ${this.server} does not serve ${kind} in ${apiVersion}`);
    return `${groupVersionPath(resource.apiVersion)}${resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.resource}`;
  }

  private subject(verb: string, ref: ObjectRef): RequestSubject {
    return {
      verb,
      what: `${ref.kind}/${ref.metadata.name}`,
      namespace: ref.metadata.namespace,
      server: this.server,
      context: this.context,
    };
  }

  private async objectPath(ref: ObjectRef, verb: string): Promise<{ path: string; collection: string }> {
    const resource = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!resource) {
      throw new ClusterError(`cannot ${verb} ${ref.kind}/${ref.metadata.name}: the cluster does not serve kind ${ref.kind} in ${ref.apiVersion}`, {
        hint: 'check apiVersion and kind; for a custom resource install its CustomResourceDefinition first',
      });
    }
    return this.pathFor(resource, ref);
  }

  private pathFor(resource: ApiResource, ref: ObjectRef): { path: string; collection: string } {
    const namespace = resource.namespaced ? (ref.metadata.namespace ?? this.defaultNamespace) : undefined;
    const collection = `${groupVersionPath(resource.apiVersion)}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.resource}`;
    return { collection, path: `${collection}/${encodeURIComponent(ref.metadata.name)}` };
  }

  private async listResource<T extends KubeObject>(resource: ApiResource, options: ListOptions): Promise<T[]> {
    const items: T[] = [];
    const base = `${groupVersionPath(resource.apiVersion)}${resource.namespaced && options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : ''}/${resource.resource}`;
    let token: string | undefined;
    do {
      const page = await this.call<{ items?: T[]; metadata?: { continue?: string } }>(
        {
          method: 'GET',
          path: base,
          query: { labelSelector: options.labelSelector, limit: 500, continue: token },
          accept: options.metadataOnly ? 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json' : undefined,
        },
        { verb: 'list', what: `${resource.kind} objects`, namespace: options.namespace, server: this.server, context: this.context },
      );
      // List items carry no apiVersion / kind of their own; put them back so every object is self-describing.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  /**
   * The resources of one group version. The first lookup fetches aggregated discovery (two requests in parallel, every
   * group and version at once; a deploy then needs no other discovery request), a server without it one request per
   * group version.
   */
  private async resourcesOf(apiVersion: string): Promise<ApiResource[]> {
    const known = this.resourcesByApiVersion.get(apiVersion);
    if (known) return known;
    // A failed aggregated discovery is asked the old way, whose error names the group version.
    if (await this.aggregatedOnce().catch(() => undefined)) return this.resourcesByApiVersion.get(apiVersion) ?? [];
    let cached = this.resourcesByApiVersion.get(apiVersion);
    if (!cached) {
      cached = this.call<{ resources?: RawResource[] }>(
        { method: 'GET', path: groupVersionPath(apiVersion) },
        { verb: 'discover', what: `API ${apiVersion}`, server: this.server, context: this.context },
      )
        .then((list) => toResources(apiVersion, list.resources ?? []))
        .catch((err: unknown) => {
          this.resourcesByApiVersion.delete(apiVersion);
          if (err instanceof ClusterError && err.status === 404) return [];
          throw err;
        });
      this.resourcesByApiVersion.set(apiVersion, cached);
    }
    return cached;
  }

  /**
   * Every resource of the preferred version of every API group. Uses aggregated discovery (two requests,
   * Kubernetes 1.30+) and falls back to one request per group version on older servers.
   */
  private discoverAll(): Promise<ApiResource[]> {
    if (!this.allResources) {
      this.allResources = (async () => (await this.aggregatedOnce()) ?? this.legacyDiscovery())();
      this.allResources.catch(() => (this.allResources = undefined));
    }
    return this.allResources;
  }

  /** Aggregated discovery, fetched once per client (again after a miss, see `resourceFor`); undefined when not served. */
  private aggregatedOnce(): Promise<ApiResource[] | undefined> {
    if (!this.aggregated) {
      this.aggregated = this.aggregatedDiscovery();
      this.aggregated.catch(() => (this.aggregated = undefined));
    }
    return this.aggregated;
  }

  private async aggregatedDiscovery(): Promise<ApiResource[] | undefined> {
    const fetchList = (path: string) =>
      this.call<AggregatedDiscovery>(
        { method: 'GET', path, accept: `${AGGREGATED_DISCOVERY},application/json` },
        { verb: 'discover', what: `the APIs at ${path}`, server: this.server, context: this.context },
      );
    const [core, groups] = await Promise.all([fetchList('/api'), fetchList('/apis')]);
    if (core.kind !== 'APIGroupDiscoveryList' || groups.kind !== 'APIGroupDiscoveryList') return undefined;
    const all: ApiResource[] = [];
    for (const group of [...(core.items ?? []), ...(groups.items ?? [])]) {
      // Versions come in order of preference; the first one is the preferred version, the one `all` lists.
      for (const [i, version] of (group.versions ?? []).entries()) {
        const apiVersion = group.metadata?.name ? `${group.metadata.name}/${version.version}` : version.version;
        const resources = (version.resources ?? []).map((r) => ({
          apiVersion,
          kind: r.responseKind?.kind ?? '',
          resource: r.resource,
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [],
        }));
        if (!this.resourcesByApiVersion.has(apiVersion)) this.resourcesByApiVersion.set(apiVersion, Promise.resolve(resources));
        if (i === 0) all.push(...resources);
      }
    }
    return all;
  }

  private async legacyDiscovery(): Promise<ApiResource[]> {
    const core = await this.call<{ versions: string[] }>(
      { method: 'GET', path: '/api' },
      { verb: 'discover', what: 'the core API', server: this.server, context: this.context },
    );
    const groups = await this.call<{ groups: { name: string; preferredVersion?: { groupVersion: string }; versions: { groupVersion: string }[] }[] }>(
      { method: 'GET', path: '/apis' },
      { verb: 'discover', what: 'the API groups', server: this.server, context: this.context },
    );
    const apiVersions = [...core.versions, ...groups.groups.map((g) => g.preferredVersion?.groupVersion ?? g.versions[0]!.groupVersion)];
    const limit = pLimit(8);
    const all = await Promise.all(
      apiVersions.map((v) =>
        limit(() =>
          this.resourcesOf(v).catch((err: unknown) => {
            // Aggregated APIs (metrics-server ...) can be unavailable; they hold no release objects.
            if (err instanceof ClusterError && err.status === 503) return [];
            throw err;
          }),
        ),
      ),
    );
    return all.flat();
  }

  private async waitForDeletion(ref: ObjectRef, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let delay = 100;
    while (await this.read(ref)) {
      if (Date.now() > deadline) {
        throw new ClusterError(
          `${ref.kind}/${ref.metadata.name}${ref.metadata.namespace ? ` in namespace ${ref.metadata.namespace}` : ''} is still there ${Math.round(timeoutMs / 1000)}s after it was deleted`,
          { hint: 'a finalizer is probably holding it; look at metadata.finalizers of the object' },
        );
      }
      await sleep(delay);
      delay = Math.min(1000, delay * 2);
    }
  }

  private async httpOptions(): Promise<https.RequestOptions> {
    // Credentials (exec plugins, token files) are re-read now and then so a long deploy outlives a short-lived token.
    if (!this.authCache || Date.now() - this.authCache.at > 60_000) {
      const opts = await this.config.requestOptions();
      this.authCache = { opts: withSecureContext(opts), at: Date.now() };
    }
    return this.authCache.opts;
  }

  private async send(input: RequestInput): Promise<unknown> {
    const base = await this.httpOptions();
    const url = new URL(this.server.replace(/\/+$/, '') + input.path);
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = input.body === undefined ? undefined : Buffer.from(JSON.stringify(input.body));
    const headers: Record<string, string | number> = { ...(base.headers as Record<string, string>), Accept: input.accept ?? 'application/json' };
    if (payload) {
      headers['Content-Type'] = input.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        { ...base, method: input.method, headers, timeout: this.requestTimeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (a proxy's error page): keep the text for the message
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve(body);
            const retryAfter = Number(res.headers['retry-after']);
            reject(new ApiResponseError(status, body as ApiStatus | string | undefined, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined));
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }
}

/**
 * The options with one TLS context for all their connections: otherwise every new connection builds its own, parsing
 * the CA, the client certificate and its key again (1.3 ms each here; a deploy opens several connections at once).
 * The PEM options stay, since the agent names its pool of connections after them. Options that bring their own agent
 * or key store (a proxy, a PFX) are left as they are.
 */
function withSecureContext(opts: https.RequestOptions): https.RequestOptions {
  const given = opts as https.RequestOptions & tls.ConnectionOptions;
  if (given.secureContext || opts.agent || opts.pfx || opts.passphrase || !(opts.ca || opts.cert || opts.key)) return opts;
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key });
  } catch (err) {
    throw new UserError(`cannot use the certificates of the kubeconfig: ${(err as Error).message}`, {
      hint: 'check certificate-authority(-data), client-certificate(-data) and client-key(-data) of the context (kubectl config view --raw)',
    });
  }
  return { ...opts, secureContext } as https.RequestOptions;
}

const EVENT_KINDS = new Set(['Event']);

const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** The aggregated discovery document (apidiscovery.k8s.io/v2). */
interface AggregatedDiscovery {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[];
    }[];
  }[];
}

interface RawResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

function toResources(apiVersion: string, raw: RawResource[]): ApiResource[] {
  return raw
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ apiVersion, kind: r.kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
}

function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}
