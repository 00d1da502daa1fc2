/**
 * A fast reader for the values files most people write: block-style YAML of mappings, lists and one-line scalars,
 * or JSON. It gives exactly the values `yaml`'s parseDocument (YAML 1.2 core schema, unique keys, merge keys) gives
 * for the same text, or `undefined` whenever it cannot be sure, and the full parse (with its error messages and
 * line numbers) decides. `test/unit/config/fast-values.test.ts` compares the two over a generated corpus.
 *
 * What it gives up on (→ `undefined`): tabs, CR, a BOM, U+2028/2029, directives and document markers, anchors,
 * aliases, tags and `<<` merge keys, block scalars (`|`, `>`), plain or quoted scalars over several lines, quoted
 * scalars with a backslash, flow mappings other than `{}`, flow lists of anything but scalars on one line, keys that are not plain names or simple quoted
 * strings, keys that would resolve to something other than a string (`1:`, `true:`, `null:`), keys over 1,000 characters,
 * `__proto__`, duplicate keys, a list item that is itself a list (`- - a`), a top level that is not a mapping at column 0, and anything
 * irregular in the indentation. In JSON: numbers of more than 15 digits, keys over 1,000 characters, and duplicates.
 */

export type FastValues = Record<string, unknown>;

/** The values of `text`, or undefined when the full YAML parser must read it. */
export function fastParseValues(text: string): FastValues | undefined {
  if (/[\t\r\uFEFF\u2028\u2029]/.test(text)) return undefined;
  const start = /\S/.exec(text);
  if (start === null) return undefined;
  try {
    return text[start.index] === '{' ? parseJson(text) : parseBlock(text);
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

const GIVE_UP = Symbol('give up');

function giveUp(): never {
  throw GIVE_UP;
}

/**
 * A plain scalar as the YAML 1.2 core schema resolves it, with `yaml`'s own tests in its order and its own
 * conversions (parseInt for ints, parseFloat for floats), so both readers give the same number for the same text.
 */
export function resolvePlain(s: string): unknown {
  // Every form but a string starts with one of these (or is null, true, false in one of their spellings).
  if (!MAYBE_NOT_STRING.test(s)) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

const MAYBE_NOT_STRING = /^(?:[-+.0-9~]|(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)?$)/;

/** YAML's white space in a line is the space (tabs are given up on): not JavaScript's `\s`, which has NBSP too. */
function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 32) start++;
  while (end > start && s.charCodeAt(end - 1) === 32) end--;
  return s.slice(start, end);
}

// ---- JSON ----------------------------------------------------------------------------------------------------

function parseJson(text: string): FastValues {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    giveUp();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) giveUp();
  // The text is valid JSON, so strings and numbers can be told apart by one left-to-right scan: a string followed by
  // a colon is a key. JSON.parse keeps the last of two equal keys where YAML refuses them: compare the counts.
  let keys = 0;
  for (const m of text.matchAll(/("(?:[^"\\]|\\.)*")(\s*:)?|-?[0-9][0-9.eE+-]*/g)) {
    const token = m[0];
    if (m[1] !== undefined) {
      if (m[2] !== undefined) {
        keys++;
        if (m[1].length > 1000 || m[1] === '"__proto__"') giveUp();
      }
    } else if (token.replace(/[eE].*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').length > 15) {
      giveUp();
    }
  }
  if (keys !== countKeys(value)) giveUp();
  return value as FastValues;
}

function countKeys(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, item) => n + countKeys(item), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const child of Object.values(value)) n += 1 + countKeys(child);
  return n;
}

// ---- block YAML ----------------------------------------------------------------------------------------------

interface Line {
  /** Column of the content (after the indentation, and after `- ` once the item's dash is consumed). */
  indent: number;
  /** A list item's dash at `indent`; its content starts at `content`. */
  dash: boolean;
  content: number;
  readonly text: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_$][A-Za-z0-9_.$/+=~-]*$/;

function parseBlock(text: string): FastValues {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length || raw[indent] === '#') continue;
    if (indent === 0 && (raw[0] === '%' || raw.startsWith('---') || raw.startsWith('...'))) giveUp();
    const dash = raw[indent] === '-' && (indent + 1 === raw.length || raw[indent + 1] === ' ');
    let content = indent;
    if (dash) {
      content = indent + 1;
      while (raw.charCodeAt(content) === 32) content++;
      if (raw[content] === '#') content = raw.length;
      if (raw[content] === '-' && (content + 1 === raw.length || raw[content + 1] === ' ')) giveUp();
    }
    lines.push({ indent, dash, content, text: raw });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0 || lines[0]!.dash) giveUp();
  const reader = new BlockReader(lines, new Map());
  const values = reader.mapping(0);
  if (reader.i !== lines.length) giveUp();
  return values;
}

class BlockReader {
  i = 0;

  /** @param keys plain keys seen, and whether they may be read here (the same few keys repeat in every item) */
  constructor(
    private readonly lines: Line[],
    private readonly keys: Map<string, boolean>,
  ) {}

