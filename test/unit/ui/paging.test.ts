import type { ReleaseRow } from '../../../src/ui/api-types.js';
import { pageOf, parseListQuery } from '../../../src/ui/paging.js';

const row = (namespace: string, release: string, updatedAt: string, extra: Partial<ReleaseRow> = {}): ReleaseRow => ({
  context: 'kind',
  namespace,
  release,
  app: 'shop',
  env: 'dev',
  version: '1.0.0',
  revision: 1,
  status: 'deployed',
  updatedAt,
  ...extra,
});

const rows = [
  row('dev', 'shop', '2026-01-03T00:00:00Z'),
  row('prod', 'shop', '2026-01-01T00:00:00Z'),
  row('data', 'db', '2026-01-02T00:00:00Z', { app: 'redis', template: { name: '@berth/redis', version: '1.0.0' }, status: 'failed' }),
];
const query = (q: string) => parseListQuery(new URLSearchParams(q));

describe('release list paging', () => {
  it('defaults to page 1 of 50, newest first', () => {
    expect(query('')).toEqual({ page: 1, pageSize: 50, sort: 'updatedAt', namespace: undefined, q: undefined, status: undefined });
    expect(pageOf(rows, query('')).items.map((r) => r.updatedAt)).toEqual(['2026-01-03T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z']);
  });

  it('cuts pages and counts every match in total', () => {
    const first = pageOf(rows, query('pageSize=2&sort=namespace'));
    const second = pageOf(rows, query('pageSize=2&page=2&sort=namespace'));
    expect(first).toMatchObject({ total: 3 });
    expect(first.items.map((r) => r.namespace)).toEqual(['data', 'dev']);
    expect(second.items.map((r) => r.namespace)).toEqual(['prod']);
    expect(pageOf(rows, query('page=9')).items).toEqual([]);
  });

  it('filters by q over release, namespace, app and template names, and by namespace and status', () => {
    expect(pageOf(rows, query('q=REDIS')).items.map((r) => r.release)).toEqual(['db']);
    expect(pageOf(rows, query('q=prod')).items.map((r) => r.namespace)).toEqual(['prod']);
    expect(pageOf(rows, query('q=shop')).total).toBe(2);
    expect(pageOf(rows, query('namespace=dev')).total).toBe(1);
    expect(pageOf(rows, query('status=failed')).items.map((r) => r.release)).toEqual(['db']);
  });

  it('sorts by name with the namespace as tie-breaker', () => {
    expect(pageOf(rows, query('sort=name')).items.map((r) => `${r.namespace}/${r.release}`)).toEqual(['data/db', 'dev/shop', 'prod/shop']);
  });

  it('refuses bad parameters with a message that names the parameter and the value', () => {
    expect(() => query('pageSize=0')).toThrow("pageSize must be a whole number from 1 to 500, got '0'");
    expect(() => query('pageSize=501')).toThrow("pageSize must be a whole number from 1 to 500, got '501'");
    expect(() => query('page=1.5')).toThrow("page must be a whole number from 1 to 1000000, got '1.5'");
    expect(() => query('sort=size')).toThrow("sort must be one of updatedAt, name, namespace, got 'size'");
    expect(() => query('status=happy')).toThrow("status must be one of");
  });
});
