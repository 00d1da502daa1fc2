import { isDeepStrictEqual } from 'node:util';
import type { Revision } from '../release/types.js';
import { objectKey, objectRef, sortObjects, type KubeObject } from '../synth/manifest-set.js';
import { objectDiff } from './object-diff.js';

export interface ValueChange {
  /** `api.replicas`, `db.users[0].name`. */
  readonly path: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

export interface ObjectChange {
  readonly action: 'create' | 'update' | 'delete';
  readonly ref: string;
  readonly diff: string;
}

export interface RevisionDiff {
  readonly release: string;
  readonly namespace: string;
  readonly from: number;
  readonly to: number;
  readonly values: readonly ValueChange[];
  readonly objects: readonly ObjectChange[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf-level changes between two config values, by path; arrays compare per index. */
export function diffValues(a: unknown, b: unknown, path = ''): ValueChange[] {
  if (isDeepStrictEqual(a, b)) return [];
  const join = (k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], join(k)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => diffValues(a[i], b[i], join(i))).flat();
  }
  return [{ path: path || '(root)', old: a, new: b }];
}

/** What changed from revision `a` to revision `b`: config values, then objects (Secret values redacted). */
export function diffRevisions(a: Revision, b: Revision, options: { showSecrets?: boolean } = {}): RevisionDiff {
  const before = new Map(a.manifests.map((o) => [objectKey(o), o]));
  const after = new Map(b.manifests.map((o) => [objectKey(o), o]));
  const objects: ObjectChange[] = [];
  for (const o of sortObjects(b.manifests)) {
    const old = before.get(objectKey(o));
    if (!old) objects.push({ action: 'create', ref: objectRef(o), diff: objectDiff(undefined, o, options) });
    else if (!isDeepStrictEqual(old, o)) objects.push({ action: 'update', ref: objectRef(o), diff: objectDiff(old, o, options) });
  }
  const gone: KubeObject[] = a.manifests.filter((o) => !after.has(objectKey(o)));
  for (const o of sortObjects(gone).reverse()) objects.push({ action: 'delete', ref: objectRef(o), diff: objectDiff(o, undefined, options) });
  return { release: b.release, namespace: b.namespace, from: a.revision, to: b.revision, values: diffValues(a.values, b.values), objects };
}

const SECRET_HASH = /^sha256:[0-9a-f]{64}$/;

function show(v: unknown): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

export function renderRevisionDiff(d: RevisionDiff): string {
  const out = [`Release ${d.namespace}/${d.release}: revision ${d.from} → ${d.to}`, '', 'Config:'];
  if (d.values.length === 0) out.push('  (no changes)');
  for (const v of d.values) {
    // Secret-marked values are stored as hashes: say that it changed, a hash tells a reader nothing more.
    const secret = [v.old, v.new].some((x) => typeof x === 'string' && SECRET_HASH.test(x));
    out.push(secret ? `  ${v.path}: (secret) ${v.old === undefined ? 'set' : v.new === undefined ? 'unset' : 'changed'}` : `  ${v.path}: ${show(v.old)} → ${show(v.new)}`);
  }
  out.push('', 'Objects:');
  if (d.objects.length === 0) out.push('  (no changes)');
  const sign = { create: '+', update: '~', delete: '-' } as const;
  for (const o of d.objects) {
    out.push(`${sign[o.action]} ${o.action} ${o.ref}`);
    if (o.action === 'update') for (const l of o.diff.split('\n')) if (l) out.push(`    ${l}`);
  }
  return `${out.join('\n')}\n`;
}
