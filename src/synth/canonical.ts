/**
 * Object keys in sorted order at every depth and undefined dropped: the same input gives the same bytes. Parts of
 * `value` that are canonical already (plain objects with sorted keys, arrays of such) are returned as they are, not
 * copied: most of a rendered object is (cdk8s sorts keys, only the generated bindings reorder some), and a synth of
 * 2,500 objects copied every node of every one. The caller owns `value` and gets a result that may share parts with it.
 */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = canonical(value[i]);
      if (out === undefined && v !== value[i]) out = value.slice(0, i);
      out?.push(v);
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (isPlain(record) && keys.every((k, i) => record[k] !== undefined && (i === 0 || keys[i - 1]! < k))) {
      let out: Record<string, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const v = canonical(record[keys[i]!]);
        if (out === undefined && v !== record[keys[i]!]) {
          out = {};
          for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
        }
        if (out) out[keys[i]!] = v;
      }
      return (out ?? value) as T;
    }
    const out: Record<string, unknown> = {};
    for (const key of keys.sort()) {
      const v = record[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out as T;
  }
  return value;
}

/** Anything else (a class instance, a Date, a null-prototype object) is copied into a plain object, as it always was. */
function isPlain(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}
