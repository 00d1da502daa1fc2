/**
 * Validates config values against the schema extracted from the app's config type (ajv, JSON Schema 2020-12)
 * and turns ajv's errors into messages an operator can act on: the path, what was expected, what was given,
 * where it was set, and "did you mean" for a misspelt key. All problems are reported at once.
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { closest, distance } from 'fastest-levenshtein';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sha256 } from '../util/hash.js';
import { UserError } from '../errors.js';
import { describeType, deref, formatPath, joinPath, SECRET_KEYWORD, type JsonSchema } from './json-schema.js';
import type { ValueOrigins } from './values.js';
import { listSecretPaths } from './secrets.js';
import { isSecretPath } from '../model/secrets.js';
import { flattenConfig } from '../model/config-diff.js';

// ajv (its compiler is ~40 ms to load) is loaded only when a schema is compiled: valid config checked by a cached
// standalone validator (below) never loads it.
const load = createRequire(import.meta.url);

export interface ValidateOptions {
  /** Where the values came from, for the headline (`prod.yaml, --set`). */
  readonly source?: string;
  /** Where each value was set (from `loadValuesWithOrigins`), appended to each problem. */
  readonly origins?: ValueOrigins;
  /** The app name, for the hint (`berth schema shop`). */
  readonly app?: string;
  /** The hint instead of `berth schema <app>` (a template's fields are listed by `berth template info`). */
  readonly hint?: string;
  /**
   * The schema was extracted by Berth from the app's TypeScript in this process (src/config/schema.ts), so checking
   * it against the JSON Schema meta-schema cannot fail; skipping that check saves ~45 ms of every synth whose values
   * changed. A schema read from elsewhere (a template package) is checked.
   */
  readonly extractedSchema?: boolean;
  /**
   * A project root: the schema's validator is kept as ajv standalone code under `<root>/.cache/berth/validators/`
   * (or `$BERTH_CACHE_DIR/validators/`), so that a later run checks valid values without loading ajv or compiling.
   * Invalid values are always explained by the full ajv validator, so messages do not depend on the cache.
   */
  readonly cacheRoot?: string;
  /**
   * `JSON.stringify(values)`, when the caller made it anyway (synth does, for its cache key): where it shows no
   * character the scalar checks look for, the walk over every value is skipped (`scalarsPlainInJson`).
   */
  readonly json?: string;
}

export interface Problem {
  readonly instancePath: string;
  /** Problems from inside an anyOf branch are grouped by it, so they keep the schema path they came from. */
  readonly schemaPath: string;
  readonly keyword: string;
  readonly message: string;
  /** Display path the origin is looked up for. */
  readonly at: string;
  /** A type problem where a string would have been accepted. */
  readonly wantsString?: boolean;
}

/** Compiled validators, apart for schemas checked against the meta-schema and schemas Berth extracted itself. */
const compiled = { checked: new WeakMap<JsonSchema, ValidateFunction>(), extracted: new WeakMap<JsonSchema, ValidateFunction>() };

/**
 * The ajv options of every validator; `code.source` lets a compiled one be saved as standalone code. `explain`:
 * every problem, with the values and schemas involved, for the messages; without it (the standalone check of valid
 * values), ajv stops at the first problem, which gives the same verdict with less code to load and run.
 */
function ajvOptions(extracted: boolean, explain = true) {
  // strictNumbers: NaN and ±Infinity are not numbers of any config field (YAML's .nan and .inf would otherwise pass).
  return { allErrors: explain, verbose: explain, strict: false, strictNumbers: true, validateSchema: !extracted, code: { source: true } } as const;
}

