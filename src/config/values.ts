/**
 * Values files and `--set` flags: read, merged in order, with the origin (file:line or flag) of every value kept
 * so that validation errors can point at the line to fix.
 *
 * Merge rules (the same as Helm's, so nobody has to relearn them): objects merge key by key, arrays and scalars
 * are replaced, and `null` removes the key (`--set cache=null` drops a cache the env module configured).
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { LineCounter, parse as parseYaml, parseDocument, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { UserError } from '../errors.js';
import { isPlainObject } from '../util/object.js';
import { formatPath } from './json-schema.js';

export type Values = Record<string, unknown>;

/** Display path (`database.replicas`, `hosts[0]`) → where its value was set (`prod.yaml:4:13`, `--set database.replicas=3`). */
export type ValueOrigins = Map<string, string>;

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
  const origins: ValueOrigins = new Map();
  for (const file of options.files ?? []) {
    const loaded = readValuesFile(resolve(cwd, file), displayName(cwd, file));
    values = mergeValues(values, loaded.values);
    for (const [path, origin] of loaded.origins) origins.set(path, origin);
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

/** Reads one values file. `display` is the name used in messages. */
export function readValuesFile(path: string, display = path): LoadedValues {
  if (!existsSync(path)) {
    throw new UserError(`values file ${display} does not exist`, { hint: 'pass an existing YAML or JSON file with -f' });
  }
  const text = readFileSync(path, 'utf8');
  const lineCounter = new LineCounter();
  // `merge`: the `<<: *defaults` keys Helm users write in values files.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${display}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${at(e.pos[0])}: ${firstLine(e.message)}`);
    throw new UserError(`values file ${display} is not valid YAML or JSON:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  const contents = doc.contents as YamlNode | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { values: {}, origins: new Map() };
  if (!isMap(contents)) {
    const given = isSeq(contents) ? 'a list' : `the scalar ${JSON.stringify((contents as { value?: unknown }).value)}`;
    throw new UserError(`${at(contents.range?.[0] ?? 0)}: the top level of a values file must be a mapping of config fields, got ${given}`);
  }
  const origins: ValueOrigins = new Map();
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
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
  walk(contents, []);
  return { values: doc.toJS({ maxAliasCount: 100 }) as Values, origins };
}

/**
 * `overlay` deep-merged onto `base` (neither is modified): objects merge, arrays and scalars replace,
 * `null` in the overlay removes the key. The synth uses it to put values files on top of an env module.
 */
export function mergeValues(base: Values, overlay: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) {
      delete out[key];
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = mergeValues(out[key] as Values, value);
    } else {
      out[key] = clone(value);
    }
  }
  return out;
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
    try {
      value = parseYaml(raw);
    } catch {
      value = raw;
    }
  }
  return { path, value };
}

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
 * existing list replaces that item only; an index past the end pads with null, as Helm does; null removes the key.
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
    if (last && value === null) delete object[key];
    else object[key] = last ? value : assign(object[key], i + 1);
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
