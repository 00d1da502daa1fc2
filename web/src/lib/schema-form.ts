import type { FieldError } from '../../../src/ui/api-types.js';
import { formatValue, isMaskedSecret, isPlainObject } from './config-view.js';

/**
 * What the deploy form needs from a config's JSON Schema beyond what the form library reads itself: secrets as
 * password inputs, defaults spelled out next to the field, nested objects collapsible. Validation is not here: the
 * API answers it with the CLI's validator and messages (`POST /api/validate`).
 */
type Schema = Record<string, unknown>;
export type UiNode = Record<string, unknown>;

/** A secret-marked field, as the API marks it in the schema. */
export function isSecretSchema(schema: Schema): boolean {
  return schema['writeOnly'] === true || schema['format'] === 'password';
}

/** Follows a local `$ref` (`#/definitions/X`, `#/$defs/X`); anything else is returned as it is. */
export function resolveRef(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string' && hops < 32; hops++) {
    const ref = current['$ref'] as string;
    if (!ref.startsWith('#/')) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = isPlainObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isPlainObject(target)) break;
    current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== '$ref')) };
  }
  return current;
}

/** The rjsf uiSchema for a config schema. */
export function uiSchemaFor(schema: Schema, root: Schema = schema, secretSet: ReadonlySet<string> = new Set(), path = ''): UiNode {
  const node = resolveRef(schema, root);
  const ui: UiNode = {};
  if (isSecretSchema(node)) {
    ui['ui:widget'] = 'password';
    ui['ui:placeholder'] = secretSet.has(path) ? 'set — leave blank to keep the current value' : 'not set';
    ui['ui:autocomplete'] = 'new-password';
  }
  if (node['default'] !== undefined && !isSecretSchema(node) && !isPlainObject(node['default'])) {
    ui['ui:help'] = `Default: ${formatValue(node['default'])}`;
  }
  const properties = node['properties'];
  if (isPlainObject(properties)) {
    for (const [key, child] of Object.entries(properties)) {
      if (isPlainObject(child)) ui[key] = uiSchemaFor(child, root, secretSet, path ? `${path}.${key}` : key);
    }
  }
  const items = node['items'];
  if (isPlainObject(items)) ui['items'] = uiSchemaFor(items, root, secretSet, path);
  return ui;
}

/**
 * The values to start the form with: masked secrets become blank fields (the form never holds a secret it did not
 * get from the user), and the paths of secrets that are set are returned so their fields can say so.
 */
export function formDataFrom(values: unknown, path = '', secretSet: Set<string> = new Set()): { data: unknown; secretSet: Set<string> } {
  if (isMaskedSecret(values)) {
    if (values.set) secretSet.add(path);
    return { data: undefined, secretSet };
  }
  if (isPlainObject(values)) {
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const child = formDataFrom(value, path ? `${path}.${key}` : key, secretSet).data;
      if (child !== undefined) data[key] = child;
    }
    return { data, secretSet };
  }
  return { data: values, secretSet };
}

/**
 * The form's values as a deploy request sends them: a secret field left blank is left out, so the server keeps the
 * release's current value (the API's rule), instead of setting it to an empty string.
 */
export function requestValues(data: unknown, schema: Schema, root: Schema = schema): unknown {
  const node = resolveRef(schema, root);
  if (!isPlainObject(data)) return data;
  const properties = isPlainObject(node['properties']) ? node['properties'] : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const child = properties[key];
    const childSchema = isPlainObject(child) ? resolveRef(child, root) : undefined;
    if (childSchema && isSecretSchema(childSchema) && (value === '' || value === undefined || value === null)) continue;
    out[key] = childSchema ? requestValues(value, childSchema, root) : value;
  }
  return out;
}

/** rjsf's ErrorSchema: `{ api: { replicas: { __errors: [...] } } }`. */
export interface ErrorTree {
  __errors?: string[];
  [key: string]: ErrorTree | string[] | undefined;
}

/** The API's field errors (dotted config paths) as the tree rjsf's `extraErrors` shows beside each field. */
export function errorTree(fields: readonly FieldError[]): ErrorTree {
  const tree: ErrorTree = {};
  for (const field of fields) {
    let node = tree;
    for (const part of field.path === '' ? [] : field.path.split('.')) {
      const next = node[part];
      node = (next && !Array.isArray(next) ? next : (node[part] = {})) as ErrorTree;
    }
    (node.__errors ??= []).push(field.message);
  }
  return tree;
}