function newAjv(extracted: boolean, explain = true): Ajv2020 {
  const { Ajv2020: AjvClass } = load('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  // ajv-formats is CommonJS: module.exports's `default` is the plugin.
  const addFormats = (load('ajv-formats') as typeof addFormatsModule).default;
  const ajv = new AjvClass(ajvOptions(extracted, explain));
  addFormats(ajv);
  return ajv;
}

function compile(schema: JsonSchema, extracted: boolean): ValidateFunction {
  const cache = extracted ? compiled.extracted : compiled.checked;
  let validate = cache.get(schema);
  if (!validate) {
    const ajv = newAjv(extracted);
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/**
 * The validator in a cache file, or undefined when there is none or it does not load (a damaged file is then written
 * again). The code was generated by ajv from this schema (the file name is its hash); it requires ajv's small runtime
 * helpers (ajv/dist/runtime/*, ajv-formats/dist/formats), not the compiler.
 */
function readStandalone(file: string): ((values: unknown) => boolean) | undefined {
  let code;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const module = { exports: {} as unknown };
  try {
    new Function('require', 'module', 'exports', code)(load, module, module.exports);
  } catch {
    return undefined;
  }
  const fn = module.exports;
  if (typeof fn !== 'function') return undefined;
  return (values) => fn(values) === true;
}

/** Compiles `schema` to standalone code and stores it in `file`; returns the compiled validator. */
function writeStandalone(schema: JsonSchema, extracted: boolean, dir: string, file: string): (values: unknown) => boolean {
  const ajv = newAjv(extracted, false);
  const validate = ajv.compile(schema);
  const code = (load('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js')).default(ajv, validate);
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // a read-only checkout: the next run compiles again
  }
  return (values) => validate(values) === true;
}

/** Standalone validators loaded in this process, by cache file. */
const standalone = new Map<string, (values: unknown) => boolean>();

/**
 * Whether `values` match `schema`, by the validator's standalone code cached under `cacheRoot` (written on a miss by
 * the same ajv with the same options as `compile`'s, but stopping at the first problem: the same verdict). The key
 * is the schema's JSON with ajv's and ajv-formats' versions and the options: another schema or another ajv is a miss.
 */
export function isValidCached(schema: JsonSchema, values: unknown, extracted: boolean, cacheRoot: string): boolean {
  const versions = ['ajv', 'ajv-formats'].map((p) => (load(`${p}/package.json`) as { version: string }).version);
  const key = sha256(JSON.stringify([versions, ajvOptions(extracted, false), schema])).slice(0, 40);
  const dir = process.env.BERTH_CACHE_DIR ? join(process.env.BERTH_CACHE_DIR, 'validators') : join(cacheRoot, '.cache', 'berth', 'validators');
  const file = join(dir, `${key}.cjs`);
  let check = standalone.get(file);
  if (!check) {
    check = readStandalone(file) ?? writeStandalone(schema, extracted, dir, file);
    standalone.set(file, check);
  }
  return check(values);
}

/**
 * Throws one UserError listing every problem when `values` do not match `schema`. A secret-marked value is never
 * echoed: not in the problem, not in its origin (`--set db.password=…`), not in a quoting hint.
 */
export function validateValues(schema: JsonSchema, values: unknown, options: ValidateOptions = {}): void {
  const extracted = options.extractedSchema === true;
  if (options.cacheRoot !== undefined && noBadScalars(schema, values, options.json) && isValidCached(schema, values, extracted, options.cacheRoot)) return;
  const problems = findProblems(schema, values, extracted);
  if (problems.length === 0) return;
  const secretPaths = listSecretPaths(schema);
  const lines = problems.map((p) => {
    const secret = isSecretPath(p.at, secretPaths);
    const origin = hideSetValue(originOf(options.origins, p.at), secret);
    return hideSecretValues(`  - ${p.message}${origin ? ` (${origin})` : ''}${secret ? '' : quoteHint(p, origin)}`, values, secretPaths);
  });
  const what = schema.title ? `the config type ${schema.title}` : 'the config type';
  const from = options.source ? `values from ${options.source}` : 'config values';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new UserError(`${from} do not match ${what} (${count}):\n${lines.join('\n')}`, {
    hint: options.hint ?? `run \`berth schema ${options.app ?? '<app>'}\` to list every field with its type and default`,
  });
}

/** The problems as messages, `[]` when the values are valid. */
export function findProblems(schema: JsonSchema, values: unknown, extractedSchema = false): Problem[] {
  const validate = compile(schema, extractedSchema);
  const bad = badScalars(schema, values);
  if (validate(values) && bad.length === 0) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  let problems: Problem[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf') problems.push(...translate(schema, e));
  }
  // Innermost anyOf first, so an outer one sees its branches' problems already summarised.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const a of anyOfs) {
    const prefix = `${a.schemaPath}/`;
    const branches = new Map<number, Problem[]>();
    for (const p of problems) {
      if (!p.schemaPath.startsWith(prefix)) continue;
      const index = Number(p.schemaPath.slice(prefix.length).split('/')[0]);
      branches.set(index, [...(branches.get(index) ?? []), p]);
    }
    problems = problems.filter((p) => !p.schemaPath.startsWith(prefix));
    problems.push(...summariseAnyOf(schema, a, branches));
  }
  // A NaN or an infinity is reported once, by badScalars, whatever type the field has.
  const nonFinite = new Set(bad.filter((p) => p.keyword === 'type').map((p) => p.at));
  problems = [...bad, ...problems.filter((p) => !(p.keyword === 'type' && nonFinite.has(p.at)))];
  const seen = new Set<string>();
  const unique = problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
  // In the order the values were written (a values file top to bottom), not in the order ajv found them.
  const rank = valueOrder(values);
  const rankOf = (path: string): number => {
    for (let p = path; ; p = parentPath(p)) {
      const r = rank.get(p);
      if (r !== undefined) return r + (p === path ? 0 : 0.5);
      if (p === '') return -1;
    }
  };
  return unique
    .map((p, i) => ({ p, i, r: rankOf(p.at) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map(({ p }) => p);
}

/** Display path → position of the value in a depth-first walk in key order. */
function valueOrder(values: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (value: unknown, path: string): void => {
    order.set(path, order.size);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, joinPath(path, i)));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) walk(child, joinPath(path, key));
    }
  };
  walk(values, '');
  return order;
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}

