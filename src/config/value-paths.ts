/**
 * Where in the config a value came from: a construct error quotes a prop's value, an oversized object holds a big
 * string, and the user needs the config path they set (and the file line), not the prop's name inside the app.
 */
import { isDeepStrictEqual } from 'node:util';
import { joinPath } from './json-schema.js';

/** Display paths of every value in `config` equal to `value` (NaN equals NaN), depth first. */
export function pathsOfValue(config: unknown, value: unknown): string[] {
  const found: string[] = [];
  walk(config, '', (v, path) => {
    if (path !== '' && (Object.is(v, value) || (typeof value === 'object' && value !== null && isDeepStrictEqual(v, value)))) found.push(path);
  });
  return found;
}

/** Display paths of the strings in `config` of at least `minLength` characters, with the strings. */
export function longStrings(config: unknown, minLength: number): Array<{ path: string; value: string }> {
  const found: Array<{ path: string; value: string }> = [];
  walk(config, '', (v, path) => {
    if (typeof v === 'string' && v.length >= minLength) found.push({ path, value: v });
  });
  return found;
}

function walk(value: unknown, path: string, visit: (value: unknown, path: string) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, joinPath(path, i), visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) walk(child, joinPath(path, key), visit);
  }
}
