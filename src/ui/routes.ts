import { diffRevisions } from '../diff/revisions.js';
import { UserError } from '../errors.js';
import { publicConfigChanges } from '../model/config-diff.js';
import { namespaceProblem, releaseNameProblem } from '../model/names.js';
import { releaseGraph } from '../operate/status.js';
import { deploy } from '../deploy/deploy.js';
import { deployReport, rollbackReport } from '../deploy/report.js';
import { rollback } from '../deploy/rollback.js';
import { openContext } from '../deploy/setup.js';
import { silentProgress, type ProgressReporter } from '../deploy/context.js';
import { isPlainObject } from '../util/object.js';
import type { KubeApi } from '../model/kube-api.js';
import { LEASE_API_VERSION, leaseName, leaseState, localProcesses, lockedError, type LeaseObject } from '../release/lock.js';
import type { GraphView, OperationRef, PlanView, ReleaseList, RevisionDiffView, SessionInfo } from './api-types.js';
import { loadRelease, planView, schemaView, sourceList, validate } from './deploy-source.js';
import { catalog } from './catalog.js';
import { HttpError } from './http-error.js';
import { parseListQuery, pageOf } from './paging.js';
import { listAll, releaseDetail, requireRelease, rowOf, watchRelease } from './releases.js';
import type { UiState } from './state.js';

/** What a route handler gets: the path's parameters, the query, the parsed JSON body of a POST. */
export interface RouteContext {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly state: UiState;
  /** Aborted when the client goes away (event streams stop their watches). */
  readonly signal: AbortSignal;
  /** Sends one event of a `text/event-stream` answer (the first call starts it). */
  readonly stream: (event: string, data: unknown) => void;
}

/** Returns the JSON answer, or streams events and returns when the stream ends. */
export type Handler = (ctx: RouteContext) => Promise<unknown>;

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const SEGMENT = '([^/]+)';
const RELEASE = `^/api/releases/${SEGMENT}/${SEGMENT}`;

/** `:namespace/:release` of the path, checked with the store's own name rules. */
function target(ctx: RouteContext): { namespace: string; release: string; context?: string } {
  const [namespace, release] = ctx.params as [string, string];
  const nsProblem = namespaceProblem(namespace);
  if (nsProblem) throw new UserError(`namespace '${namespace}' ${nsProblem}`);
  const relProblem = releaseNameProblem(release);
  if (relProblem) throw new UserError(`release name '${release}' ${relProblem}`);
  return { namespace, release, context: ctx.query.get('context') || undefined };
}

/** A revision number of the query (`from`, `to`): a positive whole number. */
export function revisionParam(query: URLSearchParams, name: string): number {
  const raw = query.get(name) ?? '';
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1)) throw new UserError(`${name} must be a revision number (a whole number >= 1), got '${raw}'`, { hint: 'the release history lists the revisions' });
  return n;
}

async function session(ctx: RouteContext): Promise<SessionInfo> {
  return { csrf: ctx.state.csrf, version: ctx.state.options.version, contexts: ctx.state.contexts() };
}

async function releases(ctx: RouteContext): Promise<ReleaseList> {
  const query = parseListQuery(ctx.query);
  const client = await ctx.state.client(ctx.query.get('context') || undefined);
  const { releases, notes } = await listAll(client);
  // As `berth list`: uninstalled releases (kept with --keep-history) only when asked for.
  const rows = releases.filter((r) => r.status !== 'uninstalled' || query.status === 'uninstalled').map((r) => rowOf(client.context, r));
  const { items, total } = pageOf(rows, query);
  return { items, total, page: query.page, pageSize: query.pageSize, notes };
}

async function detail(ctx: RouteContext) {
  const t = target(ctx);
  const { client, store } = await ctx.state.store(t.context, t.namespace);
  return releaseDetail(client.context, client, store, t.release, ctx.state.options.root);
}

async function watch(ctx: RouteContext): Promise<void> {
  const t = target(ctx);
  const { client, store } = await ctx.state.store(t.context, t.namespace);
  await requireRelease(store, t.release);
  ctx.stream('ping', {});
  await watchRelease(client, store, t.release, ctx.signal, (e) => ctx.stream('status', e));
}

async function diff(ctx: RouteContext): Promise<RevisionDiffView> {
  const t = target(ctx);
  const from = revisionParam(ctx.query, 'from');
  const to = revisionParam(ctx.query, 'to');
  const { store } = await ctx.state.store(t.context, t.namespace);
  const [a, b] = await Promise.all([store.get(t.release, from), store.get(t.release, to)]);
  // Never showSecrets: Secrets' data appear as their stored digests' placeholders only, as the CLI shows them.
  const d = diffRevisions(a, b);
  return { from, to, config: publicConfigChanges(d.values), objects: d.objects.map((o) => ({ object: o.ref, change: o.action, diff: o.diff })) };
}

async function graph(ctx: RouteContext): Promise<GraphView> {
  const t = target(ctx);
  const { client, store } = await ctx.state.store(t.context, t.namespace);
  await requireRelease(store, t.release);
  const g = await releaseGraph(client, store, t.release);
  return { nodes: g.nodes, edges: g.edges, waves: g.waves };
}

/** The rollback body's revision: a positive whole number. */
function rollbackTarget(body: unknown): number {
  const n = isPlainObject(body) ? body.revision : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new UserError(`revision must be a revision number (a whole number >= 1), got ${JSON.stringify(n ?? null)}`, { hint: 'send { "revision": N } with N from the history' });
  }
  return n;
}

