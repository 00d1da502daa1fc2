import { build, version as esbuildVersion, formatMessages, type Message } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';

/**
 * An application compiled by esbuild into one ES module. cdk8s, cdk8s-plus and constructs stay external
 * (resolved from the project's node_modules) so the app and the engine share one copy of them.
 */
export interface AppBundle {
  /** Absolute path of the bundled module. */
  readonly path: string;
  /** True when the bundle came from the cache without running esbuild. */
  readonly cached: boolean;
}

interface CacheRecord {
  readonly bundle: string;
  /** Every input file of the bundle with the sha256 of its content when it was built. */
  readonly inputs: Record<string, string>;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileHash(path: string): string | undefined {
  return existsSync(path) ? sha256(readFileSync(path)) : undefined;
}

/** Reuses the last bundle for this entry when none of its inputs changed (content hash, not mtime). */
function cachedBundle(recordPath: string, root: string): string | undefined {
  if (!existsSync(recordPath)) return undefined;
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as CacheRecord;
  if (!existsSync(record.bundle)) return undefined;
  for (const [file, hash] of Object.entries(record.inputs)) {
    if (fileHash(resolve(root, file)) !== hash) return undefined;
  }
  return record.bundle;
}

/**
 * Bundles `entrySource` (a small generated module that imports the app and its env modules) and caches
 * the result under `<root>/node_modules/.cache/berth/bundles`, keyed by the content of every input file.
 */
export async function bundleApp(opts: { root: string; key: string; entrySource: string; resolveDir: string }): Promise<AppBundle> {
  const cacheDir = join(opts.root, 'node_modules', '.cache', 'berth', 'bundles');
  const entryKey = sha256(`${esbuildVersion}\0${opts.key}\0${opts.entrySource}`).slice(0, 24);
  const recordPath = join(cacheDir, `${entryKey}.json`);
  const hit = cachedBundle(recordPath, opts.root);
  if (hit) return { path: hit, cached: true };

  let result;
  try {
    result = await build({
      stdin: { contents: opts.entrySource, resolveDir: opts.resolveDir, sourcefile: 'berth-entry.ts', loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      tsconfig: join(opts.root, 'tsconfig.json'),
      absWorkingDir: opts.root,
      metafile: true,
      sourcemap: 'inline',
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors) throw err;
    const text = (await formatMessages(errors, { kind: 'error', color: false })).join('').trim();
    throw new UserError(`the app does not compile:\n${text}`, { hint: 'fix the TypeScript above and run synth again' });
  }
  const code = result.outputFiles[0]!.contents;
  const bundlePath = join(cacheDir, `${entryKey}-${sha256(code).slice(0, 12)}.mjs`);
  mkdirSync(dirname(bundlePath), { recursive: true });
  if (!existsSync(bundlePath)) writeFileSync(bundlePath, code);
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = resolve(opts.root, input);
    if (input === '<stdin>' || !existsSync(abs)) continue;
    inputs[relative(opts.root, abs)] = fileHash(abs)!;
  }
  const record: CacheRecord = { bundle: bundlePath, inputs };
  writeFileSync(`${recordPath}.tmp`, JSON.stringify(record));
  renameSync(`${recordPath}.tmp`, recordPath);
  return { path: bundlePath, cached: false };
}
