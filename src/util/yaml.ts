/**
 * The one YAML emitter for anything a person or kubectl reads: synth output, `berth get manifest|values`, diffs.
 *
 * YAML that YAML 1.1 readers (kubectl, client-go, PyYAML) read back as written: js-yaml's compatibility mode
 * quotes strings such as `no`, `on`, `y` or `0755`, which would otherwise come back as booleans and octal
 * numbers (the "Norway problem"). js-yaml rather than `yaml` here: it emits the same text 5x faster, and
 * this is the hot path of a large synth. Keys keep their order (synth sorts them before).
 *
 * The text is js-yaml's `dump(value, { lineWidth: -1, noRefs: true })`, byte for byte, but the block structure of
 * plain JSON-like data (objects, arrays, strings, numbers, booleans, null) is written here, simple strings are
 * written plain without asking (`PLAIN`), and js-yaml is asked only once per call for each other distinct scalar:
 * js-yaml's per-scalar work (its style choice, the implicit-type tests) was most of a large synth's emit.
 * Anything else (a Date, a Buffer, a class instance, a key js-yaml would write as `? key`) goes to js-yaml whole.
 */
import { dump } from 'js-yaml';

const OPTIONS = { lineWidth: -1, noRefs: true } as const;

export function toYaml(value: unknown): string {
  return withScalarCache(() => {
    try {
      const text = node(value, 0, true);
      return text === undefined ? '' : `${text}\n`;
    } catch (err) {
      if (err !== NOT_PLAIN) throw err;
      return dump(value, OPTIONS);
    }
  });
}

/** Documents separated by `---`, as `kubectl apply -f` reads a stream. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return withScalarCache(() => values.map(toYaml).join('---\n'));
}

/**
 * Runs `fn` with one cache of js-yaml's scalar texts for every call of the functions above inside it (a synth writing
 * one file per service asks about the same ports, paths and images in each), emptied when it returns.
 */
export function withScalarCache<T>(fn: () => T): T {
  if (scalars !== undefined) return fn();
  scalars = new Map();
  keys = new Map();
  try {
    return fn();
  } finally {
    scalars = undefined;
    keys = undefined;
  }
}

/** Thrown (and caught above) when a value is not plain JSON-like data this emitter writes as js-yaml does. */
const NOT_PLAIN = Symbol('not plain data');

/** js-yaml indents by 2 spaces per level; a line break and the indent of each level. */
const breaks: string[] = [];
function lineBreak(level: number): string {
  return (breaks[level] ??= `\n${' '.repeat(2 * level)}`);
}

/**
 * The text of each distinct single-line scalar js-yaml was asked for, during one call of the functions above: kept for
 * no longer, since config values (secrets among them) pass through here, and `berth ui` is a long-running process.
 */
let scalars: Map<unknown, string> | undefined;

/** The text of each mapping key written during one call of the functions above (the same few dozen keys recur). */
let keys: Map<string, string> | undefined;

/** The words js-yaml reads as null or a boolean, or quotes for YAML 1.1 readers (its `DEPRECATED_BOOLEANS_SYNTAX`). */
const YAML_WORDS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);

/**
 * Strings js-yaml writes plain, decided without it: a letter first, then letters, digits, `.`, `_`, `/`, `-` (no
 * indicator, space, `#` or `:`), and not one of YAML_WORDS. js-yaml's other implicit types (int, float, timestamp,
 * merge) and YAML 1.1 base-60 numbers start with a digit, a sign, `.`, `~` or `<`.
 */
const PLAIN = /^[A-Za-z][A-Za-z0-9._/-]*$/;

/**
 * More strings js-yaml writes plain (4.x, block context, which is every scalar written here): a letter first, then
 * also `:` `,` `=` `+` `@` `%` `~` (js-yaml refuses those only first, and `:` only last or before a space: there is
 * no space), as in URLs and images (`http://api:8080`, `nginx:1.27`); and lowercase hex with a digit first and a
 * letter in it (config hashes), unless it reads as a number to js-yaml or to kubectl's YAML 1.1 reader (`readAsNumber`):
 * `1e5` (a float), `0b101` (binary). Nothing here has a `#`, a quote, a space, a control or a non-ASCII character.
 */
const PLAIN_URLISH = /^[A-Za-z][A-Za-z0-9._/:,=+@%~-]*[A-Za-z0-9._/,=+@%~-]$/;
const PLAIN_HEX = /^[0-9][0-9a-f]*[a-f][0-9a-f]*$/;
const HEX_NUMBER = /^(?:[0-9]+e[0-9]+|0b[01]+)$/;

