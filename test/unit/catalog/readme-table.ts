import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_TABLE_HEADER, schemaTableRows } from '../../../src/config/schema-file.js';
import { schemaOfApp } from '../../../src/synth/app-schema.js';
import { CATALOG } from './catalog.js';

export const TABLE_START = '<!-- config table: generated from `berth schema`, do not edit; BERTH_UPDATE_CATALOG_README=1 npm run test:unit -- test/unit/catalog rewrites it -->';
export const TABLE_END = '<!-- end of config table -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The config table of a template as Markdown: the rows `berth schema <dir>` prints, in the same order. */
export function configTable(template: string): string {
  const rows = schemaTableRows(schemaOfApp(join(CATALOG, template)));
  const header = SCHEMA_TABLE_HEADER.map((h) => h[0] + h.slice(1).toLowerCase());
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(([path, type, required, def, secret, description]) =>
      `| ${[`\`${path}\``, `\`${type}\``, required, def ? `\`${def}\`` : '', secret, description].map((c) => cell(c ?? '')).join(' | ')} |`,
    ),
  ].join('\n');
}

/** The README with its generated block replaced by `table`; throws when the markers are missing. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the README has no generated config table (${TABLE_START} ... ${TABLE_END})`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** Reads a template's README, and with BERTH_UPDATE_CATALOG_README=1 first rewrites its table. */
export function readmeOf(template: string): string {
  const path = join(CATALOG, template, 'README.md');
  const readme = readFileSync(path, 'utf8');
  if (process.env.BERTH_UPDATE_CATALOG_README === '1') writeFileSync(path, withTable(readme, configTable(template)));
  return readFileSync(path, 'utf8');
}
