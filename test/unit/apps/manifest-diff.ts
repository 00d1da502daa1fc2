/**
 * A field-by-field diff of two sets of Kubernetes objects, for tests that compare a port against the manifests it
 * was ported from (test/unit/apps/boutique.test.ts). Objects are matched by `kind/name`; lists whose items all have
 * a `name` (containers, env, ports, volumes) are matched by name, so a difference reads
 * `Deployment/frontend spec.template.spec.containers[server].env[PORT].value`, and other lists by index.
 */
/** One difference: where, and the value on each side (`undefined` = not there). */
export interface Difference {
  /** `Kind/name` of the object. */
  readonly object: string;
  /** Path inside the object; '' for an object only one side has. Keys with '.' or '/' are written `["a.b/c"]`. */
  readonly path: string;
  readonly fixture: unknown;
  readonly port: unknown;
}

/** Why a difference is accepted. */
export type IgnoreCategory =
  /** Berth's own labels, annotations and names, mapped or left out. */
  | 'berth-metadata'
  /** A default Berth writes out (documented next to the prop), or an API default the original writes out. */
  | 'documented-default'
  /** Something the port adds on purpose: what issue 10 item 11 asks the reference app to show. */
  | 'added-by-the-port'
  /** What the original does and Berth's typed API cannot say yet. */
  | 'not-expressible-yet';

/** An accepted difference: every entry must match at least one difference, so the list cannot go stale. */
export interface IgnoredPath {
  /** Object kinds it applies to; all when unset. */
  readonly kinds?: readonly string[];
  /** Object names (after the name mapping) it applies to; all when unset. */
  readonly names?: readonly string[];
  /** Object names it does not apply to. */
  readonly notNames?: readonly string[];
  /** Path glob: `*` is one segment or one `[name]` key, `**` anything, `{a,b}` either, `$name` the object's name. */
  readonly path: string;
  /** `port-only`: the original leaves the field out; `fixture-only`: the port does; `both`: both set, differently. */
  readonly side: 'port-only' | 'fixture-only' | 'both';
  /** The port's value must equal this (deep equality), when set: e.g. a default that must stay the default. */
  readonly portValue?: unknown;
  readonly category: IgnoreCategory;
  /** Why the difference is fine, or what is missing: shown in the test and reviewed with it. */
  readonly reason: string;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export function objectKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

export interface DiffOptions {
  /**
   * The key of an item of an unordered list (a set, such as the peers of a NetworkPolicy rule), or undefined. A list
   * whose items all have one is compared by key, in any order: `from[frontend]`.
   */
  readonly setKey?: (item: unknown) => string | undefined;
}

/** Every difference between the two object sets, objects in the fixture's order, then the port's extra objects. */
export function diffObjectSets(fixture: readonly KubeObject[], port: readonly KubeObject[], options: DiffOptions = {}): Difference[] {
  const byKey = (objects: readonly KubeObject[]) => {
    const map = new Map<string, KubeObject>();
    for (const o of objects) {
      const key = objectKey(o);
      if (map.has(key)) throw new Error(`two objects are ${key}: the name mapping must keep names unique`);
      map.set(key, o);
    }
    return map;
  };
  const left = byKey(fixture);
  const right = byKey(port);
  const out: Difference[] = [];
  for (const [key, a] of left) {
    const b = right.get(key);
    if (b === undefined) out.push({ object: key, path: '', fixture: a, port: undefined });
    else new Differ(key, options, out).values('', a, b);
  }
  for (const [key, b] of right) {
    if (!left.has(key)) out.push({ object: key, path: '', fixture: undefined, port: b });
  }
  return out;
}

/** The differences inside one object. */
class Differ {
  constructor(
    private readonly object: string,
    private readonly options: DiffOptions,
    private readonly out: Difference[],
  ) {}

  values(path: string, a: unknown, b: unknown): void {
    if (a === undefined || b === undefined || typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || a === null || b === null) {
      if (a !== b) this.out.push({ object: this.object, path, fixture: a, port: b });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      this.lists(path, a, b);
      return;
    }
    if (typeof a === 'object') {
      const ao = a as Record<string, unknown>;
      const bo = b as Record<string, unknown>;
      for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) this.values(join(path, k), ao[k], bo[k]);
      return;
    }
    if (a !== b) this.out.push({ object: this.object, path, fixture: a, port: b });
  }