  /** The pairs at exactly column `col`, up to the first line left of it. */
  mapping(col: number): FastValues {
    const out: FastValues = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < col) break;
      if (line.indent > col || line.dash) giveUp();
      const { key, rest } = splitPair(line.text, line.content, this.keys);
      if (key === '__proto__' || Object.hasOwn(out, key)) giveUp();
      this.i++;
      out[key] = rest === '' ? this.nested(col, true) : this.inline(rest, col);
    }
    return out;
  }

  /** The items at exactly column `col`. */
  sequence(col: number): unknown[] {
    const out: unknown[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < col || (line.indent === col && !line.dash)) break;
      if (line.indent > col) giveUp();
      const rest = line.text.slice(line.content);
      if (rest === '') {
        this.i++;
        out.push(this.nested(col, false));
      } else if (startsPair(rest)) {
        // `- name: a` opens a mapping at the column after the dash; its further keys line up under `name`.
        line.indent = line.content;
        line.dash = false;
        out.push(this.mapping(line.content));
      } else {
        this.i++;
        out.push(this.inline(rest, col));
      }
    }
    return out;
  }

  /** The value of a key or item with nothing after it on its line: a block below it, or null. */
  private nested(col: number, inMapping: boolean): unknown {
    const next = this.lines[this.i];
    if (next === undefined || next.indent < col) return null;
    if (next.indent === col) return inMapping && next.dash ? this.sequence(col) : null;
    return next.dash ? this.sequence(next.indent) : this.mapping(next.indent);
  }

  /** A scalar (or `[]`, `{}`) on the key's or item's line; a more indented line after it would continue it. */
  private inline(rest: string, col: number): unknown {
    const next = this.lines[this.i];
    if (next !== undefined && next.indent > col) giveUp();
    return scalar(rest);
  }
}

/** Whether an item's content is `key: ...` (a compact mapping) rather than a scalar. */
function startsPair(rest: string): boolean {
  if (rest[0] === '"' || rest[0] === "'") {
    const end = quotedEnd(rest, 0);
    return rest[end] === ':';
  }
  return /^[^\s:]+:(?: |$)/.test(rest);
}

function splitPair(text: string, from: number, keys: Map<string, boolean>): { key: string; rest: string } {
  let key: string;
  let after: number;
  const c = text[from];
  if (c === '"' || c === "'") {
    const end = quotedEnd(text, from);
    key = unquote(text.slice(from, end));
    after = end;
  } else {
    const colon = text.indexOf(':', from);
    if (colon < 0) giveUp();
    key = text.slice(from, colon);
    let ok = keys.get(key);
    if (ok === undefined) keys.set(key, (ok = PLAIN_KEY.test(key) && typeof resolvePlain(key) === 'string'));
    if (!ok) giveUp();
    after = colon;
  }
  // YAML limits an implicit key to 1,024 characters up to its colon.
  if (text[after] !== ':' || after - from > 1000) giveUp();
  const value = text.slice(after + 1);
  if (value === '') return { key, rest: '' };
  if (value[0] !== ' ') giveUp();
  const rest = trimSpaces(value);
  return { key, rest: rest[0] === '#' ? '' : rest };
}

/** The offset just past the closing quote of the quoted scalar at `from` on this line. */
function quotedEnd(text: string, from: number): number {
  const q = text[from]!;
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\' && q === '"') giveUp();
    if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return giveUp();
}

function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  return quoted[0] === "'" ? body.replace(/''/g, "'") : body;
}

/** An inline value: a quoted or plain scalar, `[]` or `{}`, with an optional comment after it. */
function scalar(rest: string): unknown {
  const c = rest[0]!;
  if (c === '"' || c === "'") {
    const end = quotedEnd(rest, 0);
    if (!/^(?: +#.*| *)$/.test(rest.slice(end))) giveUp();
    return unquote(rest.slice(0, end));
  }
  const hash = rest.indexOf(' #');
  const plain = trimSpaces(hash < 0 ? rest : rest.slice(0, hash));
  if (plain === '[]') return [];
  if (plain === '{}') return {};
  if (plain[0] === '[') return flowSequence(plain);
  // Indicators that start something else (a flow collection, an anchor, a tag, a block scalar...), a `: ` inside
  // (a nested mapping, which YAML refuses here), a trailing colon.
  if (/^[[\]{},#&*!|>'"%@`?:]/.test(plain) || /^-(?: |$)/.test(plain) || plain.includes(': ') || plain.endsWith(':')) giveUp();
  return resolvePlain(plain);
}

/** `[a, "b", 3]` on one line: a flow list of scalars (`hosts: [a.example, b.example]`). */
function flowSequence(text: string): unknown[] {
  const end = text.length - 1;
  if (text[end] !== ']') giveUp();
  const out: unknown[] = [];
  let i = 1;
  const skipSpaces = () => {
    while (text.charCodeAt(i) === 32) i++;
  };
  skipSpaces();
  if (i === end) return out;
  for (;;) {
    skipSpaces();
    const c = text[i];
    if (c === '"' || c === "'") {
      const close = quotedEnd(text, i);
      if (close > end) giveUp();
      out.push(unquote(text.slice(i, close)));
      i = close;
    } else {
      let j = i;
      while (j < end && text[j] !== ',') j++;
      const word = trimSpaces(text.slice(i, j));
      // In a flow list a plain scalar ends at `,`, `]`, `: `, ` #`; anything that could start or end something
      // else is given up on.
      if (word === '' || /[:#[\]{}"'?&*!|>%@`]/.test(word) || /^-(?: |$)/.test(word)) giveUp();
      out.push(resolvePlain(word));
      i = j;
    }
    skipSpaces();
    if (i === end) return out;
    if (text[i] !== ',') giveUp();
    i++;
    skipSpaces();
    // `[a, b,]` is a list of two in YAML; rare enough to leave to the full parse.
    if (i === end) giveUp();
  }
}
