import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../util/object.js';
import { FIELD_MANAGER } from './kube-api.js';
import type { KubeObject } from './manifest-set.js';

/** A managed-fields set (`fieldsV1`): `f:<field>`, `k:<list key as JSON>`, `v:<set value as JSON>`, `.` for the node itself. */
export interface FieldSet {
  [key: string]: FieldSet;
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: FieldSet;
}

/**
 * The same JSON document, key order aside: what comparing the two as JSON with sorted keys tells, without writing the
 * text (a no-op deploy compares every object with its recorded rendering). Keys whose value is undefined count as
 * absent; any object that is not an array compares by its own keys, as JSON.stringify sees a plain object; other values
 * compare as their JSON text (NaN and null alike, as in JSON).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    let defined = 0;
    for (const k of Object.keys(a)) {
      const v = a[k];
      if (v === undefined) continue;
      defined++;
      if (!Object.hasOwn(b, k) || b[k] === undefined || !sameJson(v, b[k])) return false;
    }
    for (const k of Object.keys(b)) if (b[k] !== undefined) defined--;
    return defined === 0;
  }
  if (b !== null && typeof b === 'object') return false;
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** What managed fields do not track: identity, and what the server keeps itself. */
function tracked(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = obj;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  return Object.keys(meta).length > 0 ? { ...rest, metadata: meta } : rest;
}

/** A `k:` / `v:` key of a list's field set, its JSON read once. */
type ItemKey = { readonly key: string; readonly value: true; readonly wanted: unknown } | { readonly key: string; readonly value: false; readonly wanted: Record<string, unknown> };

function itemKey(key: string): ItemKey | undefined {
  const value = key.startsWith('v:');
  if (!value && !key.startsWith('k:')) return undefined;
  let wanted: unknown;
  try {
    wanted = JSON.parse(key.slice(2));
  } catch {
    return undefined;
  }
  if (value) return { key, value, wanted };
  return isPlainObject(wanted) ? { key, value, wanted } : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && isDeepStrictEqual(a, b));
}

/** Whether list element `e` is the one `k` names. */
function names(k: ItemKey, e: unknown): boolean {
  if (k.value) return sameValue(e, k.wanted);
  if (!isPlainObject(e)) return false;
  // Key fields the server defaulted (a port's protocol) are not in the rendering: those present must match.
  let present = 0;
  for (const f of Object.keys(k.wanted)) {
    if (e[f] === undefined) continue;
    if (!sameValue(e[f], k.wanted[f])) return false;
    present++;
  }
  return present > 0;
}

/** The element of list `items` a `k:` / `v:` key names, if any. */
function elementOf(key: string, items: unknown[]): unknown {
  const k = itemKey(key);
  return k && items.find((e) => names(k, e));
}

/** True for a field set with no entries: what an atomic map, struct or list has. */
function isEmpty(fields: FieldSet): boolean {
  for (const _ in fields) return false;
  return true;
}

/**
 * The path from `value` to the first field of it that `fields` does not own (`[]`: `value` itself), or undefined when
 * it owns them all. Built only on a miss: a no-op deploy walks every object, and finds none.
 */
function uncovered(fields: FieldSet | undefined, value: unknown): string[] | undefined {
  if (fields === undefined) return [];
  // Owned whole: an atomic map, struct or list (a Service's selector, a Deployment's, `args`) lists no fields of its
  // own, not even `.`; a change to any part of it moves the whole to the writer.
  if (isEmpty(fields)) return undefined;
  if (isPlainObject(value)) {
    for (const k in value) {
      const v = value[k];
      if (v === undefined || !Object.hasOwn(value, k)) continue;
      const miss = uncovered(fields[`f:${k}`], v);
      if (miss) return (miss.push(`.${k}`), miss);
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    const keys: ItemKey[] = [];
    for (const k of Object.keys(fields)) {
      const parsed = k === '.' ? undefined : itemKey(k);
      if (parsed) keys.push(parsed);
    }
    for (let i = 0; i < value.length; i++) {
      const e: unknown = value[i];
      const key = keys.find((k) => names(k, e));
      const miss = key === undefined ? [] : isPlainObject(e) ? uncovered(fields[key.key], e) : undefined;
      if (miss) return (miss.push(`[${i}]`), miss);
    }
  }
  return undefined;
}

/** The first field of `obj` Berth's apply does not own in `current` (see ownsAllFields), for a diagnosis. */
export function fieldNotOwned(current: KubeObject, obj: KubeObject): string | undefined {
  const entries = (Array.isArray(current.metadata.managedFields) ? current.metadata.managedFields : []) as ManagedFieldsEntry[];
  const ours = entries.filter((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && !m.subresource);
  if (ours.length !== 1) return `(${ours.length} apply entries of ${FIELD_MANAGER})`;
  const miss = uncovered(ours[0]!.fieldsV1, tracked(obj));
  return miss && (miss.length === 0 ? '.' : miss.reverse().join(''));
}

/**
 * True when Berth's server-side apply still owns every field of `obj` (the object as rendered): nobody changed,
 * took over or removed a field Berth set since (`kubectl edit`, `kubectl scale`, another applier's force), since
 * any such write moves or drops the field's ownership. Unsure (a field the server does not track as sent): false.
 */
export function ownsAllFields(current: KubeObject, obj: KubeObject): boolean {
  return fieldNotOwned(current, obj) === undefined;
}

// ---- for the in-memory API ----------------------------------------------------------------------------------------

/**
 * The field set a server-side apply of `obj` gives its manager, simplified: maps by field, lists of objects that all
 * have a `name` by name (containers, volumes, env), every other list whole.
 */
export function fieldsOf(obj: KubeObject): FieldSet {
  return fieldsOfValue(tracked(obj));
}

function fieldsOfValue(value: unknown): FieldSet {
  if (isPlainObject(value)) {
    const out: FieldSet = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[`f:${k}`] = fieldsOfValue(v);
    return out;
  }
  if (Array.isArray(value) && value.length > 0 && value.every((e) => isPlainObject(e) && typeof e.name === 'string')) {
    const out: FieldSet = {};
    for (const e of value as Record<string, unknown>[]) out[`k:${JSON.stringify({ name: e.name })}`] = { '.': {}, ...fieldsOfValue(e) };
    return out;
  }
  return {};
}

/** What of `fields` a manager still owns after another manager's update from `before` to `after`: the unchanged fields. */
export function retainFields(fields: FieldSet, before: KubeObject, after: KubeObject): FieldSet {
  return retain(fields, tracked(before), tracked(after)) ?? {};
}

function retain(fields: FieldSet, before: unknown, after: unknown): FieldSet | undefined {
  const keys = Object.keys(fields).filter((k) => k !== '.');
  if (keys.length === 0) return isDeepStrictEqual(before, after) ? fields : undefined;
  const child = (k: string, v: unknown) => (k.startsWith('f:') ? (isPlainObject(v) ? v[k.slice(2)] : undefined) : Array.isArray(v) ? elementOf(k, v) : undefined);
  const out: FieldSet = {};
  for (const k of keys) {
    const kept = retain(fields[k]!, child(k, before), child(k, after));
    if (kept) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
