/**
 * cdk8s's serialisation of an object (`ApiObject.toJson`, `ApiObjectMetadataDefinition.toJson`) in one copy instead
 * of two, without its per-value overhead, for apps that use only cdk8s's built-in resolvers.
 *
 * cdk8s serialises every object as `sanitizeValue(resolve([], data, apiObject))`, twice (the metadata, then the whole
 * object): `resolve` copies the tree, and for every value, primitives included, walks up the construct tree to the App
 * (`App.of`) for the resolvers, copies the key path (`[...key, k]`) and allocates a `ResolutionContext`; then
 * `sanitizeValue` copies it again (keys sorted, nulls dropped). At 2,500 objects that was a third of a synth's render
 * and much of its GC (issue 15's profiles).
 *
 * The built-in resolvers (`LazyResolver`, `ImplicitTokenResolver`, `NumberStringUnionResolver`, in that order, which is
 * what `new App()` installs) read only the value, never the key path or the object. With exactly those resolvers,
 * `sanitizedResolve` below makes the three checks they make, in their order, and builds the sanitised copy directly:
 * the same calls of `produce()` and `resolve()` in the same order, the same result, errors included. Any other
 * resolver list (an app's own `resolvers`) takes cdk8s's own functions.
 *
 * Installed by replacing the two `toJson` methods on cdk8s's classes with the same code as cdk8s 2.70.106's
 * (api-object.ts, metadata.ts) apart from that call. test/unit/lib/private/fast-serialize.test.ts serialises every
 * object of every example app with both and compares the JSON, key order included, and edge cases one by one. The
 * version check keeps a cdk8s upgrade from silently running this in place of changed code: a new cdk8s runs its own
 * until the check is updated after reading its api-object.ts, metadata.ts, resolve.ts and _util.ts again.
 */
import { ApiObject, ApiObjectMetadataDefinition, App, Chart, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, resolve, type IResolver } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { sanitizeValue, type SanitizeOptions } from 'cdk8s/lib/_util.js';

/** The cdk8s releases whose code was read for this (2.70.106, 2026-12-02). */
const CHECKED_CDK8S = /^2\.70\./;

const BUILT_IN = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver] as const;
// Read once: in the app bundle a named import of CommonJS cdk8s is a property read through two getters, and the
// walk below tests every value.
const LAZY = Lazy;
const APP = App;
const CHART = Chart;
const API_OBJECT = ApiObject;
const BUILT_IN_METHODS = BUILT_IN.map((r) => r.prototype.resolve);

function builtInOnly(resolvers: readonly IResolver[]): boolean {
  if (resolvers.length !== BUILT_IN.length) return false;
  for (let i = 0; i < BUILT_IN.length; i++) {
    const r = resolvers[i] as IResolver;
    if (Object.getPrototypeOf(r) !== BUILT_IN[i]!.prototype || r.resolve !== BUILT_IN_METHODS[i]) return false;
  }
  return true;
}

/**
 * `sanitizeValue(resolve([], value, apiObject), options)` in one walk for the built-in resolvers: the same calls of
 * `produce()` and `resolve()` in the same order (resolution comes first in each node, entries in order), and for each
 * plain object the sanitised copy directly: keys sorted (`options.sortKeys`, default true), values that sanitise to
 * null dropped, empty arrays and objects dropped when the options say so.
 *
 * Where sanitizing would throw or behave unlike a copy (an object that is not plain data, a `__proto__` key, which
 * cdk8s's resolve assigns as the prototype), the node is kept as cdk8s's resolve leaves it and the whole result goes
 * through cdk8s's own `sanitizeValue` at the end: sanitizing an already sanitised part changes nothing, so the result
 * and any error are those of cdk8s.
 */
