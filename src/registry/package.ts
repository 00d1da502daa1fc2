/**
 * Builds a template package from a template source directory (README "Packaging contract"): the template's synth
 * checks (every env renders), ESM + .d.ts compiled by the TypeScript compiler into `dist/`, and the `berth` field —
 * the config schema as `berth schema` extracts it, the defaults of env/default.ts without secret fields, and the
 * services, kinds and digest of the sample render of env `default`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import semver from 'semver';
import type ts from 'typescript';
import { UserError } from '../errors.js';
import { findProjectRoot } from '../config/file-cache.js';
import { formatDiagnostic, readCompilerOptions } from '../config/typecheck.js';
import type { ConfigSchema } from '../config/json-schema.js';
import { hashSecretValues } from '../config/secrets.js';
import { findApp, type AppSource } from '../synth/apps.js';
import { schemaOfApp } from '../synth/app-schema.js';
import { loadApp, PROJECT_ROOT, synthesizeEnv } from '../synth/synthesize.js';
import { sampleDigest } from '../synth/template.js';
import { parseTemplateManifest, SERVICE_KIND_CLASS, TEMPLATE_API_VERSION, type TemplateManifest } from '../model/template-manifest.js';

/** The Berth versions a template built by this Berth works with. */
export function engineRange(berthVersion = berthPackageVersion()): string {
  return `^${berthVersion}`;
}

export function berthPackageVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The package.json of a template source dir, as far as publishing needs it. */
export interface SourcePackageJson {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly [key: string]: unknown;
}

/** npm's rule for a scoped name (scopes are the template "spaces"): lower case, URL-safe. */
const SCOPED_NAME = /^@[a-z0-9][a-z0-9._~-]*\/[a-z0-9][a-z0-9._~-]*$/;

export function readSourcePackageJson(dir: string): SourcePackageJson {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) {
    throw new UserError(`${dir} has no package.json`, { hint: 'a template source dir is made by `berth template init <dir> --name @scope/name`' });
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (typeof pkg.name !== 'string' || !SCOPED_NAME.test(pkg.name)) {
    problems.push(`name: expected a scoped package name such as "@acme/redis", got ${JSON.stringify(pkg.name)}`);
  }
  if (typeof pkg.version !== 'string' || semver.valid(pkg.version) === null) {
    problems.push(`version: expected a semver version such as "1.0.0", got ${JSON.stringify(pkg.version)}`);
  }
  if (pkg.type !== 'module') problems.push(`type: expected "module" (templates ship ESM), got ${JSON.stringify(pkg.type)}`);
  const peers = pkg.peerDependencies as Record<string, unknown> | undefined;
  if (typeof peers?.berth !== 'string') problems.push('peerDependencies.berth: expected a range such as "^0.1.0" (templates import berth)');
  if (problems.length) throw new UserError(`${file} is not a template package.json:\n  ${problems.join('\n  ')}`);
  return pkg as unknown as SourcePackageJson;
}

export interface BuildProgress {
  (line: string): void;
}

export interface BuiltPackage {
  /** The package directory, ready for `npm publish <dir>`. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly manifest: TemplateManifest;
  /** Envs whose synth passed. */
  readonly envs: readonly string[];
  readonly files: readonly string[];
}

/**
 * Synth checks, compile, `berth` field: builds the package of template source `dir` into `outDir` (emptied first).
 * Nothing is written into the source dir.
 */