/**
 * A value matched no branch of a union. When every branch disagrees about the same field's literal value (the
 * discriminator, `kind: redis | memcached`), say that; when one branch came closest, report its problems;
 * otherwise say which types were allowed.
 */
function summariseAnyOf(root: JsonSchema, a: ErrorObject, branches: Map<number, Problem[]>): Problem[] {
  const path = displayPath(a.instancePath);
  const branchSchemas = ((a.parentSchema as JsonSchema | undefined)?.anyOf ?? []).map((b) => deref(root, b));
  const all = [...branches.values()];
  const discriminator = all.length === branchSchemas.length ? sharedLiteralMismatch(all) : undefined;
  if (discriminator) {
    const allowed = branchSchemas.flatMap((b) => literalValues(b.properties?.[discriminator.key]));
    return [
      {
        ...a,
        at: discriminator.at,
        message: `${discriminator.at}: expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(discriminator.data, false)}`,
      },
    ];
  }
  const wrongShape = (ps: Problem[]) => ps.some((p) => p.keyword === 'type' && p.instancePath === a.instancePath);
  const candidates = all.filter((ps) => !wrongShape(ps)).sort((x, y) => x.length - y.length);
  if (candidates.length > 0 && (candidates.length === 1 || candidates[0]!.length < candidates[1]!.length)) {
    return candidates[0]!.map((p) => ({ ...p, schemaPath: a.schemaPath }));
  }
  const expected = describeType(root, a.parentSchema as JsonSchema);
  const secret = (a.parentSchema as JsonSchema | undefined)?.[SECRET_KEYWORD] === true;
  return [{ ...a, at: path, message: `${label(path)}: expected ${expected}, got ${describeValue(a.data, secret)}` }];
}

function sharedLiteralMismatch(branches: Problem[][]): { key: string; at: string; data: unknown } | undefined {
  let found: { key: string; at: string; data: unknown } | undefined;
  for (const problems of branches) {
    const literal = problems.find((p) => p.keyword === 'const' || p.keyword === 'enum') as (Problem & { data?: unknown }) | undefined;
    if (!literal) return undefined;
    const key = literal.instancePath.split('/').pop()!;
    if (found && found.at !== literal.at) return undefined;
    found = { key: unescapePointer(key), at: literal.at, data: literal.data };
  }
  return found;
}

function literalValues(schema: JsonSchema | undefined): unknown[] {
  if (!schema) return [];
  if (schema.const !== undefined) return [schema.const];
  return schema.enum ?? [];
}