function sanitizedResolve(value: unknown, apiObject: ApiObject, options: SanitizeOptions, done?: unknown): unknown {
  if (!builtInOnly(APP.of(apiObject).resolvers)) return sanitizeValue(resolve([], value, apiObject), options);
  const sortKeys = options.sortKeys ?? true;
  const plain = primitivesArePlain();
  let raw = false;
  const walk = (v: unknown): unknown => {
    if (v == null) return undefined;
    // `done` (the object's metadata, as metadataToJson made it) is sanitised plain data made for this call alone:
    // resolving and sanitising it again would copy it unchanged (its keys are sorted, it holds no null and nothing
    // to resolve; without sortKeys too, since a copy keeps the order it has).
    if (v === done) return v;
    const type = typeof v;
    // A string, number or boolean is itself to the three resolvers (see primitivesArePlain) and to sanitizeValue.
    if (plain && type !== 'object' && type !== 'function') return v;
    const o = v as { resolve?: unknown; value?: unknown; constructor?: unknown };
    if (v instanceof LAZY) return walk(v.produce());
    if (typeof o.resolve === 'function') return walk((o.resolve as () => unknown).call(v));
    if (o.constructor !== Object && (typeof o.value === 'number' || typeof o.value === 'string')) return walk({ value: o.value });
    if (type !== 'object') return v;
    if (Array.isArray(v)) {
      if (options.filterEmptyArrays && v.length === 0) return undefined;
      return v.map((x) => walk(x));
    }
    // eslint-disable-next-line eqeqeq
    if (o.constructor == Object) {
      const object = v as Record<string, unknown>;
      const keys = Object.keys(object);
      const n = keys.length;
      // Every value read before any is resolved, as Object.entries() does in cdk8s's resolve.
      const values = new Array<unknown>(n);
      // `>` on strings is the order of Array.prototype.sort(): UTF-16 code units.
      let inOrder = true;
      let protoKey = false;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        values[i] = object[key];
        if (key === '__proto__') protoKey = true;
        if (i > 0 && sortKeys && keys[i - 1]! > key) inOrder = false;
      }
      if (protoKey) {
        raw = true;
        const result: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) result[keys[i]!] = keys[i] === '__proto__' ? resolve([], values[i], apiObject) : walk(values[i]);
        return result;
      }
      // Resolved in entries order (a Lazy's produce() runs where cdk8s runs it), then copied in sorted key order.
      for (let i = 0; i < n; i++) values[i] = walk(values[i]);
      const out: Record<string, unknown> = {};
      let count = 0;
      // Only when the keys are not in sorted order already: the positions in that order.
      const order = inOrder ? undefined : sortedPositions(keys);
      for (let j = 0; j < n; j++) {
        const i = order ? order[j]! : j;
        const x = values[i];
        if (x != null) {
          out[keys[i]!] = x;
          count++;
        }
      }
      if (options.filterEmptyObjects && count === 0) return undefined;
      return out;
    }
    // Not plain data: cdk8s's sanitizeValue decides (it throws "can't render non-simple object" for most).
    raw = true;
    return v;
  };
  const result = walk(value);
  return raw ? sanitizeValue(result, options) : result;
}

/**
 * The positions of `keys` (distinct strings) in sorted order (UTF-16 code units, as Array.prototype.sort()): an
 * insertion sort of the positions for the few keys a Kubernetes object has at one level, with no copy of the keys and
 * no lookup of each key's position afterwards; the builtin sort for many.
 */
function sortedPositions(keys: readonly string[]): number[] {
  const n = keys.length;
  const order = new Array<number>(n);
  if (n > 16) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  }
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    let j = i;
    while (j > 0 && keys[order[j - 1]!]! > key) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  return order;
}

const PRIMITIVE_PROTOTYPES: readonly object[] = [String.prototype, Number.prototype, Boolean.prototype, Symbol.prototype, BigInt.prototype];
const ORDINARY_HAS_INSTANCE = Function.prototype[Symbol.hasInstance];

/**
 * Whether the built-in resolvers leave every string, number, boolean, symbol and bigint as it is: they would not if
 * someone gave those types (or all objects) a `resolve` or `value` property, or Lazy a `Symbol.hasInstance`. Nobody
 * does; it is checked on each call all the same (a few lookups), so the shortcut is exact.
 */
function primitivesArePlain(): boolean {
  if (LAZY[Symbol.hasInstance] !== ORDINARY_HAS_INSTANCE) return false;
  for (const proto of PRIMITIVE_PROTOTYPES) if ('resolve' in proto || 'value' in proto) return false;
  return true;
}

