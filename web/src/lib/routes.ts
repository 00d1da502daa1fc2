/**
 * The console's pages as hash routes (`#/releases/shop/web?context=dev`): plain links that work from a static file
 * server, in a new tab and with the keyboard, and survive a reload.
 */
export type Route =
  | { readonly page: 'releases'; readonly query: URLSearchParams }
  | { readonly page: 'release'; readonly namespace: string; readonly release: string; readonly query: URLSearchParams }
  | { readonly page: 'diff'; readonly namespace: string; readonly release: string; readonly query: URLSearchParams }
  | { readonly page: 'rollback'; readonly namespace: string; readonly release: string; readonly query: URLSearchParams }
  | { readonly page: 'graph'; readonly namespace: string; readonly release: string; readonly query: URLSearchParams }
  | { readonly page: 'deploy'; readonly query: URLSearchParams }
  | { readonly page: 'catalog'; readonly query: URLSearchParams }
  | { readonly page: 'not-found'; readonly path: string };

const RELEASE_PAGES = { diff: 'diff', rollback: 'rollback', graph: 'graph' } as const;

/** The route of a location hash; an unknown path is a `not-found` route, never an exception. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = splitOnce(raw, '?');
  const query = new URLSearchParams(queryPart);
  const parts = pathPart.split('/').filter((p) => p !== '').map(safeDecode);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'releases')) return { page: 'releases', query };
  if (parts.length === 1 && parts[0] === 'deploy') return { page: 'deploy', query };
  if (parts.length === 1 && parts[0] === 'catalog') return { page: 'catalog', query };
  if (parts[0] === 'releases' && parts.length === 3) return { page: 'release', namespace: parts[1]!, release: parts[2]!, query };
  if (parts[0] === 'releases' && parts.length === 4 && parts[3]! in RELEASE_PAGES) {
    const page = RELEASE_PAGES[parts[3] as keyof typeof RELEASE_PAGES];
    return { page, namespace: parts[1]!, release: parts[2]!, query };
  }
  return { page: 'not-found', path: pathPart };
}

type Params = Record<string, string | number | undefined>;

/** `#/releases/<ns>/<release>[/<sub>]?<params>`, parameters without a value left out. */
export function releaseHref(namespace: string, release: string, sub?: 'diff' | 'rollback' | 'graph', params: Params = {}): string {
  const path = `#/releases/${encodeURIComponent(namespace)}/${encodeURIComponent(release)}${sub ? `/${sub}` : ''}`;
  return path + queryString(params);
}

export function pageHref(page: 'releases' | 'deploy' | 'catalog', params: Params = {}): string {
  return `#/${page}${queryString(params)}`;
}

/** `?a=1&b=x` with empty and undefined values left out, in the given order; `''` when nothing is left. */
export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** An API path under `/api/releases/<ns>/<release>`, with the context parameter every release route takes. */
export function releaseApiPath(namespace: string, release: string, sub = '', params: Params = {}): string {
  return `/api/releases/${encodeURIComponent(namespace)}/${encodeURIComponent(release)}${sub ? `/${sub}` : ''}${queryString(params)}`;
}

function splitOnce(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
