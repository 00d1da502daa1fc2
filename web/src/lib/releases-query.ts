import type { RevisionStatus } from '../../../src/model/revision.js';

export const SORTS = ['updatedAt', 'name', 'namespace'] as const;
export type ReleaseSort = (typeof SORTS)[number];

export const STATUSES: readonly RevisionStatus[] = ['deployed', 'failed', 'pending', 'interrupted', 'superseded', 'uninstalled'];

/** What the releases page asks the server for; kept in the page's URL so a filtered list can be linked and reloaded. */
export interface ReleaseFilter {
  readonly context?: string;
  readonly namespace?: string;
  readonly q?: string;
  readonly status?: RevisionStatus;
  readonly sort: ReleaseSort;
  readonly page: number;
  readonly pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 50;

/** The filter in a page URL's query; unknown or malformed values fall back to the defaults. */
export function filterFromQuery(query: URLSearchParams): ReleaseFilter {
  const text = (key: string) => query.get(key)?.trim() || undefined;
  const status = text('status');
  const sort = text('sort');
  return {
    context: text('context'),
    namespace: text('namespace'),
    q: text('q'),
    status: STATUSES.includes(status as RevisionStatus) ? (status as RevisionStatus) : undefined,
    sort: SORTS.includes(sort as ReleaseSort) ? (sort as ReleaseSort) : 'updatedAt',
    page: positiveInt(query.get('page'), 1),
    pageSize: Math.min(positiveInt(query.get('pageSize'), DEFAULT_PAGE_SIZE), 500),
  };
}

/** The parameters of `GET /api/releases` (and of the page URL) for a filter, defaults left out. */
export function filterParams(filter: ReleaseFilter): Record<string, string | number | undefined> {
  return {
    context: filter.context,
    namespace: filter.namespace,
    q: filter.q,
    status: filter.status,
    sort: filter.sort === 'updatedAt' ? undefined : filter.sort,
    page: filter.page === 1 ? undefined : filter.page,
    pageSize: filter.pageSize === DEFAULT_PAGE_SIZE ? undefined : filter.pageSize,
  };
}

/** `1-50 of 2000`, or `none` for an empty list. */
export function pageLabel(page: number, pageSize: number, total: number): string {
  if (total === 0) return 'none';
  const first = (page - 1) * pageSize + 1;
  return `${Math.min(first, total)}-${Math.min(page * pageSize, total)} of ${total}`;
}

export function lastPage(pageSize: number, total: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

function positiveInt(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
