/**
 * The JSON API of `berth ui`: what the server (src/ui/server.ts and its routes) answers and what the web console
 * (web/) reads. Types only, shared by both sides, so that a field renamed on one side is a compile error on the other.
 *
 * Conventions (agreed before the console was built; change them here first):
 * - Every route is under `/api/`, answers JSON (`application/json; charset=utf-8`) or an event stream
 *   (`text/event-stream`, one JSON document per `data:` line, `event:` naming its type), and needs the session
 *   token: the `Authorization: Bearer <token>` header, or the `berth_session` cookie that `GET /?token=<token>` sets
 *   (HttpOnly, SameSite=Strict, Path=/). The Host header must be the address the server listens on
 *   (`127.0.0.1:<port>` / `localhost:<port>`); a request with an Origin header must come from that same origin.
 * - Mutations are `POST` with a JSON body (`Content-Type: application/json`, else 415) and also carry the
 *   `X-Berth-CSRF: <csrf>` header, whose value `GET /api/session` returns (a second secret a cross-site form cannot
 *   read or send).
 * - An error is `{ error: ApiError }` with an HTTP status: 400 bad input, 401 no / bad token, 403 Host / Origin / CSRF
 *   refused or the cluster said Forbidden, 404 unknown release / revision / app, 409 release locked, 415, 500.
 * - No response ever contains a secret value: secret-marked config values are `{ secret: true, set: boolean }`
 *   (`MaskedSecret`), Secrets' data never leaves the server. On upgrade, a secret field left blank keeps the current
 *   value.
 * - Kube contexts: every release route takes `?context=<name>` (default: the kubeconfig's current context).
 */
import type { ConfigChange } from '../model/config-diff.js';
import type { RevisionStatus } from '../model/revision.js';
import type { GraphEdge, GraphNode } from '../operate/graph.js';
import type { ObjectState } from '../operate/status.js';

export interface ApiError {
  /** One sentence for a person, the CLI's wording (the same UserError message). */
  readonly message: string;
  readonly hint?: string;
  /** For validation errors: each problem with its config path (`api.replicas`). */
  readonly fields?: readonly FieldError[];
}

export interface FieldError {
  /** Dotted config path, `''` for the whole document. */
  readonly path: string;
  readonly message: string;
}

/** `GET /api/session` */
export interface SessionInfo {
  readonly csrf: string;
  readonly version: string;
  readonly contexts: readonly { readonly name: string; readonly current: boolean }[];
}

/** A secret-marked config value as the API shows it. */
export interface MaskedSecret {
  readonly secret: true;
  readonly set: boolean;
}

export interface TemplateRefView {
  readonly name: string;
  readonly version: string;
}

/** One release in the list. */
export interface ReleaseRow {
  readonly context: string;
  readonly namespace: string;
  readonly release: string;
  readonly app: string;
  readonly template?: TemplateRefView;
  readonly env: string;
  readonly version: string;
  readonly revision: number;
  readonly status: RevisionStatus;
  /** ISO 8601. */
  readonly updatedAt: string;
}

/**
 * `GET /api/releases?context=&namespace=&q=&status=&page=1&pageSize=50&sort=updatedAt|name|namespace`
 * Filtering, sorting and paging happen on the server. `q` matches release, namespace, app and template names.
 */
