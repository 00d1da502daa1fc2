/**
 * A real TypeScript type check of an app's code (`apps/shop/index.ts` and every project file it reaches) and of its
 * env modules (`apps/shop/env/prod.ts`, `export default {...} satisfies ShopConfig`) before synth: esbuild only
 * strips types, so without this a misspelt construct prop, a call of a method that does not exist or a wrong config
 * type would synth. A passing check is cached by the content of every file the program read (tsconfig.json, so the
 * compiler options, included) + the TypeScript version, so an unchanged app costs a few file hashes instead of a
 * program build.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type ts from 'typescript';
import { UserError } from '../errors.js';
import { FileCache, findProjectRoot } from './file-cache.js';

export interface TypecheckOptions {
  /** The tsconfig.json whose compiler options (strict, paths) apply. Default: the nearest one above the app. */
  readonly tsConfigFilePath?: string;
  /** Skip the cache (default false). */
  readonly noCache?: boolean;
}

export interface TypecheckResult {
  /** The env module that was checked (absolute). */
  readonly file: string;
  /** True when an earlier passing check of the same file contents was reused. */
  readonly cached: boolean;
  readonly ms: number;
}

// The compiler takes about half a second to load: only a cache miss pays for it.
const require = createRequire(import.meta.url);
const TS_VERSION = (require('typescript/package.json') as { version: string }).version;
let tsModule: typeof ts | undefined;
function typescript(): typeof ts {
  return (tsModule ??= require('typescript') as typeof ts);
}

/** How many compiler messages one error shows before summarising the rest. */
const MAX_SHOWN = 20;

/** Bumped when what a check covers changes, so passes cached by an older Berth are not trusted. */
const CHECK_VERSION = 2;

/** What one check of an app covers. */
export interface AppCheck {
  /** The app's entry module (`apps/shop/index.ts`): it and every project file it reaches are checked. */
  readonly index?: string;
  /** Env modules: names (`prod`) or paths, as `typecheckEnvModule` takes them. */
  readonly envs: readonly string[];
}

/**
 * Type-checks `envFile` (absolute, relative to the working directory, relative to `appDir`, or an env name such
 * as `prod` for `appDir/env/prod.ts`) and the files it imports from the app. Throws a UserError with the
 * compiler's messages (`apps/shop/env/prod.ts:12:5 - error TS2322: ...`) when there are errors.
 */
export function typecheckEnvModule(appDir: string, envFile: string, options: TypecheckOptions = {}): TypecheckResult {
  return typecheckEnvModules(appDir, [envFile], options)[0]!;
}

/**
 * Type-checks several env modules of one app with one program (checking all envs of an app costs about what
 * checking one does). Results are in the order of `envFiles`; any error stops with all the messages.
 */
export function typecheckEnvModules(appDir: string, envFiles: readonly string[], options: TypecheckOptions = {}): TypecheckResult[] {
  return typecheckApp(appDir, { envs: envFiles }, options);
}

/**
 * Type-checks an app's code and its env modules with one program (the env modules import the config type the
 * code uses, so the second costs little: measured +0.1 s CPU for apps/shop). Results: the index first when given,
 * then the env modules in order. Any error stops with every message (up to MAX_SHOWN).
 */
export function typecheckApp(appDir: string, check: AppCheck, options: TypecheckOptions = {}): TypecheckResult[] {
  const started = performance.now();
  const app = resolve(appDir);
  const envFiles = check.envs.map((e) => resolveEnvFile(app, e));
  const files = [...(check.index ? [resolve(check.index)] : []), ...envFiles];
  const tsConfigFilePath = resolve(options.tsConfigFilePath ?? join(findProjectRoot(app), 'tsconfig.json'));
  const root = dirname(tsConfigFilePath);
  const cache = new FileCache<true>(root, 'typecheck', `v${CHECK_VERSION} ts${TS_VERSION} ${tsConfigFilePath} ${app}`);
  const misses = [...new Set(files.filter((f) => options.noCache || !cache.get(f)))];
  if (misses.length === 0) return files.map((file) => ({ file, cached: true, ms: performance.now() - started }));

  const compilerOptions = withProjectPackages({ ...readCompilerOptions(tsConfigFilePath), noEmit: true }, app, root);
  const checked = checkedFiles(app, root, misses, compilerOptions);
  // Global type packages (`types`: @types/node, @types/jest) are most of a program's files, and app code and env
  // modules rarely use them. Leaving them out can only add errors (a missing `process`), never hide one, so a clean
  // check without them is a pass; on any error the check is repeated with the tsconfig's own options, and
  // that run's messages are the ones reported.
  let program = typescript().createProgram({ rootNames: misses, options: { ...compilerOptions, types: [] } });
  let diagnostics = errorsOf(program, checked);
  if (diagnostics.length > 0 && !sameTypes(compilerOptions.types, [])) {
    program = typescript().createProgram({ rootNames: misses, options: compilerOptions });
    diagnostics = errorsOf(program, checked);
  }

  if (diagnostics.length > 0) throw typeErrors(diagnostics, app, misses, envFiles);

  // Each passing file is cached against every file of the shared program: editing one env module re-checks the
  // others too, which costs nothing extra when they are checked together, as synth does.
  const involved = program
    .getSourceFiles()
    .map((sf) => resolve(sf.fileName))
    .filter((p) => !p.split(sep).includes('node_modules'));
  // Dependencies' types come from node_modules, which the lock file pins.
  const lock = join(root, 'package-lock.json');
  if (!options.noCache) {
    for (const file of misses) cache.set(file, [...involved, tsConfigFilePath, ...(existsSync(lock) ? [lock] : [])], true);
  }
  const ms = performance.now() - started;
  return files.map((file) => ({ file, cached: !misses.includes(file), ms }));
}

