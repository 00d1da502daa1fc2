import { isDeepStrictEqual } from 'node:util';
import { hmacSha256 } from '../util/hash.js';
import { isPlainObject } from '../util/object.js';
import { FIELD_MANAGER } from './kube-api.js';
import type { KubeObject } from './manifest-set.js';

/**
 * Keyed digest of the object as Berth last applied it, stamped at apply time (never in synth output). With the
 * field ownership the server records, it tells a plan that a live object is still what this rendering applies,
 * without a server-side dry run (see `unchangedSinceApply`).
 */
export const ANNOTATION_APPLIED_HASH = 'berth.dev/applied-hash';

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

/** Stable JSON: keys sorted, so equal objects hash alike whatever order synth wrote their keys in. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** HMAC-SHA256 under the release key (Secrets are in it: a plain hash of a short value could be guessed). */
export function appliedHash(obj: KubeObject, key: Buffer): string {
  const annotations = { ...obj.metadata.annotations };
  delete annotations[ANNOTATION_APPLIED_HASH];
  return `hmac-sha256:${hmacSha256(key, stableJson({ ...obj, metadata: { ...obj.metadata, annotations } }))}`;
}

/** The object as Berth applies it: as rendered, plus its applied hash. */
export function withAppliedHash(obj: KubeObject, key: Buffer): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [ANNOTATION_APPLIED_HASH]: appliedHash(obj, key) } } };
}

/** What managed fields do not track: identity, and what the server keeps itself. */
function tracked(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = obj;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  return Object.keys(meta).length > 0 ? { ...rest, metadata: meta } : rest;
}

/** The element of list `items` a `k:` / `v:` key names, if any. */
function elementOf(key: string, items: unknown[]): unknown {
  let wanted: unknown;
  try {
    wanted = JSON.parse(key.slice(2));
  } catch {
    return undefined;
  }
  if (key.startsWith('v:')) return items.find((e) => isDeepStrictEqual(e, wanted));
  if (!key.startsWith('k:') || !isPlainObject(wanted)) return undefined;
  // Key fields the server defaulted (a port's protocol) are not in the rendering: those present must match.
  return items.find((e) => {
    if (!isPlainObject(e)) return false;
    const present = Object.keys(wanted).filter((k) => e[k] !== undefined);
    return present.length > 0 && present.every((k) => isDeepStrictEqual(e[k], (wanted as Record<string, unknown>)[k]));
  });
}

function covers(fields: FieldSet | undefined, value: unknown): boolean {
  if (fields === undefined) return false;
  if (isPlainObject(value)) return Object.entries(value).every(([k, v]) => v === undefined || covers(fields[`f:${k}`], v));
  if (Array.isArray(value)) {
    const keys = Object.keys(fields).filter((k) => k !== '.');
    // A list owned whole (an atomic list: `args`, `command`) has no children.
    if (keys.length === 0) return true;
    return value.every((e) => {
      const key = keys.find((k) => elementOf(k, [e]) !== undefined);
      return key !== undefined && (!isPlainObject(e) || covers(fields[key], e));
    });
  }
  return true;
}

/**
 * True when Berth's server-side apply still owns every field of `obj` (the object as rendered): nobody changed,
 * took over or removed a field Berth set since (`kubectl edit`, `kubectl scale`, another applier's force), since
 * any such write moves or drops the field's ownership. Unsure (a field the server does not track as sent): false.
 */
export function ownsAllFields(current: KubeObject, obj: KubeObject): boolean {
  const entries = (Array.isArray(current.metadata.managedFields) ? current.metadata.managedFields : []) as ManagedFieldsEntry[];
  const ours = entries.filter((m) => m.manager === FIELD_MANAGER && m.operation === 'Apply' && !m.subresource);
  return ours.length === 1 && covers(ours[0]!.fieldsV1, tracked(obj));
}

/**
 * A live object that is exactly what applying `stamped` (the rendering with its applied hash) would leave, so a plan
 * needs no dry run for it: it carries the same applied hash (Berth last applied this very rendering) and Berth still
 * owns every field of it. A changed rendering, a drifted field or an object applied before the hash was stamped:
 * false (the plan then dry-runs it, as it always did).
 */
export function unchangedSinceApply(current: KubeObject, stamped: KubeObject): boolean {
  const hash = stamped.metadata.annotations?.[ANNOTATION_APPLIED_HASH];
  return hash !== undefined && current.metadata.annotations?.[ANNOTATION_APPLIED_HASH] === hash && ownsAllFields(current, stamped);
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