function rollbackContext(ctx: RouteContext, t: { namespace: string; context?: string }, progress: ProgressReporter) {
  const o = ctx.state.options;
  return openContext({ kubeconfig: o.kubeconfig, context: t.context ?? o.context, namespace: t.namespace, progress, signal: ctx.state.shutdown.signal });
}

async function rollbackPlan(ctx: RouteContext): Promise<PlanView> {
  const t = target(ctx);
  const revision = rollbackTarget(ctx.body);
  const dc = await rollbackContext(ctx, t, silentProgress);
  await requireRelease(dc.store, t.release);
  const result = await rollback(dc, t.namespace, t.release, revision, { dryRun: true });
  return planView(result.plan);
}

/**
 * A 409 with the lock's own message when another run holds the release now: answered before an operation starts.
 * Only a first look (the run takes the lock itself, and waits for it as the CLI does, if it was taken meanwhile).
 */
async function refuseIfLocked(client: KubeApi, namespace: string, release: string): Promise<void> {
  const lease = await client.read<LeaseObject>({ apiVersion: LEASE_API_VERSION, kind: 'Lease', metadata: { name: leaseName(release), namespace } });
  if (!lease) return;
  const now = new Date();
  const state = leaseState(lease, now, localProcesses());
  if (state.free || state.expired || state.holderDead) return;
  const err = lockedError(release, namespace, state, now);
  throw new HttpError(409, { message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
}

async function rollbackRun(ctx: RouteContext): Promise<OperationRef> {
  const t = target(ctx);
  const revision = rollbackTarget(ctx.body);
  const op = ctx.state.operations.create();
  const dc = await rollbackContext(ctx, t, op.progress);
  // The target must exist before an operation starts: a typo is a 404 here, not a failed operation.
  await dc.store.get(t.release, revision);
  await refuseIfLocked(dc.client, t.namespace, t.release);
  ctx.state.operations.run(op, async () => {
    const result = await rollback(dc, t.namespace, t.release, revision, {});
    const outcome = result.outcome;
    return { ok: outcome?.status === 'deployed', revision: outcome?.revision, status: outcome?.status, message: rollbackReport(result).trim() };
  });
  return { id: op.id };
}

async function deployPlan(ctx: RouteContext): Promise<PlanView> {
  const { ctx: dc, set, releaseKey } = await loadRelease(ctx.state, ctx.body, silentProgress, { dryRun: true });
  const result = await deploy(dc, set, { dryRun: true, releaseKey });
  return planView(result.plan);
}

async function deployRun(ctx: RouteContext): Promise<OperationRef> {
  const op = ctx.state.operations.create();
  const { ctx: dc, set, releaseKey } = await loadRelease(ctx.state, ctx.body, op.progress, { dryRun: false, signal: ctx.state.shutdown.signal });
  await refuseIfLocked(dc.client, set.namespace, set.release);
  ctx.state.operations.run(op, async () => {
    // The form names its namespace: one that does not exist yet is created, as with --create-namespace.
    const result = await deploy(dc, set, { releaseKey, createNamespace: true });
    const outcome = result.outcome;
    return { ok: outcome?.status === 'deployed', revision: outcome?.revision, status: outcome?.status, message: deployReport(result).trim() };
  });
  return { id: op.id };
}

async function operationEvents(ctx: RouteContext): Promise<void> {
  const op = ctx.state.operations.get(ctx.params[0]!);
  if (!op) throw new HttpError(404, { message: `no operation ${ctx.params[0]}`, hint: 'operations live as long as the berth ui process that started them' });
  await new Promise<void>((resolve) => {
    let stop = () => {};
    const finish = () => {
      stop();
      resolve();
    };
    // subscribe replays the events so far before it returns: a finished operation ends the stream right after.
    stop = op.subscribe((e) => {
      ctx.stream(e.type, e.data);
      if (e.type === 'done') queueMicrotask(finish);
    });
    if (op.done) finish();
    ctx.signal.addEventListener('abort', finish, { once: true });
  });
}

export const routes: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/session$/, handler: session },
  { method: 'GET', pattern: /^\/api\/releases$/, handler: releases },
  { method: 'GET', pattern: new RegExp(`${RELEASE}$`), handler: detail },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/watch$`), handler: watch },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/diff$`), handler: diff },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/graph$`), handler: graph },
  { method: 'POST', pattern: new RegExp(`${RELEASE}/rollback/plan$`), handler: rollbackPlan },
  { method: 'POST', pattern: new RegExp(`${RELEASE}/rollback$`), handler: rollbackRun },
  { method: 'GET', pattern: /^\/api\/sources$/, handler: async (ctx) => sourceList(ctx.state.options.root) },
  { method: 'GET', pattern: /^\/api\/schema$/, handler: (ctx) => schemaView(ctx.state, ctx.query) },
  { method: 'POST', pattern: /^\/api\/validate$/, handler: (ctx) => validate(ctx.state, ctx.body) },
  { method: 'POST', pattern: /^\/api\/deploy\/plan$/, handler: deployPlan },
  { method: 'POST', pattern: /^\/api\/deploy$/, handler: deployRun },
  { method: 'GET', pattern: /^\/api\/operations\/([A-Za-z0-9_-]+)\/events$/, handler: operationEvents },
  { method: 'GET', pattern: /^\/api\/catalog$/, handler: (ctx) => catalog(ctx.state.options.root, ctx.query.get('q') ?? '') },
];
