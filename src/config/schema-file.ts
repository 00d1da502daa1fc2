/**
 * The schema as a file next to synthesized output, so that editors validate values files
 * (`# yaml-language-server: $schema=../dist/shop/schema.json`), and as a table for `berth schema`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { listFields, type ConfigSchema } from './json-schema.js';

/** Writes a schema to exactly `path` (creating its directory) and returns the path. */
export function writeSchemaTo(schema: ConfigSchema, path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
  return path;
}

/** The first line of a values file that makes yaml-language-server (VS Code YAML, IntelliJ) validate it. */
export function yamlSchemaComment(valuesFile: string, schemaFile: string): string {
  const rel = relative(dirname(resolve(valuesFile)), resolve(schemaFile)).split('\\').join('/');
  return `# yaml-language-server: $schema=${rel.startsWith('.') ? rel : `./${rel}`}`;
}

/** Rows of `berth schema`: path, type, required, default, secret, description. */
export function schemaTableRows(schema: ConfigSchema): string[][] {
  return listFields(schema).map((f) => [
    f.path,
    f.type,
    f.required ? 'yes' : 'no',
    f.default ?? '',
    f.secret ? 'yes' : '',
    (f.description ?? '').replace(/\s*\n\s*/g, ' '),
  ]);
}

export const SCHEMA_TABLE_HEADER = ['PATH', 'TYPE', 'REQUIRED', 'DEFAULT', 'SECRET', 'DESCRIPTION'] as const;
