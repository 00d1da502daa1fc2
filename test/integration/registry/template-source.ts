/**
 * A template source directory for a test: a copy of `source` (a fixture or a catalog template) with the package name
 * and version a test needs and, for a new version, text replaced in its files — what an author does before running
 * `berth template publish` (which the tests then run, or `buildTemplatePackage` in unit tests).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceOptions {
  readonly name?: string;
  readonly version: string;
  /** Text replacements per file (`index.ts`, `config.ts`, `env/default.ts`): the new version's visible change. */
  readonly replace?: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;
}

/** Copies `source` into `<out>/<version>` with the name, version and replacements applied; returns that directory. */
export function templateSource(source: string, out: string, opts: SourceOptions): string {
  const dir = join(out, opts.version);
  cpSync(source, dir, { recursive: true });
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, `${JSON.stringify({ ...pkg, ...(opts.name ? { name: opts.name } : {}), version: opts.version }, null, 2)}\n`);
  for (const [path, pairs] of Object.entries(opts.replace ?? {})) {
    let text = readFileSync(join(dir, path), 'utf8');
    for (const [from, to] of pairs) {
      if (!text.includes(from)) throw new Error(`${path} of ${source} has no ${from}`);
      text = text.replaceAll(from, to);
    }
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