function translate(root: JsonSchema, e: ErrorObject): Array<Problem & { data?: unknown }> {
  const path = displayPath(e.instancePath);
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  const secret = parent[SECRET_KEYWORD] === true;
  const given = describeValue(e.data, secret);
  const base = { instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, at: path, data: e.data };
  const params = e.params as Record<string, unknown>;
  const at = label(path);
  switch (e.keyword) {
    case 'type':
      return [
        {
          ...base,
          message: `${at}: expected ${describeType(root, parent)}, got ${given}`,
          wantsString: [parent.type].flat().includes('string'),
        },
      ];
    case 'required': {
      const key = String(params.missingProperty);
      const child = joinPath(path, key);
      const childSchema = parent.properties?.[key];
      const type = childSchema ? ` (${describeType(root, childSchema)})` : '';
      // Reported at the missing field, so that a `null` that removed it (`--set db.password=null`) is named as its origin.
      return [{ ...base, at: child, message: `${child}: required field is missing; add it${type}` }];
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const child = joinPath(path, key);
      const allowed = Object.keys(parent.properties ?? {});
      const suggestion = suggest(key, allowed);
      const fix = suggestion
        ? `did you mean \`${suggestion}\`?`
        : allowed.length > 0
          ? `allowed fields here: ${allowed.join(', ')}`
          : 'this object takes no fields';
      return [{ ...base, instancePath: `${e.instancePath}/${key}`, at: child, message: `${child}: unknown field; ${fix}` }];
    }
    case 'enum':
      return [
        {
          ...base,
          message: `${at}: expected one of ${(parent.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${given}`,
        },
      ];
    case 'const':
      return [{ ...base, message: `${at}: expected ${JSON.stringify(parent.const)}, got ${given}` }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const op = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[e.keyword];
      return [{ ...base, message: `${at}: expected a number ${op} ${String(params.limit)}, got ${given}` }];
    }
    case 'pattern':
      return [{ ...base, message: `${at}: expected a string matching /${String(params.pattern)}/, got ${given}` }];
    case 'format':
      return [{ ...base, message: `${at}: expected a ${String(params.format)} string, got ${given}` }];
    case 'minLength':
    case 'maxLength': {
      if (e.keyword === 'minLength' && params.limit === 1) return [{ ...base, message: `${at}: expected a non-empty string, got ${given}` }];
      const op = e.keyword === 'minLength' ? 'at least' : 'at most';
      return [{ ...base, message: `${at}: expected ${op} ${String(params.limit)} characters, got ${given}` }];
    }
    case 'minItems':
    case 'maxItems':
    case 'items': {
      const op = e.keyword === 'minItems' ? 'at least' : 'at most';
      return [{ ...base, message: `${at}: expected ${op} ${String(params.limit)} items, got ${given}` }];
    }
    default:
      return [{ ...base, message: `${at}: ${e.message ?? 'is invalid'}` }];
  }
}

/**
 * Values no JSON Schema keyword catches: NaN and ±Infinity (a field typed `any` takes them too), and strings that
 * cannot reach a Kubernetes object intact: control characters other than tab, LF and CR (a NUL inside an image
 * name), and lone UTF-16 surrogates (`"\\ud800"`), which are not text.
 */
function noBadScalars(root: JsonSchema, values: unknown, json: string | undefined): boolean {
  return (json !== undefined && scalarsPlainInJson(json)) || badScalars(root, values).length === 0;
}

/**
 * Whether `json`, the JSON text of some values, shows that `badScalars` finds nothing in them: no character it looks
 * for as JSON leaves it (DEL and the C1 controls, surrogates of a pair), none as JSON escapes it (`\uXXXX` for other
 * controls and lone surrogates, `\b`, `\f`), and no `null` (NaN and the infinities are written so). One test of the
 * text instead of one per string: at 500 services ~0.2 ms instead of 3–7. Conservative: `\\b` or the word `nullable`
 * also send the values to the walk. For JSON data, which config is (values files, env modules' plain objects): a
 * `toJSON` that hid a value would hide it from this test.
 */
function scalarsPlainInJson(json: string): boolean {
  return !SUSPECT.test(json) && !/\\[ubf]|null/.test(json);
}

function badScalars(root: JsonSchema, values: unknown): Problem[] {
  const problems: Problem[] = [];
  // Pointers, display paths and the secret-field walk are only needed for a problem: valid config (the usual case)
  // builds none of them. `path` is the key or index of each value down to the current one.
  const path: Array<string | number> = [];
  let secretPaths: Set<string> | undefined;
  const pointerHere = (): string => path.map((s) => `/${typeof s === 'number' ? s : escapePointer(s)}`).join('');
  const problem = (pointer: string, keyword: string, message: (at: string) => string): void => {
    const at = displayPath(pointer);
    problems.push({ instancePath: pointer, schemaPath: '#', at, keyword, message: message(label(at)) });
  };
  const walk = (value: unknown): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) problem(pointerHere(), 'type', (at) => `${at}: expected a finite number, got ${String(value)}`);
    } else if (typeof value === 'string') {
      // One test of the code units first: a string with neither a control character nor a surrogate (of a pair or
      // lone) passes both checks below.
      if (!SUSPECT.test(value)) return;
      const control = CONTROL.exec(value);
      if (control) {
        const pointer = pointerHere();
        secretPaths ??= secretInstancePaths(root, values);
        const shown = secretPaths.has(pointer) ? '' : ` in ${describeValue(value.replace(CONTROL_GLOBAL, (c) => codePoint(c)), false)}`;
        problem(pointer, 'pattern', (at) => `${at}: expected text without control characters, got ${codePoint(control[0])} at position ${control.index + 1}${shown}`);
      } else if (LONE_SURROGATE.test(value)) {
        problem(pointerHere(), 'pattern', (at) => `${at}: expected text, got a string with a lone UTF-16 surrogate (not Unicode text)`);
      }
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i]);
        path.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        path.push(key);
        walk(child);
        path.pop();
      }
    }
  };
  walk(values);
  return problems;
}

