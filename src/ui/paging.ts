import { UserError } from '../errors.js';
import { REVISION_STATUSES, type RevisionStatus } from '../model/revision.js';
import type { ReleaseRow } from './api-types.js';

/** `GET /api/releases`'s query: filter, sort and page, done on the server so 2,000 releases send 50 rows. */
export interface ListQuery {
  readonly namespace?: string;
  readonly q?: string;
  readonly status?: RevisionStatus;
  readonly page: number;
  readonly pageSize: number;
  readonly sort: 'updatedAt' | 'name' | 'namespace';
}

export const MAX_PAGE_SIZE = 500;
const SORTS = ['updatedAt', 'name', 'namespace'] as const;

function whole(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw new UserError(`${name} must be a whole number from 1 to ${max}, got '${raw}'`, { hint: `for example ${name}=${fallback}` });
  return n;
}

/** Reads and checks the query parameters; a bad one is a UserError naming it (400). */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const sort = params.get('sort') ?? 'updatedAt';
  if (!(SORTS as readonly string[]).includes(sort)) throw new UserError(`sort must be one of ${SORTS.join(', ')}, got '${sort}'`);
  const status = params.get('status') || undefined;
  if (status !== undefined && !(REVISION_STATUSES as readonly string[]).includes(status)) {
    throw new UserError(`status must be one of ${REVISION_STATUSES.join(', ')}, got '${status}'`);
  }
  return {
    namespace: params.get('namespace') || undefined,
    q: params.get('q')?.trim() || undefined,
    status: status as RevisionStatus | undefined,
    page: whole(params, 'page', 1, 1_000_000),
    pageSize: whole(params, 'pageSize', 50, MAX_PAGE_SIZE),
    sort: sort as ListQuery['sort'],
  };
}

/** `q` matches release, namespace, app and template names, case-insensitively. */
function matches(row: ReleaseRow, q: string): boolean {
  const needle = q.toLowerCase();
  return [row.release, row.namespace, row.app, row.template?.name ?? ''].some((s) => s.toLowerCase().includes(needle));
}

const compare: Record<ListQuery['sort'], (a: ReleaseRow, b: ReleaseRow) => number> = {
  // Newest first; ties in a stable name order so pages never overlap.
  updatedAt: (a, b) => b.updatedAt.localeCompare(a.updatedAt) || compare.namespace(a, b),
  name: (a, b) => a.release.localeCompare(b.release) || a.namespace.localeCompare(b.namespace) || a.context.localeCompare(b.context),
  namespace: (a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release) || a.context.localeCompare(b.context),
};

/** Filters, sorts and cuts one page; `total` counts every match. */
export function pageOf(rows: readonly ReleaseRow[], query: ListQuery): { items: ReleaseRow[]; total: number } {
  const hits = rows.filter(
    (r) => (!query.namespace || r.namespace === query.namespace) && (!query.status || r.status === query.status) && (!query.q || matches(r, query.q)),
  );
  hits.sort(compare[query.sort]);
  const start = (query.page - 1) * query.pageSize;
  return { items: hits.slice(start, start + query.pageSize), total: hits.length };
}
