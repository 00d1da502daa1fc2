/**
 * The subset of JSON Schema (draft 2020-12) that config schemas use, and a flat view of it for tables
 * and secret handling.
 */

export const JSON_SCHEMA_DRAFT = 'https://json-schema.org/draft/2020-12/schema';
export const SECRET_KEYWORD = 'x-berth-secret';

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  deprecated?: boolean;
  writeOnly?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: boolean | JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  [SECRET_KEYWORD]?: boolean;
  /** A default that is prose rather than a value (`@default - one per node`), shown in tables only. */
  'x-berth-default-text'?: string;
}

/** The schema of an application's config: the root is always an object schema. */
export interface ConfigSchema extends JsonSchema {
  $schema: string;
  title: string;
  type: 'object';
}

/** Follows a local `$ref` (`#/$defs/Name`) against the root schema. */
export function deref(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 32; hops++) {
    const name = current.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[name];
    if (!target) break;
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** One row per config field, in declaration order, parents before children. */
export interface SchemaField {
  /** `database.replicas`; `*` stands for any key of a record, `[]` for any item of an array. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** The default as written in JSON, or the prose of a `@default - ...` tag; undefined when there is none. */
  readonly default?: string;
  readonly description?: string;
  readonly secret: boolean;
}

/** Appends a key to a display path: `a.b`, `a[0]`, `a[]` (any item), `a.*` (any key), `a["dotted.key"]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (key === '[]') return `${parent}[]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key) && key !== '*') return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** The display path of a list of keys; the root is the empty string. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  return segments.reduce<string>((path, key) => joinPath(path, key), '');
}

/** Flattens a schema into field rows. Recursive types are listed once, at their first occurrence. */
export function listFields(root: JsonSchema): SchemaField[] {
  const rows: SchemaField[] = [];
  const visit = (schema: JsonSchema, path: string, required: boolean, seenRefs: readonly string[]): void => {
    const ref = schema.$ref;
    if (ref && seenRefs.includes(ref)) return;
    const s = deref(root, schema);
    const refs = ref ? [...seenRefs, ref] : seenRefs;
    if (path !== '') {
      rows.push({
        path,
        type: describeType(root, s),
        required,
        default: s.default !== undefined ? JSON.stringify(s.default) : s['x-berth-default-text'],
        description: s.description,
        secret: s[SECRET_KEYWORD] === true,
      });
    }
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      visit(child, joinPath(path, key), (s.required ?? []).includes(key), refs);
    }
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, joinPath(path, '*'), false, refs);
    // Items of a list of plain values (`string[]`) add nothing to the list's own row, unless they are secret.
    if (typeof s.items === 'object' && (hasChildren(root, s.items) || deref(root, s.items)[SECRET_KEYWORD] === true)) {
      visit(s.items, joinPath(path, '[]'), true, refs);
    }
    // A union of object types: one row per key of any branch, its type the union of the branches' types.
    const branches = (s.anyOf ?? []).map((b) => deref(root, b)).filter((b) => b.properties);
    const keys = [...new Set(branches.flatMap((b) => Object.keys(b.properties!)))];
    for (const key of keys) {
      const having = branches.filter((b) => b.properties![key]);
      const types = [...new Set(having.map((b) => describeType(root, b.properties![key]!)))];
      const first = having[0]!.properties![key]!;
      const merged: JsonSchema = types.length === 1 ? first : { ...deref(root, first), anyOf: having.map((b) => b.properties![key]!) };
      visit(merged, joinPath(path, key), having.length === branches.length && having.every((b) => b.required?.includes(key)), refs);
    }
  };
  visit(root, '', true, []);
  return rows;
}

function hasChildren(root: JsonSchema, schema: JsonSchema): boolean {
  const s = deref(root, schema);
  return s.properties !== undefined || typeof s.additionalProperties === 'object' || s.anyOf !== undefined;
}

/** A TypeScript-like one-line rendering of a schema's type: `"a" | "b"`, `string[]`, `Record<string, number>`. */
export function describeType(root: JsonSchema, schema: JsonSchema): string {
  const s = deref(root, schema);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf && s.anyOf.every((b) => deref(root, b).const !== undefined)) {
    return s.anyOf.map((b) => JSON.stringify(deref(root, b).const)).join(' | ');
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map((b) => describeType(root, b)).join(' | ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'any';
  return types
    .map((t) => {
      if (t === 'array') {
        if (s.prefixItems) return `[${s.prefixItems.map((i) => describeType(root, i)).join(', ')}]`;
        const item = typeof s.items === 'object' ? describeType(root, s.items) : 'any';
        return item.includes(' ') ? `(${item})[]` : `${item}[]`;
      }
      if (t === 'object' && !s.properties && typeof s.additionalProperties === 'object') {
        return `Record<string, ${describeType(root, s.additionalProperties)}>`;
      }
      if (t === 'object' && s.title && s !== root) return s.title;
      return t;
    })
    .join(' | ');
}