export interface ReleaseList {
  readonly items: readonly ReleaseRow[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** Namespaces left out (e.g. the user may not list Secrets there), with why: shown as a note, not an error. */
  readonly notes: readonly { readonly namespace?: string; readonly message: string }[];
}

export interface ServiceView {
  readonly name: string;
  readonly kind: string;
  readonly state: ObjectState;
  readonly message: string;
  readonly pods: { readonly ready: number; readonly total: number };
}

export interface PodView {
  readonly name: string;
  readonly service?: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  /** Why it is not ready (`CrashLoopBackOff`, `ImagePullBackOff: ...`), from the model's pod problems. */
  readonly reason?: string;
  /** The newest Warning events of the pod, newest first (at most 3). */
  readonly warnings: readonly { readonly reason: string; readonly message: string; readonly at: string }[];
}

export interface RevisionRow {
  readonly revision: number;
  readonly status: RevisionStatus;
  readonly description: string;
  readonly template?: TemplateRefView;
  readonly version: string;
  readonly updatedAt: string;
  readonly user: string;
}

/** `GET /api/releases/:namespace/:release` */
export interface ReleaseDetail {
  readonly summary: ReleaseRow;
  readonly description: string;
  readonly error?: string;
  readonly services: readonly ServiceView[];
  readonly pods: readonly PodView[];
  /** The newest revision's config, secret-marked values masked. */
  readonly config: unknown;
  readonly history: readonly RevisionRow[];
}

/**
 * `GET /api/releases/:namespace/:release/watch` — event stream: `event: status` with a `ReleaseStatusEvent` whenever
 * a service's readiness or a pod changes (from Kubernetes watches, not polling), `event: ping` every 15 s.
 */
export interface ReleaseStatusEvent {
  readonly services: readonly ServiceView[];
  readonly pods: readonly PodView[];
}

export interface ObjectDiffView {
  /** `Deployment/shop-api`. */
  readonly object: string;
  readonly change: 'create' | 'update' | 'delete';
  /** Unified diff of the two objects as YAML (Secrets' data as digests only), as `berth diff-revisions` prints it. */
  readonly diff: string;
}

/** `GET /api/releases/:namespace/:release/diff?from=N&to=M` — the content of `berth diff-revisions`. */
export interface RevisionDiffView {
  readonly from: number;
  readonly to: number;
  readonly config: readonly ConfigChange[];
  readonly objects: readonly ObjectDiffView[];
}

/** `GET /api/releases/:namespace/:release/graph` */
export interface GraphView {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly waves: readonly (readonly string[])[];
}

export interface PlanChangeView {
  readonly object: string;
  readonly service?: string;
  readonly action: 'create' | 'update' | 'delete' | 'unchanged';
  readonly diff?: string;
}

/** What a rollback or a deploy would do: config changes first, then objects. */
export interface PlanView {
  readonly release: string;
  readonly namespace: string;
  readonly config: readonly ConfigChange[];
  readonly changes: readonly PlanChangeView[];
  readonly summary: { readonly create: number; readonly update: number; readonly delete: number; readonly unchanged: number };
  /** Refusals (ownership conflicts...) that would stop the deploy, one line each. */
  readonly refusals: readonly string[];
}

/** `POST /api/releases/:namespace/:release/rollback/plan` and `POST .../rollback` take this body. */
export interface RollbackRequest {
  readonly revision: number;
}

/** What an app or template is deployed from. `app` is a name under apps/ of the project, `template` a package spec. */
export type DeploySource = { readonly app: string; readonly env?: string } | { readonly template: string };

/** `GET /api/sources` — apps of the project and templates it has installed. */
export interface SourceList {
  readonly apps: readonly { readonly name: string; readonly envs: readonly string[] }[];
  readonly templates: readonly { readonly name: string; readonly version: string; readonly description?: string }[];
}

/**
 * `GET /api/schema?app=&env=` or `?template=` — the config's JSON Schema (descriptions from the TSDoc, defaults,
 * `required`, secret fields marked `writeOnly: true` and `format: 'password'`), and the values to start the form with
 * (the env's values, or a release's recorded config with secrets masked when `&namespace=&release=` are given).
 */
export interface SchemaView {
  readonly schema: Record<string, unknown>;
  readonly values: unknown;
}

/** `POST /api/validate` body; answers `{ fields: FieldError[] }` (empty when valid), the CLI's validator and messages. */
export interface ValidateRequest {
  readonly source: DeploySource;
  readonly values: unknown;
  /**
   * The release being upgraded, if any: a template release's values are then checked over its recorded config (with
   * its secrets), as the deploy will be, so a secret left blank is not reported missing.
   */
  readonly release?: string;
  readonly namespace?: string;
  readonly context?: string;
}

/** `POST /api/deploy/plan` (answers a PlanView) and `POST /api/deploy` (answers an OperationRef) take this body. */
export interface DeployRequest {
  readonly source: DeploySource;
  readonly release: string;
  readonly namespace: string;
  readonly context?: string;
  /** The form's values; a secret field that is absent or `null` keeps the release's current value. */
  readonly values: unknown;
}

/** A started deploy or rollback. */
export interface OperationRef {
  readonly id: string;
}

/**
 * `GET /api/operations/:id/events` — event stream of a running deploy / rollback: `event: progress` (a line of the
 * CLI's progress), `event: done` with the final `OperationResult`.
 */
export interface OperationProgress {
  readonly message: string;
  readonly service?: string;
  readonly state?: ObjectState;
}

export interface OperationResult {
  readonly ok: boolean;
  readonly revision?: number;
  readonly status?: RevisionStatus;
  readonly message: string;
}

/** `GET /api/catalog?q=` — templates of the configured registry scopes (as `berth template search`). */
export interface CatalogEntry {
  readonly name: string;
  readonly description?: string;
  readonly latest: string;
  readonly versions: readonly string[];
  readonly keywords: readonly string[];
  /** The config as rows (`berth schema`'s table). */
  readonly config: readonly { readonly path: string; readonly type: string; readonly required: boolean; readonly default?: unknown; readonly secret: boolean; readonly description?: string }[];
}

export interface CatalogList {
  readonly items: readonly CatalogEntry[];
  /** Registry problems (unreachable, not logged in), as a note. */
  readonly notes: readonly string[];
}
