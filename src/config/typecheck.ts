/**
 * A real TypeScript type check of an env module (`apps/shop/env/prod.ts`, `export default {...} satisfies
 * ShopConfig`) before synth: esbuild only strips types, so without this a wrong config type would synth.
 * A passing check is cached by the content of every file the program read (+ the TypeScript version), so an
 * unchanged app costs a few file hashes instead of a program build.
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
  const started = performance.now();
  const app = resolve(appDir);
  const files = envFiles.map((e) => resolveEnvFile(app, e));
  const tsConfigFilePath = resolve(options.tsConfigFilePath ?? join(findProjectRoot(app), 'tsconfig.json'));
  const root = dirname(tsConfigFilePath);
  const cache = new FileCache<true>(root, 'typecheck', `ts${TS_VERSION} ${tsConfigFilePath} ${app}`);
  const misses = [...new Set(files.filter((f) => options.noCache || !cache.get(f)))];
  if (misses.length === 0) return files.map((file) => ({ file, cached: true, ms: performance.now() - started }));

  const compilerOptions = { ...readCompilerOptions(tsConfigFilePath), noEmit: true };
  // Global type packages (`types`: @types/node, @types/jest) are most of a program's files, and env modules
  // rarely use them. Leaving them out can only add errors (a missing `process`), never hide one, so a clean
  // check without them is a pass; on any error the check is repeated with the tsconfig's own options, and
  // that run's messages are the ones reported.
  let program = typescript().createProgram({ rootNames: misses, options: { ...compilerOptions, types: [] } });
  let diagnostics = errorsOf(program, app, misses);
  if (diagnostics.length > 0 && !sameTypes(compilerOptions.types, [])) {
    program = typescript().createProgram({ rootNames: misses, options: compilerOptions });
    diagnostics = errorsOf(program, app, misses);
  }

  if (diagnostics.length > 0) {
    const shown = diagnostics.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(d, process.cwd()));
    if (diagnostics.length > MAX_SHOWN) shown.push(`... and ${diagnostics.length - MAX_SHOWN} more`);
    const count = diagnostics.length === 1 ? '1 type error' : `${diagnostics.length} type errors`;
    const failing = misses.filter((f) => diagnostics.some((d) => d.file && resolve(d.file.fileName) === f));
    const blamed = failing.length > 0 ? failing : misses;
    const what = blamed.length === 1 ? `env module ${displayPath(blamed[0]!)}` : `env modules ${blamed.map((f) => displayPath(f)).join(', ')}`;
    throw new UserError(`${what} ${blamed.length === 1 ? 'does' : 'do'} not type-check (${count}):\n${shown.join('\n')}`, {
      hint: 'fix the env module so that it satisfies the app config type; `npm run typecheck` shows the same errors',
    });
  }

  // Each passing env is cached against every file of the shared program: editing one env module re-checks the
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

/** Errors in the env module and the app files it imports (the library is checked by `npm run typecheck`). */
function errorsOf(program: ts.Program, app: string, files: readonly string[]): ts.Diagnostic[] {
  const checked = program.getSourceFiles().filter((sf) => isInside(app, sf.fileName) || files.includes(resolve(sf.fileName)));
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