function escapePointer(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// CONTROL's characters and every surrogate, by code unit (no u flag): what may fail either check.
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/;
const CONTROL_GLOBAL = new RegExp(CONTROL.source, 'gu');
// Without the u flag, so that the halves of a pair are seen one by one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** JSON pointers of the values that sit in secret-marked fields, so that no message shows any part of them. */
function secretInstancePaths(root: JsonSchema, values: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (schema: JsonSchema | boolean | undefined, value: unknown, pointer: string): void => {
    if (schema === undefined || typeof schema === 'boolean') return;
    const s = deref(root, schema);
    if (s[SECRET_KEYWORD] === true) found.add(pointer);
    for (const branch of s.anyOf ?? []) walk(branch, value, pointer);
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(s.prefixItems?.[i] ?? s.items, item, `${pointer}/${i}`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const escaped = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        walk(s.properties && Object.hasOwn(s.properties, key) ? s.properties[key] : s.additionalProperties, child, escaped);
      }
    }
  };
  walk(root, values, '');
  return found;
}

/** The closest allowed key if it is close enough to be a typo (at most a third of the key's length, min 2). */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const lower = key.toLowerCase();
  const caseOnly = allowed.find((a) => a.toLowerCase() === lower);
  if (caseOnly) return caseOnly;
  const best = closest(key, [...allowed]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** A JSON pointer (`/database/replicas`, `/hosts/0`) as a display path (`database.replicas`, `hosts[0]`). */
function displayPath(pointer: string): string {
  if (pointer === '') return '';
  return formatPath(pointer.slice(1).split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : unescapePointer(s))));
}


function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function label(path: string): string {
  return path === '' ? '(top level)' : path;
}

/** `string "three"`, `number 0`, `a list of 2 items`; secret values are never shown. */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  if (secret) return `a ${typeof value} (value hidden: the field is secret)`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * `--set tag=1.10` parses as the number 1.1 (YAML), which a string field refuses: show how to keep the text.
 * The flag's own text is in the origin, so the hint can quote exactly what was typed.
 */
function quoteHint(p: Problem, origin: string | undefined): string {
  const flag = p.wantsString && origin ? /^--set (.+?)=(.*)$/s.exec(origin) : null;
  if (!flag) return '';
  return `; to pass it as a string, quote it: --set '${flag[1]}="${flag[2]}"'`;
}

/**
 * `--set db.password=hunter2` → `--set db.password=(hidden)` for a secret field; other origins (file:line) as they
 * are. `--set db.password=null` stays: it removes the key and says nothing about the secret.
 */
function hideSetValue(origin: string | undefined, secret: boolean): string | undefined {
  if (!origin || !secret) return origin;
  const flag = /^(--set(?:-string)? .+?)=(.*)$/s.exec(origin);
  if (!flag) return origin;
  return flag[2] === 'null' && flag[1]!.startsWith('--set ') ? origin : `${flag[1]}=(hidden)`;
}

/**
 * The last guard: any secret-marked string value of at least 3 characters that still occurs in a message line (a
 * union branch that did not mark it, an origin under a secret parent) is replaced by `(hidden)`.
 */
export function hideSecretValues(line: string, values: unknown, secretPaths: readonly string[]): string {
  let out = line;
  for (const [path, value] of flattenConfig(values)) {
    if (!isSecretPath(path, secretPaths)) continue;
    for (const text of strings(value)) if (text.length >= 3) out = out.split(text).join('(hidden)');
  }
  return out;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)].filter((t) => t.length >= 3);
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The origin of the value at `path`, or of its nearest parent that has one (a missing field has none itself). */
function originOf(origins: ValueOrigins | undefined, path: string): string | undefined {
  if (!origins) return undefined;
  for (let p = path; p !== ''; p = parentPath(p)) {
    const origin = origins.get(p);
    if (origin) return origin;
  }
  return undefined;
}