/**
 * An app outside the project (`berth synth /tmp/x/app`) has no node_modules above it; its bundle resolves packages
 * from the project's, so the check must too.
 */
function withProjectPackages(options: ts.CompilerOptions, app: string, root: string): ts.CompilerOptions {
  if (isInside(root, app)) return options;
  const modules = join(root, 'node_modules');
  return {
    ...options,
    paths: { ...options.paths, '*': [join(modules, '*'), join(modules, '@types', '*')] },
    // NodeNext's ESM mode (an app dir whose package.json says "type": "module", as every template's does) does not
    // read a mapped package folder's package.json, so `constructs` would not resolve; "bundler" resolution does.
    module: typescript().ModuleKind.ESNext,
    moduleResolution: typescript().ModuleResolutionKind.Bundler,
  };
}

/** One UserError with every message; it names the env modules when only they fail, else the app. */
function typeErrors(diagnostics: readonly ts.Diagnostic[], app: string, roots: readonly string[], envFiles: readonly string[]): UserError {
  const shown = diagnostics.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(d, process.cwd()));
  if (diagnostics.length > MAX_SHOWN) shown.push(`... and ${diagnostics.length - MAX_SHOWN} more`);
  const count = diagnostics.length === 1 ? '1 type error' : `${diagnostics.length} type errors`;
  const failing = new Set(diagnostics.map((d) => (d.file ? resolve(d.file.fileName) : '')));
  const failingEnvs = roots.filter((f) => envFiles.includes(f) && failing.has(f));
  const onlyEnvs = [...failing].every((f) => envFiles.includes(f)) || roots.every((f) => envFiles.includes(f));
  if (!onlyEnvs) {
    return new UserError(`app ${displayPath(app)} does not type-check (${count}):\n${shown.join('\n')}`, {
      hint: 'fix the code above (a misspelt prop or method, a wrong type); `npm run typecheck` shows the same errors',
    });
  }
  const blamed = failingEnvs.length > 0 ? failingEnvs : roots;
  const what = blamed.length === 1 ? `env module ${displayPath(blamed[0]!)}` : `env modules ${blamed.map((f) => displayPath(f)).join(', ')}`;
  return new UserError(`${what} ${blamed.length === 1 ? 'does' : 'do'} not type-check (${count}):\n${shown.join('\n')}`, {
    hint: 'fix the env module so that it satisfies the app config type; `npm run typecheck` shows the same errors',
  });
}

/**
 * Which of a program's files are checked: the roots, files inside the app, and every other file of the project
 * (shared app helpers) except node_modules and the libraries tsconfig `paths` maps packages to (here `berth` →
 * lib/: checking the library's own code too would double a cold check, 1.3 → 2.6 s CPU for apps/shop, and it is
 * `npm run typecheck`'s job).
 */
function checkedFiles(app: string, root: string, roots: readonly string[], options: ts.CompilerOptions): (file: string) => boolean {
  const base = options.pathsBasePath ? String(options.pathsBasePath) : (options.baseUrl ?? root);
  const libraries = Object.values(options.paths ?? {})
    .flat()
    .map((target) => dirname(resolve(base, target)));
  return (file) => {
    const abs = resolve(file);
    if (roots.includes(abs) || isInside(app, abs)) return true;
    return isInside(root, abs) && !abs.endsWith('.d.ts') && !libraries.some((lib) => abs === lib || isInside(lib, abs));
  };
}

/** Errors in the files `isChecked` selects, plus the program's own (options, globals). */
function errorsOf(program: ts.Program, isChecked: (file: string) => boolean): ts.Diagnostic[] {
  const checked = program.getSourceFiles().filter((sf) => isChecked(sf.fileName));
  return [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ].filter((d) => d.category === typescript().DiagnosticCategory.Error);
}

function sameTypes(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((t, i) => t === b[i]);
}

/** `path:line:col - error TS2322: message`, continuation lines of a message chain indented. */
export function formatDiagnostic(d: ts.Diagnostic, cwd: string): string {
  const message = typescript().flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${displayPath(d.file.fileName, cwd)}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
}

function resolveEnvFile(app: string, envFile: string): string {
  const candidates = isAbsolute(envFile)
    ? [envFile]
    : [resolve(envFile), resolve(app, envFile), resolve(app, 'env', envFile), resolve(app, 'env', `${envFile}.ts`)];
  const found = candidates.find((c) => existsSync(c) && c.endsWith('.ts'));
  if (found) return found;
  const envDir = join(app, 'env');
  const available = existsSync(envDir)
    ? readdirSync(envDir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.replace(/\.ts$/, ''))
    : [];
  throw new UserError(`env module ${envFile} not found in ${displayPath(app)}`, {
    hint: available.length > 0 ? `available envs: ${available.join(', ')}` : `create ${displayPath(envDir)}/<env>.ts`,
  });
}

/** The compiler options of a tsconfig.json (defaults when there is none). */
export function readCompilerOptions(tsConfigFilePath: string): ts.CompilerOptions {
  if (!existsSync(tsConfigFilePath)) return { strict: true, module: typescript().ModuleKind.NodeNext, moduleResolution: typescript().ModuleResolutionKind.NodeNext };
  const read = typescript().readConfigFile(tsConfigFilePath, (p) => typescript().sys.readFile(p));
  if (read.error) {
    throw new UserError(`cannot read ${displayPath(tsConfigFilePath)}: ${typescript().flattenDiagnosticMessageText(read.error.messageText, ' ')}`);
  }
  return typescript().parseJsonConfigFileContent(read.config, typescript().sys, dirname(tsConfigFilePath), undefined, tsConfigFilePath).options;
}

function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('node_modules');
}

function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(file));
  return rel === '' || rel.startsWith('..') ? file : rel;
}