/** Whether js-yaml writes `value` plain, decided without asking it; false: ask it. */
function plainWithoutAsking(value: string): boolean {
  if (PLAIN.test(value)) return !YAML_WORDS.has(value);
  // YAML_WORDS are letters only: no URL-ish string is one.
  return PLAIN_URLISH.test(value) || (PLAIN_HEX.test(value) && !HEX_NUMBER.test(value));
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value === 'string' && plainWithoutAsking(value)) return value;
  // js-yaml's int type takes every integer but -0 and writes it `toString(10)`, as String() does (`1e+21` included).
  if (typeof value === 'number' && Number.isInteger(value) && !Object.is(value, -0)) return String(value);
  // Map keys compare -0 equal to 0, which js-yaml writes as `-0.0`.
  if (Object.is(value, -0)) return dump(value, OPTIONS).slice(0, -1);
  let text = scalars?.get(value);
  if (text === undefined) {
    // At the top level js-yaml writes a single-line scalar exactly as it does as a key or a nested value: its style
    // depends on the text alone (indent and width matter only to block scalars, and lineWidth -1 folds nothing).
    text = dump(value, OPTIONS).slice(0, -1);
    if (typeof value === 'string' && readAsNumber(value) && text[0] !== "'" && text[0] !== '"') text = `'${value}'`;
    scalars?.set(value, text);
  }
  return text;
}

/**
 * Whether a plain scalar is a number to the YAML 1.1 reader kubectl and the API server use (sigs.k8s.io/yaml, on
 * go-yaml v2): it drops every `_`, then takes what Go's `strconv.ParseInt(s, 0, 64)` parses (`0x1F`, `0B1`, `017`) or
 * what matches its float pattern (`+.5`, `1_000.5`). js-yaml writes some of these plain (`1_000`, `0B1`, `+.5`), and
 * kubectl then reads a ConfigMap value `1_000` as the number 1000 and refuses the object; those are single-quoted.
 */
function readAsNumber(value: string): boolean {
  const c = value.charCodeAt(0);
  // Only a digit, a sign or a dot can start one.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  const plain = value.replace(/_/g, '');
  return GO_INT.test(plain) || GO_FLOAT.test(plain);
}
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * A string with a line break, at nesting `level`: js-yaml writes it double-quoted when it holds a character YAML
 * cannot print, else as a literal block (`|`, `|-`, `|+`, with an indent indicator when it starts with spaces),
 * its lines indented by 2 spaces per level (at least one level).
 */
function multiLine(value: string, level: number): string {
  const top = dump(value, OPTIONS).slice(0, -1);
  if (top[0] !== '|') return top;
  const indent = ' '.repeat(2 * Math.max(1, level));
  const header = top.slice(0, top.indexOf('\n') + 1);
  let body = '';
  let start = 0;
  while (start < value.length) {
    const next = value.indexOf('\n', start);
    const line = next === -1 ? value.slice(start) : value.slice(start, next + 1);
    start = next === -1 ? value.length : next + 1;
    if (line !== '\n') body += indent;
    body += line;
  }
  return header + (body.endsWith('\n') ? body.slice(0, -1) : body);
}

/** `value` as js-yaml's writeNode writes it in block context at `level`; undefined: js-yaml leaves the entry out. */
function node(value: unknown, level: number, compact: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? multiLine(value, level) : scalar(value);
    case 'number':
    case 'boolean':
      return scalar(value);
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return scalar(null);
      if (Array.isArray(value)) return sequence(value, level, compact);
      if (Object.getPrototypeOf(value) === Object.prototype || Object.prototype.toString.call(value) === '[object Object]') return mapping(value as Record<string, unknown>, level, compact);
      throw NOT_PLAIN;
    default:
      throw NOT_PLAIN;
  }
}

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  if (items.length === 0) return '[]';
  let out = '';
  for (const item of items) {
    const text = node(item, level + 1, true) ?? scalar(null);
    if (!compact || out !== '') out += lineBreak(level);
    out += text.charCodeAt(0) === 10 ? '-' : '- ';
    out += text;
  }
  return out;
}

/** A mapping key's text, remembered for the rest of the call. */
function keyScalar(key: string): string {
  // js-yaml writes a key with a line break double-quoted, and a key over 1024 characters as `? key`.
  if (key.includes('\n')) throw NOT_PLAIN;
  const text = scalar(key);
  if (text.length > 1024) throw NOT_PLAIN;
  keys?.set(key, text);
  return text;
}

function mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
  let out = '';
  for (const key of Object.keys(object)) {
    const text = node(object[key], level + 1, false);
    if (text === undefined) continue;
    const keyText = keys?.get(key) ?? keyScalar(key);
    if (!compact || out !== '') out += lineBreak(level);
    out += keyText;
    out += text.charCodeAt(0) === 10 ? ':' : ': ';
    out += text;
  }
  return out === '' ? '{}' : out;
}
