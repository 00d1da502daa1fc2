import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { constructError } from './private/errors.js';

/**
 * Sets one field of an object exactly as it is rendered, after everything Berth (or cdk8s-plus) put there and after
 * the object's own `addJsonPatch` patches: the escape hatch for a field no prop covers. Missing objects on the way
 * are created; `undefined` removes the field.
 *
 * ```ts
 * const web = new StatelessApp(this, 'web', { ... });
 * override(web.deployment, 'spec.template.spec.dnsPolicy', 'None');
 * override(web.deployment, 'spec.template.spec.containers[0].stdin', true);
 * override(web.service!, 'metadata.annotations["prometheus.io/scrape"]', 'true');
 * override(web.deployment, '/spec/progressDeadlineSeconds', 120);   // a JSON pointer (RFC 6901) works too
 * ```
 *
 * `path` is dot-separated keys with `[n]` for a list index (`[-]` appends) and `["key"]` for a key holding dots or
 * slashes, or a JSON pointer starting with `/`. `target` is an ApiObject (`web.deployment`, a `berth/k8s` binding) or a
 * construct holding one as its default child (a cdk8s-plus construct). For whole-object edits use cdk8s's own
 * `apiObject.addJsonPatch(JsonPatch.replace(...))`.
 * @see https://cdk8s.io/docs/latest/basics/escape-hatches/
 */
export function override(target: IConstruct, path: string, value: unknown): void {
  const obj = ApiObject.isApiObject(target) ? target : ApiObject.of(target);
  const segments = parsePath(obj, path);
  const render = obj.toJson.bind(obj);
  // Wrapping this object's own rendering keeps the override after its JSON patches and lazy values, whatever order
  // the calls were made in; later overrides of the same object wrap earlier ones and so win.
  Object.defineProperty(obj, 'toJson', {
    configurable: true,
    value: () => {
      const json = render();
      setPath(json, segments, value, (problem) => constructError(obj, `override '${path}' ${problem}`));
      return json;
    },
  });
}

type Segment = string | number | '-';

/** The keys of `path`, checked when `override` is called so that a typo points at that line. */
function parsePath(obj: ApiObject, path: string): Segment[] {
  const fail = (problem: string) => constructError(obj, `override path '${path}' ${problem}`);
  if (path.startsWith('/')) {
    return path
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
  }
  const segments: Segment[] = [];
  const token = /\.?([^.[\]]+)|\[(\d+|-)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let at = 0;
  while (at < path.length) {
    token.lastIndex = at;
    const m = token.exec(path);
    if (!m || (m[1] !== undefined && at === 0 && path[0] === '.')) {
      throw fail(`is not valid at character ${at + 1}: use keys separated by '.', [n] for a list index and ["key"] for a key with dots, or a JSON pointer ('/spec/replicas')`);
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(m[2] === '-' ? '-' : Number(m[2]));
    else segments.push(JSON.parse(`"${m[3]}"`) as string);
    at = token.lastIndex;
  }
  if (segments.length === 0) throw fail("is empty: name the field to set, e.g. 'spec.replicas'");
  return segments;
}

/** A segment as a key of `node`: list indexes are numbers (`containers.0` works as well as `containers[0]`). */
function keyIn(node: unknown, segment: Segment): string | number {
  if (!Array.isArray(node)) return String(segment);
  if (segment === '-') return node.length;
  return typeof segment === 'number' ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : NaN;
}

function setPath(root: unknown, segments: readonly Segment[], value: unknown, fail: (problem: string) => Error): void {
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i <= segments.length - 1; i++) {
    const key = keyIn(node, segments[i]!);
    const last = i === segments.length - 1;
    if (Array.isArray(node) && (typeof key !== 'number' || Number.isNaN(key) || key > node.length)) {
      throw fail(`cannot use ${JSON.stringify(segments[i])} as an index of ${segments.slice(0, i).join('.') || 'the object'}, a list of ${node.length}`);
    }
    if (last) {
      if (value === undefined) {
        if (Array.isArray(node)) node.splice(key as number, 1);
        else delete node[key];
      } else node[key] = value;
      return;
    }
    let next = node[key];
    if (next === undefined) {
      // Removing a field under something that is not there is already done.
      if (value === undefined) return;
      const following = segments[i + 1]!;
      next = typeof following === 'number' || following === '-' ? [] : {};
      node[key] = next;
    }
    if (next === null || typeof next !== 'object') {
      throw fail(`cannot go into ${segments.slice(0, i + 1).join('.')}: it is ${JSON.stringify(next)}, not an object or a list`);
    }
    node = next as Record<string | number, unknown>;
  }
}
