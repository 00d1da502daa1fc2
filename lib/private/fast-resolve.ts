/**
 * cdk8s's `resolve()` without its per-value overhead, for apps that use only cdk8s's built-in resolvers.
 *
 * cdk8s serialises every object by calling `resolve([], data, apiObject)` twice (the metadata, then the whole object),
 * and its `resolve` recurses into every value, primitives included: for each one it walks up the construct tree to
 * the App (`App.of`) for the resolvers, copies the key path (`[...key, k]`) and allocates a `ResolutionContext`. At
 * 2,500 objects that is a third of the render (issue 15's profiles: ~60–100 ms and much of the GC).
 *
 * The built-in resolvers (`LazyResolver`, `ImplicitTokenResolver`, `NumberStringUnionResolver`, in that order, which is
 * what `new App()` installs) read only the value, never the key path or the object. So with exactly those resolvers,
 * resolving a value needs only the three checks they make, in their order, and the same recursion: that is
 * `resolveBuiltIn` below, which gives the same result for every input, errors included (the same calls in the same
 * order: `produce()` and `resolve()` of tokens, entries read before recursing). Any other resolver list (an app's own
 * `resolvers`) takes cdk8s's own function unchanged.
 *
 * It is installed by replacing `resolve` on the exports of cdk8s's `resolve` module, which is where cdk8s's own
 * callers (`ApiObject.toJson`, `ApiObjectMetadataDefinition.toJson`) look it up on every call. The test
 * test/unit/lib/fast-resolve.test.ts renders every example app and template with and without it and compares every
 * object's JSON, key order included. The version check below keeps a cdk8s upgrade from silently changing what is
 * replaced: a new cdk8s runs its own code until the check is updated after reading its resolve.ts again.
 */
import { App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver, type ApiObject, type IResolver } from 'cdk8s';
// The module's exports object itself (a default import of CommonJS from an ES module), whose `resolve` cdk8s's
// callers read on every call; a namespace import would be a read-only copy.
import resolveModule from 'cdk8s/lib/resolve.js';

/** The cdk8s releases whose resolve.ts was read for this (2.70.106, 2026-12-02). */
const CHECKED_CDK8S = /^2\.70\./;

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;

const BUILT_IN = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver] as const;
const BUILT_IN_METHODS = BUILT_IN.map((r) => r.prototype.resolve);

function builtInOnly(resolvers: readonly IResolver[]): boolean {
  if (resolvers.length !== BUILT_IN.length) return false;
  for (let i = 0; i < BUILT_IN.length; i++) {
    const r = resolvers[i] as IResolver;
    if (Object.getPrototypeOf(r) !== BUILT_IN[i]!.prototype || r.resolve !== BUILT_IN_METHODS[i]) return false;
  }
  return true;
}

/** cdk8s's `resolve` with the three built-in resolvers inlined, in their order. */
function resolveBuiltIn(value: unknown): unknown {
  if (value == null) return value;
  const v = value as { resolve?: unknown; value?: unknown; constructor?: unknown };
  // LazyResolver
  if (value instanceof Lazy) return resolveBuiltIn(value.produce());
  // ImplicitTokenResolver
  if (typeof v.resolve === 'function') return resolveBuiltIn((v.resolve as () => unknown).call(value));
  // NumberStringUnionResolver: union classes only, not plain dictionaries
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return resolveBuiltIn({ value: v.value });
  if (Array.isArray(value)) return value.map((x) => resolveBuiltIn(x));
  // `==`, as cdk8s writes it
  // eslint-disable-next-line eqeqeq
  if (v.constructor == Object) {
    const result: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(value)) result[k] = resolveBuiltIn(child);
    return result;
  }
  return value;
}

let installed: Resolve | undefined;

/** cdk8s's version, as its jsii type information records it on every class. */
function cdk8sVersion(): string {
  return (LazyResolver as unknown as Record<symbol, { version?: string } | undefined>)[Symbol.for('jsii.rtti')]?.version ?? '';
}

/** Replaces cdk8s's resolve (once per cdk8s instance); returns cdk8s's own function, or undefined when not replaced. */
export function installFastResolve(): Resolve | undefined {
  if (installed) return installed;
  if (!CHECKED_CDK8S.test(cdk8sVersion())) return undefined;
  const exportsObject = resolveModule as unknown as { resolve: Resolve };
  const original = exportsObject.resolve;
  const fast: Resolve = (key, value, apiObject) => {
    const resolvers = App.of(apiObject).resolvers;
    return builtInOnly(resolvers) ? resolveBuiltIn(value) : original(key, value, apiObject);
  };
  try {
    exportsObject.resolve = fast;
  } catch {
    // an ES-module namespace (read-only): cdk8s's own function stays
    return undefined;
  }
  if (exportsObject.resolve !== fast) return undefined;
  installed = original;
  return original;
}

/** For the equivalence test: runs `fn` with cdk8s's own resolve, then puts the fast one back. */
export function withCdk8sResolve<T>(fn: () => T): T {
  const exportsObject = resolveModule as unknown as { resolve: Resolve };
  if (!installed) return fn();
  const fast = exportsObject.resolve;
  exportsObject.resolve = installed;
  try {
    return fn();
  } finally {
    exportsObject.resolve = fast;
  }
}
