import type { Message } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { FileCache } from '../config/file-cache.js';
import { sha256 } from '../util/hash.js';

/**
 * An application compiled by esbuild into one CommonJS module. cdk8s, cdk8s-plus and constructs stay external
 * (resolved from the project's node_modules) and are CommonJS themselves: loading them with require() rather than
 * import() skips Node's scan of their sources for named exports (cdk8s-plus's generated k8s.js is 2.5 MB), which
 * measured about a fifth of a small synth's start-up.
 */
export interface AppBundle {
  /** Absolute path of the bundled module. */
  readonly path: string;
  /** True when the bundle came from the cache without running esbuild. */
  readonly cached: boolean;
}

const ENTRY_NAME = 'berth-entry.ts';

/**
 * esbuild's version from its package.json: a warm synth (bundle cached) needs only this, and loading esbuild's
 * module for it cost ~12 ms of a warm synth.
 */
function esbuildVersion(): string {
  const pkg = createRequire(import.meta.url).resolve('esbuild/package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The inline source map keeps file:line for stack traces (`NODE_OPTIONS=--enable-source-maps`) but not the sources
 * themselves: with them the bundle of the bench app was 2.5 MB instead of 0.6 MB, and every warm synth read and
 * compiled all of it. Part of the cache key, so bundles built with other options are not reused.
 */
const SOURCE_MAP = { sourcemap: 'inline', sourcesContent: false } as const;

/**
 * Bundles `entrySource` (a small generated module that imports the app and its env modules). The bundle is
 * reused while every file it was built from has the same content. Bundles live in `<root>/.cache/berth/bundles`
 * so that their bare imports resolve to the project's node_modules.
 */
export async function bundleApp(opts: {
  root: string;
  key: string;
  entrySource: string;
  resolveDir: string;
  /** Bare imports mapped to files (a template's `berth` → the running CLI's lib/index.ts). */
  alias?: Record<string, string>;
}): Promise<AppBundle> {
  const cache = new FileCache<string>(opts.root, 'bundle-records', `esbuild ${esbuildVersion()}\0${JSON.stringify(SOURCE_MAP)}\0${opts.entrySource}${opts.alias ? `\0${JSON.stringify(opts.alias)}` : ''}`);
  const subject = join(opts.key, ENTRY_NAME);
  const hit = cache.get(subject);
  if (hit && existsSync(hit)) return { path: hit, cached: true };

  const { build, formatMessages } = await import('esbuild');
  let result;
  try {
    result = await build({
      stdin: { contents: opts.entrySource, resolveDir: opts.resolveDir, sourcefile: ENTRY_NAME, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      ...(opts.alias ? { alias: opts.alias } : {}),
      tsconfig: join(opts.root, 'tsconfig.json'),
      absWorkingDir: opts.root,
      metafile: true,
      ...SOURCE_MAP,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors) throw err;
    const text = (await formatMessages(errors, { kind: 'error', color: false })).join('').trim();
    throw new UserError(`the app does not compile:\n${text}`, { hint: 'fix the TypeScript above and run synth again' });
  }
  const code = result.outputFiles[0]!.contents;
  const dir = join(opts.root, '.cache', 'berth', 'bundles');
  const bundlePath = join(dir, `${sha256(Buffer.from(code)).slice(0, 24)}.cjs`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(bundlePath)) writeFileSync(bundlePath, code);
  // The generated entry shows up as an input named after `sourcefile`; it is part of the cache key instead.
  const entryFile = join(opts.resolveDir, ENTRY_NAME);
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => resolve(opts.root, input))
    .filter((input) => input !== entryFile);
  cache.set(subject, [...inputs, join(opts.root, 'tsconfig.json')], bundlePath);
  return { path: bundlePath, cached: false };
}
