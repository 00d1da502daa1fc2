import type { Message, Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { Script } from 'node:vm';
import { UserError } from '../errors.js';
import { FileCache } from '../config/file-cache.js';
import { sha256 } from '../util/hash.js';
import { runWithCodeCache } from '../util/code-cache.js';

/**
 * An application compiled by esbuild into one CommonJS module, with the construct packages it renders with inside:
 * cdk8s, constructs, cdk8s-plus-*, any package that depends on cdk8s or constructs, every package lib/ imports
 * (cron-parser), and whatever those import. One file with one V8 code cache beside it (`loadBundle`) instead of ~150
 * modules resolved, read and compiled on every run. Other packages the app imports stay external, resolved from the
 * project's node_modules at run time as before.
 */
export interface AppBundle {
  /** Absolute path of the bundled module. */
  readonly path: string;
  /** True when the bundle came from the cache without running esbuild. */
  readonly cached: boolean;
}

const ENTRY_NAME = 'berth-entry.ts';
/** The output name esbuild is given; the bundle is written under its content's hash instead. */
const ENTRY_OUT = 'berth-entry.cjs';

/**
 * esbuild's version from its package.json: a warm synth (bundle cached) needs only this, and loading esbuild's
 * module for it cost ~12 ms of a warm synth.
 */
function esbuildVersion(): string {
  const pkg = createRequire(import.meta.url).resolve('esbuild/package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The bundle is written without whitespace or comments, its source map beside it in a file of its own (linked by a
 * `sourceMappingURL` comment) and without the sources themselves. Every warm synth reads the whole bundle and hands
 * it to V8: an inline map doubled the text, and the comments of cdk8s's and luxon's sources held non-ASCII
 * characters, which made V8 keep all of it as a two-byte string — bench-10's bundle went from 1.7 MB to ~0.6 MB, and
 * reading and compiling it (with its code cache) from ~14 to ~8 ms. The map keeps file:line for stack traces
 * (`NODE_OPTIONS=--enable-source-maps`); its sources are named relative to the bundle's directory, where it lives.
 * Part of the cache key, so bundles built with other options are not reused.
 */
const OUTPUT = { sourcemap: 'external', sourcesContent: false, minifyWhitespace: true } as const;

/**
 * Bumped when what goes into a bundle changes, so old ones are rebuilt (3: construct packages bundled, not external;
 * import() compiled to require(); 4: minified whitespace, map in its own file).
 */
const BUNDLE_LAYOUT = 4;

/** The package a bare import names: `cdk8s`, `@scope/pkg` for `@scope/pkg/sub`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The directory of the package a file in node_modules belongs to. */
function packageDirOf(file: string): string {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules${sep}`.length;
  const rest = file.slice(at).split(sep);
  return file.slice(0, at) + (rest[0]!.startsWith('@') ? join(rest[0]!, rest[1]!) : rest[0]!);
}

const CONSTRUCT_PACKAGES = new Set(['cdk8s', 'constructs']);

/**
 * True for a package that must share the app's cdk8s and constructs: a second copy loaded from node_modules next to
 * the bundled one would not recognise the bundle's App and Chart (`Chart.of`, `instanceof`).
 */
function isConstructPackage(name: string, dir: string): boolean {
  if (CONSTRUCT_PACKAGES.has(name) || name.startsWith('cdk8s-plus-')) return true;
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return [...CONSTRUCT_PACKAGES].some((dep) => pkg.dependencies?.[dep] !== undefined || pkg.peerDependencies?.[dep] !== undefined);
  } catch {
    return false;
  }
}

/**
 * Decides per bare import whether a package goes into the bundle (see AppBundle) or stays external. Imports that do
 * not resolve stay external, as before: Node resolves them from the bundle's directory at run time.
 */
function constructPackagesInside(root: string): Plugin {
  const lib = join(root, 'lib') + sep;
  const builtins = new Set(builtinModules);
  return {
    name: 'berth-construct-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.berthInner || builtins.has(args.path) || args.path.startsWith('node:')) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { berthInner: true } });
        if (found.errors.length > 0 || found.external) return { path: args.path, external: true };
        if (!found.path.includes(`${sep}node_modules${sep}`)) return found;
        // A file esbuild reads from node_modules is inside the bundle already: its own imports go in too.
        const inside =
          args.importer.includes(`${sep}node_modules${sep}`) || args.importer.startsWith(lib) || isConstructPackage(packageName(args.path), packageDirOf(found.path));
        return inside ? found : { path: args.path, external: true };
      });
      // A bundled package's `__dirname` is its own directory, not the bundle's (cdk8s's Include of a URL runs a script
      // beside its yaml.js). Prepended on the first line, so line numbers stay.
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('__dirname') && !text.includes('__filename')) return undefined;
        return { contents: `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};${text}`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

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
  const cache = new FileCache<string>(opts.root, 'bundle-records', `esbuild ${esbuildVersion()} layout ${BUNDLE_LAYOUT}\0${JSON.stringify(OUTPUT)}\0${opts.entrySource}${opts.alias ? `\0${JSON.stringify(opts.alias)}` : ''}`);
  const subject = join(opts.key, ENTRY_NAME);
  const hit = cache.get(subject);
  if (hit && existsSync(hit)) return { path: hit, cached: true };

  const { build, formatMessages } = await import('esbuild');
  const dir = join(opts.root, '.cache', 'berth', 'bundles');
  let result;
  try {
    result = await build({
      stdin: { contents: opts.entrySource, resolveDir: opts.resolveDir, sourcefile: ENTRY_NAME, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      plugins: [constructPackagesInside(opts.root)],
      // import() of a package left outside becomes require(), as in the CLI's bundle (scripts/build.mjs): Node 20
      // loses a script's dynamic-import callback when the script comes from a code cache.
      supported: { 'dynamic-import': false },
      // An app or template outside the project (`berth synth /tmp/x/app`) takes its packages from the project's.
      nodePaths: [join(opts.root, 'node_modules')],
      ...(opts.alias ? { alias: opts.alias } : {}),
      tsconfig: join(opts.root, 'tsconfig.json'),
      absWorkingDir: opts.root,
      metafile: true,
      // Not written (write: false): the map's sources are named relative to this directory.
      outfile: join(dir, ENTRY_OUT),
      ...OUTPUT,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!errors) throw err;
    const text = (await formatMessages(errors, { kind: 'error', color: false })).join('').trim();
    throw new UserError(`the app does not compile:\n${text}`, { hint: 'fix the TypeScript above and run synth again' });
  }
  const code = result.outputFiles.find((f) => !f.path.endsWith('.map'))!.contents;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))!.contents;
  // Named after code and map: an edit of a comment changes only the map, and the map must match the lines.
  const name = sha256(Buffer.concat([code, map])).slice(0, 24);
  const bundlePath = join(dir, `${name}.cjs`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(bundlePath)) {
    // Map first, each renamed into place whole: another synth may find the bundle the moment it exists.
    writeWhole(`${bundlePath}.map`, map);
    writeWhole(bundlePath, Buffer.concat([code, Buffer.from(`//# sourceMappingURL=${name}.cjs.map\n`)]));
  }
  // The generated entry shows up as an input named after `sourcefile`; it is part of the cache key instead.
  const entryFile = join(opts.resolveDir, ENTRY_NAME);
  // A bundled package stands in the record by its package.json (its version): re-hashing cdk8s-plus's 2.5 MB on
  // every warm run would cost more than the bundle saves.
  const inputs = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs).map((i) => resolve(opts.root, i))) {
    if (input === entryFile) continue;
    inputs.add(input.includes(`${sep}node_modules${sep}`) ? join(packageDirOf(input), 'package.json') : input);
  }
  cache.set(subject, [...inputs, join(opts.root, 'tsconfig.json')], bundlePath);
  return { path: bundlePath, cached: false };
}

function writeWhole(path: string, data: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

let mainContext: boolean | undefined;
function inMainContext(): boolean {
  return (mainContext ??= new Script('Error').runInThisContext() === Error);
}

/**
 * Loads a bundle as require() would, but compiled with the V8 code cache beside it (src/util/code-cache.ts):
 * compiling the bundle was most of a small synth's load time.
 */
export function loadBundle(bundlePath: string): unknown {
  // Code run by a vm.Script lives in the process's main context; where this module runs in another one (jest's
  // sandbox), the app's errors would fail `instanceof Error` here, so such a caller gets require() as before.
  // Node maps stack traces through source maps (`--enable-source-maps`) only for code it loaded itself, not for a
  // vm.Script: whoever asks for app file:line in stacks gets require() too.
  if (!inMainContext() || process.sourceMapsEnabled) return createRequire(import.meta.url)(bundlePath);
  return runWithCodeCache(bundlePath).exports;
}
