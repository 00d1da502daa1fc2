/**
 * Size limits the API server and etcd put on one object, checked on the rendered objects so that an oversized one is
 * refused at synth, with its name, instead of failing with HTTP 413 (or an etcd error) halfway through a deploy.
 *
 * - ConfigMap and Secret: the data (keys + values, `data` and `binaryData`, Secret values decoded) at most 1 MiB,
 *   the API's validation limit (https://kubernetes.io/docs/concepts/configuration/configmap/).
 * - Annotations of any object: keys + values at most 256 KiB (the API's validation limit).
 * - Any object: at most 1.5 MiB as JSON, etcd's default request limit (`--max-request-bytes`,
 *   https://etcd.io/docs/v3.6/dev-guide/limit/). The API server itself reads request bodies up to 3 MiB, twice
 *   that, and answers 413 beyond; etcd stores protobuf, usually smaller than JSON, so JSON errs on the safe side.
 */
import type { KubeObject } from './manifest-set.js';
import { formatBytes } from '../util/bytes.js';

export const MAX_DATA_BYTES = 1024 * 1024;
export const MAX_ANNOTATION_BYTES = 256 * 1024;
export const MAX_OBJECT_BYTES = 1536 * 1024;

export interface OversizedObject {
  /** `ConfigMap/shop-orders-config`. */
  readonly ref: string;
  readonly object: KubeObject;
  /** `data of 5 MiB exceeds the 1 MiB limit of a ConfigMap's data`, naming the biggest key. */
  readonly problem: string;
}

/**
 * The objects over one of the limits above, each with the first limit it breaks. `jsonBytesBounds[i]`, when given, is
 * an upper bound of the JSON size of `objects[i]` (synth computes one as it copies the objects): an object under the
 * limit by that bound is not serialised to be measured.
 */
export function oversizedObjects(objects: readonly KubeObject[], jsonBytesBounds?: readonly number[]): OversizedObject[] {
  const found: OversizedObject[] = [];
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i]!;
    const problem = sizeProblem(object, jsonBytesBounds?.[i] ?? Infinity);
    if (problem) found.push({ ref: `${object.kind}/${object.metadata.name}`, object, problem });
  }
  return found;
}

/** Under this bound of its JSON no part of an object can break a limit: its data and annotations are smaller still. */
const SMALLEST_LIMIT = Math.min(MAX_DATA_BYTES, MAX_ANNOTATION_BYTES, MAX_OBJECT_BYTES);

function sizeProblem(o: KubeObject, jsonBytesBound: number): string | undefined {
  // The bound counts every key and string at 6 bytes per UTF-16 unit: more than its UTF-8 (at most 3), and than the
  // bytes its base64 decodes to.
  if (jsonBytesBound <= SMALLEST_LIMIT) return undefined;
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
    const entries = dataEntries(o);
    const total = entries.reduce((sum, e) => sum + e.bytes, 0);
    if (total > MAX_DATA_BYTES) {
      const biggest = entries.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      return `its data is ${formatBytes(total)} (key ${biggest.key}: ${formatBytes(biggest.bytes)}); a ${o.kind} holds at most ${formatBytes(MAX_DATA_BYTES)}`;
    }
  }
  const annotations = Object.entries(o.metadata.annotations ?? {}).reduce((sum, [k, v]) => sum + utf8Length(k) + utf8Length(v), 0);
  if (annotations > MAX_ANNOTATION_BYTES) {
    return `its annotations are ${formatBytes(annotations)}; the API allows at most ${formatBytes(MAX_ANNOTATION_BYTES)}`;
  }
  if (jsonBytesBound <= MAX_OBJECT_BYTES) return undefined;
  const bytes = utf8Length(JSON.stringify(o));
  if (bytes > MAX_OBJECT_BYTES) return `it is ${formatBytes(bytes)} as JSON; etcd stores at most ${formatBytes(MAX_OBJECT_BYTES)} per object`;
  return undefined;
}

/** Key and size of every data entry: decoded bytes for base64 (`binaryData`, a Secret's `data`), UTF-8 otherwise. */
function dataEntries(o: KubeObject): Array<{ key: string; bytes: number }> {
  const entries: Array<{ key: string; bytes: number }> = [];
  const add = (field: unknown, base64: boolean) => {
    for (const [key, value] of Object.entries((field ?? {}) as Record<string, unknown>)) {
      const text = typeof value === 'string' ? value : '';
      entries.push({ key, bytes: utf8Length(key) + (base64 ? Buffer.byteLength(text, 'base64') : utf8Length(text)) });
    }
  };
  add(o.data, o.kind === 'Secret');
  add(o.binaryData, true);
  if (o.kind === 'Secret') add(o.stringData, false);
  return entries;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
