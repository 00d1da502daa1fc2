/**
 * Values files and `--set` flags: read, merged in order, with the origin (file:line or flag) of every value kept
 * so that validation errors can point at the line to fix.
 *
 * Merge rules (the same as Helm's, so nobody has to relearn them): objects merge key by key, arrays and scalars
 * are replaced, and `null` removes the key (`--set cache=null` drops a cache the env module configured).
 */
import { readFileSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { relative, resolve } from 'node:path';
import {
  LineCounter,
  parse as parseYaml,
  parseDocument,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { UserError } from '../errors.js';
import { isPlainObject } from '../util/object.js';
import { formatBytes } from '../util/bytes.js';
import { formatPath } from './json-schema.js';
import { fastParseValues, resolvePlain } from './fast-values.js';

export type Values = Record<string, unknown>;

/** Display path (`database.replicas`, `hosts[0]`) → where its value was set (`prod.yaml:4:13`, `--set database.replicas=3`). */
export type ValueOrigins = Map<string, string>;

/**
 * Origins worked out on first use: only an error message (or a deploy's "was this secret given?") reads them, so
 * valid values never pay for the line numbers (a full YAML parse with positions, ~100 ms for a 120 kB file).
 * Layers added with `later` and entries `set` meanwhile are applied in the order they were given.
 */
export class LazyOrigins extends Map<string, string> {
  #pending: Array<() => Iterable<readonly [string, string]>> | undefined;

  /** Adds the entries `layer` will give, after those given so far. */
  later(layer: () => Iterable<readonly [string, string]>): this {
    (this.#pending ??= []).push(layer);
    return this;
  }

  #settle(): void {
    const pending = this.#pending;
    while (pending !== undefined && pending.length > 0) {
      const layer = pending.shift()!;
      for (const [key, value] of layer()) super.set(key, value);
    }
  }

  override set(key: string, value: string): this {
    if (this.#pending?.length) return this.later(() => [[key, value]]);
    return super.set(key, value);
  }
  override get(key: string): string | undefined {
    this.#settle();
    return super.get(key);
  }
  override has(key: string): boolean {
    this.#settle();
    return super.has(key);
  }
  override delete(key: string): boolean {
    this.#settle();
    return super.delete(key);
  }
  override clear(): void {
    this.#pending = undefined;
    super.clear();
  }
  override get size(): number {
    this.#settle();
    return super.size;
  }
  override keys(): MapIterator<string> {
    this.#settle();
    return super.keys();
  }
  override values(): MapIterator<string> {
    this.#settle();
    return super.values();
  }
  override entries(): MapIterator<[string, string]> {
    this.#settle();
    return super.entries();
  }
  override forEach(callback: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    this.#settle();
    super.forEach(callback, thisArg);
  }
  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

export interface LoadValuesOptions {
  /** YAML or JSON files, merged in order (later wins). */
  readonly files?: readonly string[];
  /** `path=value` assignments, the value parsed as a YAML scalar (`3` is a number, `true` a boolean). */
  readonly set?: readonly string[];
  /** `path=value` assignments whose value is always a string. Applied after `set`. */
  readonly setString?: readonly string[];
  /** Base for relative file paths and for file names in messages (default: the working directory). */
  readonly cwd?: string;
}

export interface LoadedValues {
  readonly values: Values;
  readonly origins: ValueOrigins;
}

/** The merged values of `files` then `set` then `setString`. */
export function loadValues(options: LoadValuesOptions): Values {
  return loadValuesWithOrigins(options).values;
}

export function loadValuesWithOrigins(options: LoadValuesOptions): LoadedValues {
  const cwd = options.cwd ?? process.cwd();
  let values: Values = {};
  const origins = new LazyOrigins();
  for (const file of options.files ?? []) {
    const loaded = readValuesFile(resolve(cwd, file), displayName(cwd, file));
    // The file's values were just read and are held nowhere else.
    values = mergeValues(values, loaded.values, { keepNulls: true, adopt: true });
    origins.later(() => loaded.origins);
  }
  for (const [flag, list, asString] of [
    ['--set', options.set ?? [], false],
    ['--set-string', options.setString ?? [], true],
  ] as const) {
    for (const expression of list) {
      const { path, value } = parseSetExpression(expression, flag, asString);
      values = setPath(values, path, value, `${flag} ${expression}`);
      origins.set(formatPath(path), `${flag} ${expression}`);
    }
  }
  return { values, origins };
}

/**
 * Largest values file read: config, not data. A ConfigMap or Secret holds at most 1 MiB, so a bigger file is almost
 * certainly the wrong file (a data dump, a binary), and reading it whole would only cost memory.
 */
export const MAX_VALUES_FILE_BYTES = 1024 * 1024;

/**
 * Reads one values file. `display` is the name used in messages. The common shapes (block YAML of one-line
 * scalars, JSON) are read by `fastParseValues`, which gives the same values as the full parse; their origins come
 * from the full parse, when first asked for.
 */
export function readValuesFile(path: string, display = path): LoadedValues {
  const text = readValuesText(path, display);
  const fast = fastParseValues(text);
  if (fast !== undefined) return { values: fast, origins: new LazyOrigins().later(() => parseValuesText(text, display).origins) };
  return parseValuesText(text, display);
}

/** The values of a values file's text by the full YAML parse, with the origin of every value. */
export function parseValuesText(text: string, display: string): LoadedValues {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${display}:${line}:${col}`;
  };
  // `merge`: the `<<: *defaults` keys Helm users write in values files.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${at(e.pos[0])}: ${yamlErrorMessage(e.code, e.message)}`);
    throw new UserError(`values file ${display} is not valid YAML or JSON:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  checkAliases(doc, at, display);
  const contents = doc.contents as YamlNode | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { values: {}, origins: new Map() };
  if (!isMap(contents)) {
    const given = isSeq(contents) ? 'a list' : `the scalar ${JSON.stringify((contents as { value?: unknown }).value)}`;
    throw new UserError(`${at(contents.range?.[0] ?? 0)}: the top level of a values file must be a mapping of config fields, got ${given}`);
  }
  const origins = new Map<string, string>();
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        // A `<<` merge key (a symbol) names no field: the merged fields come from the anchor.
        if (!isPair(pair) || (isScalar(pair.key) && typeof pair.key.value === 'symbol')) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const child = [...path, key];
        const keyNode = pair.key as YamlNode | null;
        const offset = keyNode?.range?.[0] ?? (pair.value as YamlNode | null)?.range?.[0] ?? 0;
        origins.set(formatPath(child), at(offset));
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = [...path, i];
        const offset = (item as YamlNode | null)?.range?.[0];
        if (offset !== undefined) origins.set(formatPath(child), at(offset));
        walk(item, child);
      });
    }
  };
  let values: Values;
  try {
    values = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Values;
  } catch (err) {
    // What checkAliases cannot see from the tree: a `<<` merge of something that is not a mapping.
    throw new UserError(`values file ${display} is not valid YAML or JSON:\n  ${at(firstMergeKey(doc) ?? 0)}: ${firstLine((err as Error).message)}`);
  }
  return {
    values,
    origins: new LazyOrigins().later(() => {
      walk(contents, []);
      return origins;
    }),
  };
}

/** How many times the whole document may repeat anchored content: a few hundred nodes of config, not a billion. */
const MAX_ALIAS_COUNT = 100;
const MAX_EXPANDED_NODES = 100_000;

/**
 * The text of a values file, refused before reading when it is not a regular file (a directory, a FIFO, which would
 * block the read forever, a device) or is too big, and after reading when it is not UTF-8 or holds a character
 * YAML does not allow in a stream (NUL and the other C0 controls but tab, LF and CR; DEL; C1 controls).
 */
function readValuesText(path: string, display: string): string {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new UserError(`values file ${display} does not exist`, { hint: 'pass an existing YAML or JSON file with -f' });
  }
  if (!stats.isFile()) {
    const kind = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : 'a device';
    throw new UserError(`values file ${display} is ${kind}, not a regular file`, {
      hint: 'pass a YAML or JSON file with -f (to read a stream, save it to a file first)',
    });
  }
  if (stats.size > MAX_VALUES_FILE_BYTES) {
    throw new UserError(`values file ${display} is ${formatBytes(stats.size)}; the limit is ${formatBytes(MAX_VALUES_FILE_BYTES)}`, {
      hint: 'values files hold config; put data into the image or a volume',
    });
  }
  const bytes = readFileSync(path);
  if (bytes.length > MAX_VALUES_FILE_BYTES) {
    throw new UserError(`values file ${display} is ${formatBytes(bytes.length)}; the limit is ${formatBytes(MAX_VALUES_FILE_BYTES)}`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const { line, col } = lineAndColumn(bytes.subarray(0, bad).toString('utf8'));
    throw new UserError(`${display}:${line}:${col}: values files must be UTF-8; byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad} is not`, {
      hint: 'save the file as UTF-8 (iconv -f latin1 -t utf-8, or your editor\'s "save with encoding")',
    });
  }
  const text = bytes.toString('utf8');
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/u.exec(text);
  if (control) {
    const { line, col } = lineAndColumn(text.slice(0, control.index));
    const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new UserError(`${display}:${line}:${col}: the control character ${code} is not allowed in YAML`, {
      hint: 'remove it; to put one into a value, write it as an escape in a double-quoted string (which config fields refuse anyway)',
    });
  }
  return text;
}

/**
 * Refuses aliases that cannot be turned into plain values: to an anchor that does not exist (or comes later), to a
 * node that contains the alias (a circular structure), and aliases that expand into more nodes than any config has
 * (an "alias bomb": nine anchors of nine aliases each are 9⁹ nodes).
 */
function checkAliases(doc: Document.Parsed, at: (offset: number) => string, display: string): void {
  const fail = (node: Alias, why: string): never => {
    throw new UserError(`values file ${display} is not valid YAML or JSON:\n  ${at(node.range?.[0] ?? 0)}: ${why}`);
  };
  const sizes = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(node.resolve(doc));
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let n = 1;
    if (isMap(node)) for (const pair of node.items) n += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) n += size(item);
    sizes.set(node, n);
    return n;
  };
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (!target) fail(node, `the alias *${node.source} refers to no anchor &${node.source} defined before it`);
      if (path.includes(target as never)) fail(node, `the alias *${node.source} is inside the node it refers to (a circular structure)`);
    },
  });
  let total = 0;
  visit(doc, {
    Alias(_key, node) {
      total += size(node);
      if (total > MAX_EXPANDED_NODES) fail(node, `aliases expand to more than ${MAX_EXPANDED_NODES} values (an alias bomb?)`);
    },
  });
}

/** The offset of the first `<<` merge key (its value is a symbol), where a bad merge is reported. */
function firstMergeKey(doc: Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
        offset = pair.key.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function yamlErrorMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'a values file holds one YAML document; this is a second one (after ---): put it in its own file';
  return firstLine(message);
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    // isUtf8 on the one sequence also refuses overlong forms and surrogates, which the lead byte alone does not show.
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return -1;
}

function lineAndColumn(before: string): { line: number; col: number } {
  const lines = before.split('\n');
  return { line: lines.length, col: [...lines[lines.length - 1]!].length + 1 };
}

/**
 * `overlay` deep-merged onto `base` (neither is modified): objects merge, arrays and scalars replace,
 * `null` in the overlay removes the key. The synth uses it to put values files on top of an env module.
 *
 * With `keepNulls` (merging one overlay onto another: values files in order, then `--set`), a null stays in the
 * result, so that it still removes the key from the env module the merged overlay goes onto last.
 *
 * With `adopt`, the overlay's lists and scalars go into the result as they are instead of as copies: for an overlay
 * nobody else holds (just read from a file), whose copy would only cost time (~3 ms for a 500-service list).
 */
export function mergeValues(base: Values, overlay: Values, options: { keepNulls?: boolean; adopt?: boolean } = {}): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    if (value === null && !options.keepNulls) {
      delete out[key];
    } else if (isPlainObject(value)) {
      // Merged even where the base has no object, so that nulls inside the overlay never reach validation.
      defineKey(out, key, mergeValues(isPlainObject(current) ? current : {}, value, options));
    } else {
      defineKey(out, key, options.adopt ? value : clone(value));
    }
  }
  return out;
}

/**
 * `object[key] = value` that keeps `__proto__` (or `constructor`) a key like any other: assigning `__proto__` would
 * replace the object's prototype instead, and values the schema never sees would then be read through it.
 */
function defineKey(object: Values, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export type PathSegment = string | number;

/**
 * Parses `a.b[0].c=value`. A backslash escapes a dot (`annotations.example\.com/team=x`); the value is a YAML
 * scalar (or flow collection, `[a, b]`) unless `asString`; an empty value is the empty string.
 */
export function parseSetExpression(
  expression: string,
  flag = '--set',
  asString = false,
): { path: PathSegment[]; value: unknown } {
  const usage = `write ${flag} path.to.field=value, e.g. ${flag} database.replicas=3`;
  const eq = findUnescaped(expression, '=');
  if (eq <= 0) throw new UserError(`${flag} ${JSON.stringify(expression)}: expected path=value`, { hint: usage });
  const path = parseSetPath(expression.slice(0, eq), flag, expression, usage);
  const raw = expression.slice(eq + 1);
  let value: unknown = raw;
  if (!asString && raw !== '') {
    if (SIMPLE_SET_VALUE.test(raw)) {
      // What parseYaml gives for a one-word plain scalar (`3`, `true`, `1.10`, `v2`), without a YAML parse (~10 ms
      // the first time in a process): the core schema's own rules.
      value = resolvePlain(raw);
    } else {
      try {
        value = parseYaml(raw);
      } catch {
        value = raw;
      }
    }
  }
  return { path, value };
}

/** A `--set` value that is one plain scalar word: no space, quote, comment, flow, anchor, tag or mapping indicator. */
export const SIMPLE_SET_VALUE = /^-?[A-Za-z0-9][A-Za-z0-9._/+-]*$/;

function parseSetPath(text: string, flag: string, expression: string, usage: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let current = '';
  let pendingKey = false;
  const fail = (why: string): never => {
    throw new UserError(`${flag} ${JSON.stringify(expression)}: ${why}`, { hint: usage });
  };
  const endKey = () => {
    if (current === '') fail('a path segment is empty');
    segments.push(current);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      pendingKey = true;
    } else if (c === '.') {
      if (pendingKey || current !== '') endKey();
      else if (segments.length === 0 || typeof segments[segments.length - 1] !== 'number') fail('a path segment is empty');
      pendingKey = false;
    } else if (c === '[') {
      if (current !== '') endKey();
      const close = text.indexOf(']', i);
      const index = close < 0 ? '' : text.slice(i + 1, close);
      if (!/^\d+$/.test(index)) fail(`list index [${index}] is not a number`);
      segments.push(Number(index));
      i = close;
      pendingKey = false;
    } else {
      current += c;
      pendingKey = true;
    }
  }
  if (current !== '') segments.push(current);
  if (segments.length === 0 || typeof segments[0] === 'number') fail('the path must start with a field name');
  return segments;
}

function findUnescaped(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}

/**
 * `values` with `path` set to `value` (`values` is not modified). Missing parents are created; an index into an
 * existing list replaces that item only; an index past the end pads with null, as Helm does. A null is kept: it
 * removes the key when the overlay is merged over the env config (`mergeValues`).
 */
export function setPath(values: Values, path: readonly PathSegment[], value: unknown, origin: string): Values {
  const assign = (target: unknown, i: number): unknown => {
    const key = path[i]!;
    const last = i === path.length - 1;
    if (typeof key === 'number') {
      if (key > 1000) throw new UserError(`${origin}: list index ${key} is too large`);
      const list = Array.isArray(target) ? [...target] : [];
      while (list.length < key) list.push(null);
      list[key] = last ? value : assign(list[key], i + 1);
      return list;
    }
    const object: Values = isPlainObject(target) ? { ...target } : {};
    defineKey(object, key, last ? value : assign(Object.hasOwn(object, key) ? object[key] : undefined, i + 1));
    return object;
  };
  return assign(values, 0) as Values;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (structuredClone(value) as T);
}

/** A file as the user would name it: relative to the working directory when inside it, else as given. */
function displayName(cwd: string, file: string): string {
  const rel = relative(cwd, resolve(cwd, file));
  return rel === '' || rel.startsWith('..') ? file : rel;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
