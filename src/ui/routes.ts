import { diffRevisions } from '../diff/revisions.js';
import { UserError } from '../errors.js';
import { publicConfigChanges } from '../model/config-diff.js';
import { namespaceProblem, releaseNameProblem } from '../model/names.js';
import { releaseGraph } from '../operate/status.js';
import type { GraphView, ReleaseList, RevisionDiffView, SessionInfo } from './api-types.js';
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
  return releaseDetail(client.context, client, store, t.release);
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

export const routes: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/session$/, handler: session },
  { method: 'GET', pattern: /^\/api\/releases$/, handler: releases },
  { method: 'GET', pattern: new RegExp(`${RELEASE}$`), handler: detail },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/watch$`), handler: watch },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/diff$`), handler: diff },
  { method: 'GET', pattern: new RegExp(`${RELEASE}/graph$`), handler: graph },
];