export async function buildTemplatePackage(dir: string, outDir: string, onProgress: BuildProgress = () => {}): Promise<BuiltPackage> {
  const srcDir = resolve(dir);
  const pkg = readSourcePackageJson(srcDir);
  // The Application's name is the package's (`@acme/echo` → `echo`), not the directory's: a deploy of the published
  // package renders under that name, and the sample digest must match it.
  const source: AppSource = { ...findApp(PROJECT_ROOT, srcDir), name: pkg.name.split('/')[1]! };
  if (!source.envs.includes('default')) {
    throw new UserError(`${srcDir} has no env/default.ts`, { hint: 'a template needs env/default.ts: the example config used for its sample render and its defaults' });
  }
  const id = `${pkg.name}@${pkg.version}`;

  onProgress(`checking ${id}: type check and synth of env ${source.envs.join(', ')}`);
  const mod = await loadApp(source, PROJECT_ROOT, source.envs);
  for (const env of source.envs) await synthesizeEnv(source, mod, { env });
  const sampleReq = { env: 'default', release: 'sample', namespace: 'default' };
  const sample = await synthesizeEnv(source, mod, sampleReq);

  const config = schemaOfApp(srcDir, findProjectRoot(srcDir));
  const manifest: TemplateManifest = {
    apiVersion: TEMPLATE_API_VERSION,
    engine: engineRange(),
    app: sample.app,
    config: config as unknown as Record<string, unknown>,
    defaults: withoutSecrets(config, mod.envs.default ?? {}) as Record<string, unknown>,
    services: sample.services.map((s) => ({ name: s.name, kind: SERVICE_KIND_CLASS[s.kind] })),
    kinds: [...new Set(sample.objects.map((o) => o.kind))].sort(),
    sample: { ...sampleReq, digest: sampleDigest(sample) },
  };
  parseTemplateManifest(manifest, id);

  onProgress(`compiling ${relative(process.cwd(), srcDir) || '.'} (ESM + .d.ts)`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const emitted = compileTemplate(source, join(outDir, 'dist'));
  const published = {
    ...pkg,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
    files: ['dist', 'README.md'],
    berth: manifest,
  };
  delete (published as Record<string, unknown>).scripts;
  delete (published as Record<string, unknown>).devDependencies;
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  if (existsSync(join(srcDir, 'README.md'))) copyFileSync(join(srcDir, 'README.md'), join(outDir, 'README.md'));
  return { dir: outDir, name: pkg.name, version: pkg.version, manifest, envs: source.envs, files: emitted };
}

/**
 * The env/default.ts values without secret-marked fields: a published default must never carry a credential.
 * `hashSecretValues` knows which leaves are secret (unions, records, lists included); every leaf it changed is left out.
 */
export function withoutSecrets(schema: ConfigSchema, values: unknown): unknown {
  const hashed = hashSecretValues(schema, values);
  const strip = (original: unknown, masked: unknown): unknown => {
    if (Array.isArray(original) && Array.isArray(masked)) {
      return original.flatMap((item, i) => {
        const kept = strip(item, masked[i]);
        return kept === undefined ? [] : [kept];
      });
    }
    if (original !== null && typeof original === 'object' && masked !== null && typeof masked === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(original)) {
        const kept = strip(value, (masked as Record<string, unknown>)[key]);
        if (kept !== undefined) out[key] = kept;
      }
      return out;
    }
    return Object.is(original, masked) ? original : undefined;
  };
  return strip(values, hashed);
}

// The compiler takes about half a second to load: only a build pays for it.
let tsModule: typeof ts | undefined;
function typescript(): typeof ts {
  return (tsModule ??= createRequire(import.meta.url)('typescript') as typeof ts);
}

/** Template files to compile: index.ts, config.ts and env/*.ts, with what they import inside the template. */
function rootFiles(source: AppSource): string[] {
  const files = [source.index, join(source.dir, 'config.ts'), ...source.envs.map((e) => join(source.dir, 'env', `${e}.ts`))];
  return files.filter((f) => existsSync(f));
}

function inside(dir: string, file: string): boolean {
  const rel = relative(dir, resolve(file));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('node_modules') && !rel.startsWith(`dist${sep}`);
}

/**
 * Compiles with the project's compiler options (its tsconfig `paths` give the bare `berth` import its types; the
 * emitted code keeps the bare import, which the loader aliases to the running CLI's lib). Only files inside the
 * template are emitted — the program also holds lib/, which must not be copied into the package.
 */
function compileTemplate(source: AppSource, outDir: string): string[] {
  const t = typescript();
  const tsconfig = join(findProjectRoot(source.dir), 'tsconfig.json');
  const base = readCompilerOptions(tsconfig);
  const options: ts.CompilerOptions = {
    ...base,
    // A template dir outside the project (no node_modules of its own) finds constructs / cdk8s where the project's
    // own code does; its own node_modules, when it has one, still come first through the normal lookup.
    paths: { ...base.paths, '*': [join(PROJECT_ROOT, 'node_modules', '*'), join(PROJECT_ROOT, 'node_modules', '@types', '*')] },
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: false,
    sourceMap: false,
    declarationMap: false,
    outDir,
    rootDir: source.dir,
    // ESM out; "bundler" resolution reads a mapped package folder's package.json (NodeNext's ESM mode does not).
    module: t.ModuleKind.ES2022,
    moduleResolution: t.ModuleResolutionKind.Bundler,
    types: [],
  };
  const program = t.createProgram({ rootNames: rootFiles(source), options });
  const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile && inside(source.dir, f.fileName));
  // TS6059 (lib/ is outside rootDir) only says the program holds files that are not emitted: exactly the intent.
  const diagnostics = own
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .filter((d) => d.code !== 6059);
  if (diagnostics.length > 0) {
    throw new UserError(`the template does not compile:\n${diagnostics.slice(0, 20).map((d) => formatDiagnostic(d, process.cwd())).join('\n')}`, {
      hint: 'fix the TypeScript above and publish again',
    });
  }
  const written: string[] = [];
  for (const file of own) {
    const result = program.emit(file, (name, text) => {
      mkdirSync(resolve(name, '..'), { recursive: true });
      writeFileSync(name, text);
      written.push(relative(resolve(outDir, '..'), name));
    });
    if (result.emitSkipped) throw new UserError(`compiling ${relative(process.cwd(), file.fileName)} emitted nothing`);
  }
  return written.sort();
}