  private lists(path: string, a: readonly unknown[], b: readonly unknown[]): void {
    const setKey = this.options.setKey;
    const keyed = (list: readonly unknown[], key: (x: unknown) => string | undefined) => list.length > 0 && list.every((x) => key(x) !== undefined);
    if (setKey && keyed(a, setKey) && keyed(b, setKey)) {
      this.byKey(path, a, b, (x) => setKey(x)!, false);
      return;
    }
    const name = (x: unknown) => (x !== null && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string' ? (x as { name: string }).name : undefined);
    if (keyed(a, name) && keyed(b, name)) {
      // Same items in another order is a difference too: init containers run in order, env may refer to earlier vars.
      this.byKey(path, a, b, (x) => name(x)!, true);
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) this.values(`${path}[${i}]`, a[i], b[i]);
  }

  private byKey(path: string, a: readonly unknown[], b: readonly unknown[], key: (x: unknown) => string, ordered: boolean): void {
    const bByKey = new Map(b.map((y) => [key(y), y]));
    const aKeys = new Set(a.map(key));
    for (const x of a) this.values(`${path}[${key(x)}]`, x, bByKey.get(key(x)));
    for (const y of b) if (!aKeys.has(key(y))) this.values(`${path}[${key(y)}]`, undefined, y);
    if (!ordered) return;
    const aOrder = a.map(key).filter((k) => bByKey.has(k));
    const bOrder = b.map(key).filter((k) => aKeys.has(k));
    if (aOrder.join('\n') !== bOrder.join('\n')) this.out.push({ object: this.object, path: `${path}(order)`, fixture: aOrder, port: bOrder });
  }
}

function join(path: string, key: string): string {
  if (/[./[\]"]/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** `*` is one segment (a key between dots or one `[...]`), `**` any run of characters, `{a,b}` either. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^.[\\]]*';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
      i = end;
    } else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `entry` accepts `d`. */
export function ignores(entry: IgnoredPath, d: Difference): boolean {
  const [kind, ...rest] = d.object.split('/');
  const name = rest.join('/');
  if (entry.kinds && !entry.kinds.includes(kind!)) return false;
  if (entry.names && !entry.names.includes(name)) return false;
  if (entry.notNames?.includes(name)) return false;
  if (!globToRegExp(entry.path.replaceAll('$name', name)).test(d.path)) return false;
  const side = d.fixture === undefined ? 'port-only' : d.port === undefined ? 'fixture-only' : 'both';
  if (side !== entry.side) return false;
  return entry.portValue === undefined || canonical(entry.portValue) === canonical(d.port);
}

/** JSON with sorted keys: equal values, whatever their key order (and realm: jest runs tests in a vm context). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** The differences no entry accepts, and the entries that accept none (stale, to be removed from the list). */
export function applyIgnores(differences: readonly Difference[], entries: readonly IgnoredPath[]): { unexplained: Difference[]; unused: IgnoredPath[] } {
  const used = new Set<IgnoredPath>();
  const unexplained: Difference[] = [];
  for (const d of differences) {
    const hits = entries.filter((e) => ignores(e, d));
    for (const e of hits) used.add(e);
    if (hits.length === 0) unexplained.push(d);
  }
  return { unexplained, unused: entries.filter((e) => !used.has(e)) };
}

/** One line per difference: `Kind/name path: fixture <value>, port <value>`, or `Kind/name: only in the port`. */
export function formatDifferences(differences: readonly Difference[]): string {
  const show = (v: unknown) => {
    if (v === undefined) return '(absent)';
    const json = JSON.stringify(v);
    return json.length > 160 ? `${json.slice(0, 157)}...` : json;
  };
  return differences
    .map((d) =>
      d.path === ''
        ? `${d.object}: only in the ${d.fixture === undefined ? 'port' : 'fixture'}`
        : `${d.object} ${d.path}: fixture ${show(d.fixture)}, port ${show(d.port)}`,
    )
    .join('\n');
}