/** ApiObject.toJson of cdk8s 2.70.106 (api-object.ts), with sanitizedResolve for sanitizeValue(resolve(...)). */
function apiObjectToJson(this: ApiObject): unknown {
  const self = this as unknown as { props: Record<string, unknown>; patches: JsonPatch[] };
  try {
    const metadata = this.metadata.toJson();
    const data = {
      ...self.props,
      metadata,
    };
    const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
    // The metadata only when metadataToJson made it (an app may replace `metadata` with its own object).
    const own = metadataMade.has(metadata as object) ? metadata : undefined;
    const json = sanitizedResolve(data, this, { sortKeys }, own) as Record<string, unknown>;
    const patched = self.patches.length === 0 ? json : (JsonPatch.apply(json, ...self.patches) as Record<string, unknown>);
    const result: Record<string, unknown> = {};
    const orderedKeys = ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)];
    for (const k of orderedKeys) {
      if (k in patched) result[k] = patched[k];
    }
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/** ApiObjectMetadataDefinition.toJson of cdk8s 2.70.106 (metadata.ts), with sanitizedResolve. */
function metadataToJson(this: ApiObjectMetadataDefinition): unknown {
  const self = this as unknown as Record<string, unknown> & { apiObject: ApiObject; _additionalAttributes: Record<string, unknown> };
  const flat = flatMetadata(self);
  if (flat !== NOT_FLAT) {
    if (flat !== undefined) metadataMade.add(flat);
    return flat;
  }
  const json = sanitizedResolve(
    {
      ...self._additionalAttributes,
      name: self.name,
      namespace: self.namespace,
      annotations: self.annotations,
      finalizers: self.finalizers,
      ownerReferences: self.ownerReferences,
      labels: self.labels,
    },
    self.apiObject,
    { filterEmptyArrays: true, filterEmptyObjects: true },
  );
  if (typeof json === 'object' && json !== null) metadataMade.add(json);
  return json;
}

