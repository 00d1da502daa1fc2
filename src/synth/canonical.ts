/**
 * Deep copy with object keys in sorted order and undefined dropped: the same input gives the same bytes.
 *
 * For JSON data (plain objects, arrays, primitives: what a rendered object is), parts of `value` that are canonical
 * already (keys in sorted order, no undefined, canonical below) are reused rather than copied: most of a rendered
 * object is (cdk8s sorts keys as it serialises), and copying 2,500 objects once more cost a synth ~20 ms. The result
 * is equal to a full copy, key order included; it shares those parts with `value`, so the caller must own `value`
 * (the render does: cdk8s's serialisation made it).
 */
export function canonical<T>(value: T): T {
  return canon(value) as T;
}

/**
 * canonical(), and on the way an upper bound of the UTF-8 size of `JSON.stringify(value)` (each UTF-16 unit of a
 * string or key at most 6 bytes, as `\u001f`; a number at most 24 characters; quotes, colons, commas and brackets
 * counted), so that the size check needs to serialise only objects that might be too big. Infinity where `value`
 * holds anything but plain data (JSON.stringify would call a `toJSON`).
 */
export function canonicalWithJsonBound<T>(value: T): { value: T; jsonBytesBound: number } {
  bound = 0;
  const out = canon(value) as T;
  return { value: out, jsonBytesBound: bound };
}

/** The bound of the canonicalWithJsonBound call running; canonical() adds to it too, unread. */
let bound = 0;

function canon(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify throws on a bigint: the size check must run it
    bound += typeof value === 'string' ? 2 + 6 * value.length : typeof value === 'bigint' ? Infinity : 24;
    return value;
  }
  if (Array.isArray(value)) {
    // an undefined or a function item is written `null`: its 24 below count for it
    bound += 2 + value.length;
    const n = value.length;
    // Copied only from the first item that changed.
    let out: unknown[] | undefined;
    for (let i = 0; i < n; i++) {
      const v = value[i] as unknown;
      const c = canon(v);
      if (out === undefined && c !== v) out = value.slice(0, i);
      if (out !== undefined) out.push(c);
    }
    return out ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const n = keys.length;
  bound += 2;
  let reusable = Object.getPrototypeOf(object) === Object.prototype;
  if (!reusable || typeof object.toJSON === 'function') bound = Infinity;
  // `<` is the order of Array.prototype.sort() for strings: UTF-16 code units. `__proto__` as an own key is copied
  // the way the copy below does it.
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    bound += 4 + 6 * key.length;
    if (reusable && ((i > 0 && !(keys[i - 1]! < key)) || key === '__proto__')) reusable = false;
  }
  if (reusable) {
    // Copied only from the first entry that changed (or is undefined, which the copy drops).
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const v = object[key];
      const c = v === undefined ? undefined : canon(v);
      if (out === undefined && (c !== v || v === undefined)) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = object[keys[j]!];
      }
      if (out !== undefined && c !== undefined) out[key] = c;
    }
    return out ?? object;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const v = object[key];
    if (v !== undefined) out[key] = canon(v);
  }
  return out;
}
