import { filterFromQuery, filterParams, lastPage, pageLabel } from '../../../web/src/lib/releases-query.js';
import { pageHref, parseRoute, queryString, releaseApiPath, releaseHref } from '../../../web/src/lib/routes.js';

describe('parseRoute', () => {
  it('opens the releases list for an empty hash and for #/releases', () => {
    expect(parseRoute('').page).toBe('releases');
    expect(parseRoute('#/').page).toBe('releases');
    expect(parseRoute('#/releases?q=shop').page).toBe('releases');
  });

  it('reads a release page with its namespace, name and query', () => {
    const route = parseRoute('#/releases/shop-dev/web?context=kind-a');
    expect(route).toMatchObject({ page: 'release', namespace: 'shop-dev', release: 'web' });
    expect(route.page === 'release' && route.query.get('context')).toBe('kind-a');
  });

  it('reads the diff, rollback and graph pages of a release', () => {
    expect(parseRoute('#/releases/ns/r/diff?from=1&to=3')).toMatchObject({ page: 'diff', namespace: 'ns', release: 'r' });
    expect(parseRoute('#/releases/ns/r/rollback')).toMatchObject({ page: 'rollback' });
    expect(parseRoute('#/releases/ns/r/graph')).toMatchObject({ page: 'graph' });
  });

  it('turns an unknown path into a not-found route instead of throwing', () => {
    expect(parseRoute('#/releases/ns/r/nope')).toEqual({ page: 'not-found', path: '/releases/ns/r/nope' });
    expect(parseRoute('#/%E0%A4%A')).toEqual({ page: 'not-found', path: '/%E0%A4%A' });
  });

  it('round-trips names that need escaping through releaseHref', () => {
    const href = releaseHref('a b', 'x/y', 'diff', { from: 1, to: 2, context: undefined });
    expect(href).toBe('#/releases/a%20b/x%2Fy/diff?from=1&to=2');
    expect(parseRoute(href)).toMatchObject({ page: 'diff', namespace: 'a b', release: 'x/y' });
  });
});

describe('query strings', () => {
  it('leaves out empty and undefined parameters', () => {
    expect(queryString({ a: 1, b: '', c: undefined, d: 'x y' })).toBe('?a=1&d=x+y');
    expect(queryString({ a: undefined })).toBe('');
    expect(pageHref('catalog', { q: '' })).toBe('#/catalog');
  });

  it('builds release API paths with the context parameter', () => {
    expect(releaseApiPath('dev', 'shop', 'diff', { context: 'kind', from: 2, to: 3 })).toBe('/api/releases/dev/shop/diff?context=kind&from=2&to=3');
    expect(releaseApiPath('dev', 'shop')).toBe('/api/releases/dev/shop');
  });
});

describe('the releases filter', () => {
  it('falls back to the defaults for unknown or malformed values', () => {
    const filter = filterFromQuery(new URLSearchParams('status=bogus&sort=size&page=-2&pageSize=abc&q=%20'));
    expect(filter).toEqual({ context: undefined, namespace: undefined, q: undefined, status: undefined, sort: 'updatedAt', page: 1, pageSize: 50 });
  });

  it('caps the page size the page may ask for', () => {
    expect(filterFromQuery(new URLSearchParams('pageSize=100000')).pageSize).toBe(500);
  });

  it('round-trips through the URL parameters, defaults left out', () => {
    const filter = filterFromQuery(new URLSearchParams('namespace=dev&q=shop&status=failed&sort=name&page=3'));
    expect(filterParams(filter)).toEqual({ context: undefined, namespace: 'dev', q: 'shop', status: 'failed', sort: 'name', page: 3, pageSize: undefined });
    expect(filterFromQuery(new URLSearchParams(queryString(filterParams(filter)).slice(1)))).toEqual(filter);
  });

  it('labels pages', () => {
    expect(pageLabel(1, 50, 2000)).toBe('1-50 of 2000');
    expect(pageLabel(40, 50, 1999)).toBe('1951-1999 of 1999');
    expect(pageLabel(1, 50, 0)).toBe('none');
    expect(lastPage(50, 2000)).toBe(40);
    expect(lastPage(50, 0)).toBe(1);
  });
});