const STANDARD_METADATA: ReadonlySet<string> = new Set(['name', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences']);
const NOT_FLAT = Symbol('not flat');

/**
 * metadataToJson's result for the metadata nearly every object has, built directly: no attribute but the six the
 * definition has fields for (each of those overrides the spread attribute), a name and a namespace that are strings
 * (or absent), labels and annotations that are plain objects of strings, no finalizers and no owner references. Then
 * nothing resolves (`primitivesArePlain`), and sanitising keeps the strings, drops the absent and the empty, and
 * sorts keys: which is what this does, in one copy of the labels and the annotations. NOT_FLAT for anything else.
 */
function flatMetadata(self: Record<string, unknown> & { apiObject: ApiObject; _additionalAttributes: Record<string, unknown> }): Record<string, unknown> | undefined | typeof NOT_FLAT {
  const attrs = self._additionalAttributes;
  const attrKeys = Object.keys(attrs);
  for (let i = 0; i < attrKeys.length; i++) if (!STANDARD_METADATA.has(attrKeys[i]!)) return NOT_FLAT;
  const { name, namespace, labels, annotations, finalizers, ownerReferences } = self;
  if (!(name == null || typeof name === 'string') || !(namespace == null || typeof namespace === 'string')) return NOT_FLAT;
  if (!Array.isArray(finalizers) || finalizers.length > 0 || !Array.isArray(ownerReferences) || ownerReferences.length > 0) return NOT_FLAT;
  if (!primitivesArePlain() || !builtInOnly(APP.of(self.apiObject).resolvers)) return NOT_FLAT;
  const annotationsJson = sortedStrings(annotations);
  if (annotationsJson === NOT_FLAT) return NOT_FLAT;
  const labelsJson = sortedStrings(labels);
  if (labelsJson === NOT_FLAT) return NOT_FLAT;
  // The spread in cdk8s's toJson reads every attribute (a getter runs); the values are overridden below.
  for (let i = 0; i < attrKeys.length; i++) void attrs[attrKeys[i]!];
  if (annotationsJson === undefined && labelsJson === undefined && name == null && namespace == null) return undefined;
  const out: Record<string, unknown> = {};
  if (annotationsJson !== undefined) out.annotations = annotationsJson;
  if (labelsJson !== undefined) out.labels = labelsJson;
  if (name != null) out.name = name;
  if (namespace != null) out.namespace = namespace;
  return out;
}

/** A plain object of strings with its keys sorted; undefined when it has none; NOT_FLAT when it is anything else. */
function sortedStrings(value: unknown): Record<string, string> | undefined | typeof NOT_FLAT {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return NOT_FLAT;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const n = keys.length;
  if (n === 0) return undefined;
  const values = new Array<string>(n);
  let inOrder = true;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const v = object[key];
    // `__proto__` would be assigned as the copy's prototype, and an own `constructor` makes cdk8s refuse the object.
    if (typeof v !== 'string' || key === '__proto__' || key === 'constructor') return NOT_FLAT;
    values[i] = v;
    if (i > 0 && keys[i - 1]! > key) inOrder = false;
  }
  const order = inOrder ? undefined : sortedPositions(keys);
  const out: Record<string, string> = {};
  for (let j = 0; j < n; j++) {
    const i = order ? order[j]! : j;
    out[keys[i]!] = values[i]!;
  }
  return out;
}

/** The objects metadataToJson returned: fresh, sanitised, plain; apiObjectToJson takes them as they are. */
const metadataMade = new WeakSet<object>();

let cdk8sToJson: { apiObject: () => unknown; metadata: () => unknown } | undefined;

/** cdk8s's version, as its jsii type information records it on every class. */
function cdk8sVersion(): string {
  return (LazyResolver as unknown as Record<symbol, { version?: string } | undefined>)[Symbol.for('jsii.rtti')]?.version ?? '';
}

/** Replaces cdk8s's two toJson methods (once per cdk8s instance); false when this cdk8s is not one checked. */
export function installFastSerialize(): boolean {
  if (cdk8sToJson) return true;
  if (!CHECKED_CDK8S.test(cdk8sVersion())) return false;
  cdk8sToJson = { apiObject: ApiObject.prototype.toJson, metadata: ApiObjectMetadataDefinition.prototype.toJson };
  ApiObject.prototype.toJson = apiObjectToJson;
  ApiObjectMetadataDefinition.prototype.toJson = metadataToJson;
  return true;
}

/** For the equivalence test: runs `fn` with cdk8s's own toJson methods, then puts the fast ones back. */
export function withCdk8sSerialize<T>(fn: () => T): T {
  if (!cdk8sToJson) return fn();
  ApiObject.prototype.toJson = cdk8sToJson.apiObject;
  ApiObjectMetadataDefinition.prototype.toJson = cdk8sToJson.metadata;
  try {
    return fn();
  } finally {
    ApiObject.prototype.toJson = apiObjectToJson;
    ApiObjectMetadataDefinition.prototype.toJson = metadataToJson;
  }
}

/**
 * `chart.toJson()` (cdk8s's `App._synthChart`) for the usual app: one chart, and no construct with a dependency
 * (`node.addDependency`). cdk8s then infers no dependencies (`resolveDependencies` adds them only between nested
 * charts or from existing ones), so its dependency graph of every construct (two more walks of the tree, the path of
 * each construct, a vertex each) orders the chart's objects in plain tree order, which is what this returns, each
 * object's `toJson()` in that order. cdk8s's `validate(app)` (every construct's validations, its message on failure)
 * runs as cdk8s runs it unless `validated` is the number of constructs the caller has just validated itself (the
 * synth driver does, with its own messages): then they would run a second time for nothing. Returns undefined when
 * the app is not of that shape or cdk8s is not one this was checked against: the caller takes cdk8s's own path.
 */
export function synthSimpleChart(chart: Chart, validated?: number): unknown[] | undefined {
  if (!cdk8sToJson) return undefined;
  let root: IConstruct = chart;
  while (root.node.scope) root = root.node.scope;
  const all = root.node.findAll();
  for (const c of all) {
    if (c !== chart && CHART.isChart(c)) return undefined;
    if (c.node.dependencies.length > 0) return undefined;
  }
  if (validated !== all.length) {
    const errors: string[] = [];
    for (const c of all) for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
  // In tree order (preorder), as the chart's dependency graph orders them when no construct depends on another. An
  // object has a chart above it (cdk8s refuses one without), and `chart` is the only one: every object is its own.
  const objects: unknown[] = [];
  for (const c of all) if (API_OBJECT.isApiObject(c)) objects.push(c.toJson());
  return objects;
}
