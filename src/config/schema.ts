/**
 * Extracts an application's config type as JSON Schema (draft 2020-12) with ts-morph: the TypeScript type is the
 * single source of truth, there is no hand-written schema. The app is `apps/<app>/index.ts` default-exporting
 * `class X extends Application<XConfig>`; the schema describes `XConfig`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Morph from 'ts-morph';
import { UserError } from '../errors.js';
import { FileCache, findProjectRoot } from './file-cache.js';
import { JSON_SCHEMA_DRAFT, SECRET_KEYWORD, type ConfigSchema, type JsonSchema, type JsonSchemaType } from './json-schema.js';

export type { ConfigSchema, JsonSchema } from './json-schema.js';

type Type = Morph.Type;
type TypeNode = Morph.TypeNode;
type MorphSymbol = Morph.Symbol;

// ts-morph (with the TypeScript it bundles) takes about half a second to load, so it is loaded only when the
// cache misses. Its own `ts` must be used for flags and checker objects, not the `typescript` package.
const require = createRequire(import.meta.url);
let Node: typeof Morph.Node;
let ts: typeof Morph.ts;
let Project: typeof Morph.Project;
function loadTsMorph(): void {
  if (!Project) ({ Node, ts, Project } = require('ts-morph') as typeof Morph);
}
const TS_MORPH_VERSION = (require('ts-morph/package.json') as { version: string }).version;

/** Bumped whenever the extractor's output changes for the same input, so old cache entries are ignored. */
const EXTRACTOR_VERSION = 7;

/** The type alias that marks a config field secret (exported by `lib/config.ts`). */
const SECRET_ALIAS = 'Secret';

export interface ExtractSchemaOptions {
  /** tsconfig.json to resolve imports with (the `berth` path alias). Default: the nearest one above the app. */
  readonly tsConfigFilePath?: string;
  /** Skip the content-hash cache (default false). */
  readonly noCache?: boolean;
}

/**
 * The JSON Schema of the config type of the application whose entry file is `appIndexPath`.
 * Cached by the content of every source file the type is built from, in `.cache/berth/schema/`.
 */
export function extractSchema(appIndexPath: string, options: ExtractSchemaOptions = {}): ConfigSchema {
  const entry = resolve(appIndexPath);
  if (!existsSync(entry)) {
    throw new UserError(`app entry ${appIndexPath} does not exist`, {
      hint: 'an application is apps/<app>/index.ts default-exporting `class X extends Application<XConfig>`',
    });
  }
  const tsConfigFilePath = resolve(options.tsConfigFilePath ?? join(findProjectRoot(entry), 'tsconfig.json'));
  const root = findProjectRoot(tsConfigFilePath);
  const cache = new FileCache<ConfigSchema>(root, 'schema', `v${EXTRACTOR_VERSION} ts-morph${TS_MORPH_VERSION} ${tsConfigFilePath}`);
  if (!options.noCache) {
    const hit = cache.get(entry);
    if (hit) return hit;
  }

  loadTsMorph();
  const { project, schema } = buildFromSources(entry, tsConfigFilePath, root);
  const involved = project
    .getSourceFiles()
    .map((f) => f.getFilePath() as string)
    .filter((p) => !p.includes('/node_modules/'));
  if (existsSync(tsConfigFilePath)) involved.push(tsConfigFilePath);
  // A config type may use a dependency's types (node_modules is not hashed file by file; the lock file pins it).
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) involved.push(lock);
  if (!options.noCache) cache.set(entry, involved, schema);
  return schema;
}

/** Thrown when the quick program lacks a file the config type needs: the full program is built instead. */
class NeedsFullProgram extends Error {}

/**
 * Tries a quick program first: only the app's own files and the `paths` targets (the `berth` library), with
 * imports of anything else left unresolved (`noResolve`), which skips parsing cdk8s-plus's large typings
 * and halves a cold extraction. If the config type touches a file with an unresolved import, or meets a type
 * that did not resolve, the schema could be incomplete, so it is rebuilt with every import followed.
 */
function buildFromSources(entry: string, tsConfigFilePath: string, root: string): { project: Morph.Project; schema: ConfigSchema } {
  const make = (quick: boolean) =>
    new Project({
      ...(existsSync(tsConfigFilePath) ? { tsConfigFilePath } : {}),
      skipAddingFilesFromTsConfig: true,
      // Global type packages (@types/node, @types/jest) take seconds to load and config types do not use them.
      compilerOptions: quick ? { types: [], noResolve: true } : { types: [] },
    });
  const quick = make(true);
  const sourceFile = quick.addSourceFileAtPath(entry);
  const roots = [join(dirname(entry), '**/*.ts'), ...pathTargetDirs(quick, root).map((d) => join(d, '**/*.ts'))];
  // Generated bindings (`imports/`, where `cdk8s import` and scripts/gen-k8s-bindings.mjs write) are megabytes of
  // Kubernetes types a config type does not use; one that does is unresolved here and gets the full program.
  quick.addSourceFilesAtPaths([...roots, '!**/node_modules/**', '!**/*.d.ts', '!**/imports/**']);
  try {
    return { project: quick, schema: new SchemaBuilder(quick, entry, root, true).build(sourceFile) };
  } catch (err) {
    // Any failure of the quick program (the app class re-exported from outside the app, say) may be an artefact
    // of the imports it left out; the full program's answer, error or schema, is the authoritative one.
    if (!(err instanceof NeedsFullProgram) && !(err instanceof UserError)) throw err;
  }
  const full = make(false);
  const fullSource = full.addSourceFileAtPath(entry);
  full.resolveSourceFileDependencies();
  return { project: full, schema: new SchemaBuilder(full, entry, root, false).build(fullSource) };
}

/** Directories of the tsconfig `paths` targets inside the project (`lib/` for `berth`). */
function pathTargetDirs(project: Morph.Project, root: string): string[] {
  const { paths = {}, baseUrl = root } = project.getCompilerOptions();
  return Object.values(paths)
    .flat()
    .map((target) => dirname(resolve(baseUrl, target)))
    .filter((dir) => !relative(root, dir).startsWith('..') && !dir.includes('node_modules') && existsSync(dir));
}

class SchemaBuilder {
  /** Source files whose declarations the schema was built from: in a quick program they must be complete. */
  private readonly visited = new Set<Morph.SourceFile>();
  private readonly checker: Morph.ts.TypeChecker;
  /** Object types being converted, innermost last: meeting one again means the type is recursive. */
  private readonly stack: Morph.ts.Type[] = [];
  private readonly recursive = new Set<Morph.ts.Type>();
  private readonly defs: Record<string, JsonSchema> = {};
  private anchor!: Morph.Node;

  constructor(
    project: Morph.Project,
    private readonly entry: string,
    private readonly root: string,
    private readonly quick: boolean,
  ) {
    this.checker = project.getTypeChecker().compilerObject;
  }

  build(sourceFile: Morph.SourceFile): ConfigSchema {
    const where = relative(this.root, this.entry);
    const exported = sourceFile.getDefaultExportSymbol();
    const symbol = exported?.isAlias() ? exported.getAliasedSymbol() ?? exported : exported;
    const cls = symbol?.getDeclarations().find(Node.isClassDeclaration);
    if (!cls) {
      throw new UserError(`${where} has no default-exported class`, {
        hint: 'write `export default class Shop extends Application<ShopConfig> { ... }`',
      });
    }
    this.anchor = cls;
    const configType = this.findConfigType(cls, where);
    const name = configType.getAliasSymbol()?.getName() ?? configType.getSymbol()?.getName() ?? 'Config';
    const body = this.convert(configType, undefined, '');
    const object = this.deref(body);
    if (object.type !== 'object') {
      throw new UserError(`the config type of ${where} (${configType.getText(cls)}) is not an object type`, {
        hint: 'the type argument of Application<...> must be an interface or an object type alias',
      });
    }
    const schema: ConfigSchema = {
      $schema: JSON_SCHEMA_DRAFT,
      title: name,
      ...object,
      type: 'object',
    };
    if (Object.keys(this.defs).length > 0) schema.$defs = this.defs;
    const incomplete = this.quick ? [...this.visited].filter(hasUnresolvedImport) : [];
    if (incomplete.length > 0) throw new NeedsFullProgram(`unresolved imports in ${incomplete.map((f) => f.getFilePath()).join(', ')}`);
    return schema;
  }

  private deref(schema: JsonSchema): JsonSchema {
    if (!schema.$ref) return schema;
    return this.defs[schema.$ref.replace('#/$defs/', '')] ?? schema;
  }

  /** The type argument of the first `extends Something<Config>` in the class's base chain. */
  private findConfigType(cls: Morph.ClassDeclaration, where: string): Type {
    for (let current: Morph.ClassDeclaration | undefined = cls; current; current = current.getBaseClass()) {
      const heritage = current.getExtends();
      if (!heritage) break;
      const [arg] = heritage.getTypeArguments();
      if (arg) return arg.getType();
    }
    throw new UserError(`the default-exported class ${cls.getName() ?? ''} in ${where} does not extend Application<Config>`, {
      hint: 'declare the config type as the type argument: `class Shop extends Application<ShopConfig>`',
    });
  }

  private convert(type: Type, typeNode: TypeNode | undefined, path: string): JsonSchema {
    const schema = this.convertType(type, typeNode, path);
    if (this.isSecret(type, typeNode)) markSecret(schema);
    return schema;
  }

  private convertType(type: Type, typeNode: TypeNode | undefined, path: string): JsonSchema {
    const flags = type.getFlags();
    if (this.quick && (type.compilerType as { intrinsicName?: string }).intrinsicName === 'error') throw new NeedsFullProgram();
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (type.isNull()) return { type: 'null' };
    if (type.isBoolean()) return { type: 'boolean' };
    if (type.isUnion()) return this.convertUnion(type, typeNode, path);
    if (type.isString() || type.isTemplateLiteral() || flags & ts.TypeFlags.StringMapping) return { type: 'string' };
    if (type.isNumber()) return { type: 'number' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.getLiteralValue() };
    if (type.isBooleanLiteral()) return { const: type.getText() === 'true' };
    if (type.isEnumLiteral()) return { const: type.getLiteralValue() };
    if (flags & (ts.TypeFlags.BigInt | ts.TypeFlags.BigIntLiteral | ts.TypeFlags.ESSymbolLike)) {
      this.unsupported(path, type, 'bigint and symbol values cannot be written in YAML or JSON');
    }
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never)) {
      this.unsupported(path, type, 'a field that can only be undefined carries no config; remove it or give it a type');
    }
    if (type.isIntersection()) {
      // A branded primitive (`string & { __brand: 'Secret' }`) is its primitive; object intersections merge below.
      const primitive = type.getIntersectionTypes().find((t) => t.isString() || t.isNumber() || t.isBoolean());
      if (primitive) return this.convertType(primitive, undefined, path);
    }
    if (type.isArray() || type.isReadonlyArray()) {
      const element = type.getArrayElementTypeOrThrow();
      return { type: 'array', items: this.convert(element, elementTypeNode(typeNode), `${path}[]`) };
    }
    if (type.isTuple()) {
      const elements = type.getTupleElements();
      return {
        type: 'array',
        prefixItems: elements.map((e, i) => this.convert(e, undefined, `${path}[${i}]`)),
        items: false,
        minItems: elements.length,
      };
    }
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) {
      this.unsupported(path, type, 'config is plain data: functions and classes cannot come from a values file');
    }
    if (type.getSymbol()?.getName() === 'Date') return { type: 'string', format: 'date-time' };
    if (type.isObject() || type.isIntersection()) return this.convertObject(type, typeNode, path);
    return this.unsupported(path, type, 'this kind of type has no JSON Schema equivalent');
  }

  private convertUnion(type: Type, typeNode: TypeNode | undefined, path: string): JsonSchema {
    const members = type.getUnionTypes().filter((t) => !(t.getFlags() & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    if (members.length === 0) return this.unsupported(path, type, 'a field that can only be undefined carries no config');
    if (members.length === 1) return this.convertType(members[0]!, withoutUndefined(typeNode), path);
    const literals: unknown[] = [];
    const literalTypes = new Set<'string' | 'number' | 'boolean'>();
    const rest: Type[] = [];
    let sawTrue = false;
    let sawFalse = false;
    for (const m of members) {
      if (m.isStringLiteral() || (m.isEnumLiteral() && typeof m.getLiteralValue() === 'string')) {
        literals.push(m.getLiteralValue());
        literalTypes.add('string');
      } else if (m.isNumberLiteral() || (m.isEnumLiteral() && typeof m.getLiteralValue() === 'number')) {
        literals.push(m.getLiteralValue());
        literalTypes.add('number');
      } else if (m.isBooleanLiteral()) {
        if (m.getText() === 'true') sawTrue = true;
        else sawFalse = true;
      } else {
        rest.push(m);
      }
    }
    const parts: JsonSchema[] = [];
    if (sawTrue && sawFalse) parts.push({ type: 'boolean' });
    else if (sawTrue || sawFalse) {
      literals.push(sawTrue);
      literalTypes.add('boolean');
    }
    if (literals.length > 0) {
      const types = [...literalTypes];
      parts.push({ type: types.length === 1 ? types[0]! : types, enum: literals });
    }
    for (const m of rest) parts.push(this.convertType(m, undefined, path));
    if (parts.length === 1) return parts[0]!;
    // `string | null`, `number | boolean`: a type list reads better than anyOf and gives better errors.
    const simple = parts.every((p) => Object.keys(p).length === 1 && typeof p.type === 'string');
    if (simple) return { type: parts.map((p) => p.type as JsonSchemaType) };
    return { anyOf: parts };
  }

  private convertObject(type: Type, typeNode: TypeNode | undefined, path: string): JsonSchema {
    const compilerType = type.compilerType;
    const refName = this.defName(type);
    if (this.stack.includes(compilerType)) {
      this.recursive.add(compilerType);
      return { $ref: `#/$defs/${refName}` };
    }
    this.stack.push(compilerType);
    const schema: JsonSchema = { type: 'object' };
    const doc = type.getAliasSymbol() ?? type.getSymbol();
    for (const d of doc?.getDeclarations() ?? []) this.visited.add(d.getSourceFile());
    if (path !== '' && refName !== 'Object') schema.title = refName;
    const typeDescription = doc && !doc.getName().startsWith('__') ? this.documentation(doc).description : undefined;
    if (typeDescription) schema.description = typeDescription;
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of type.getProperties()) {
      const name = prop.getName();
      const propPath = path === '' ? name : `${path}.${name}`;
      const property = this.convertProperty(prop, propPath);
      properties[name] = property;
      if (!prop.isOptional() && !includesUndefined(prop.getTypeAtLocation(this.anchor))) {
        required.push(name);
        nonEmptyByDefault(property);
      }
    }
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    const index = type.getStringIndexType() ?? type.getNumberIndexType();
    schema.additionalProperties = index ? this.convert(index, recordValueTypeNode(typeNode), `${path}.*`) : false;
    this.stack.pop();
    if (this.recursive.has(compilerType)) {
      this.defs[refName] = schema;
      return { $ref: `#/$defs/${refName}` };
    }
    return schema;
  }

  private convertProperty(prop: MorphSymbol, path: string): JsonSchema {
    const declaration = prop.getValueDeclaration() ?? prop.getDeclarations()[0];
    const typeNode =
      declaration && (Node.isPropertySignature(declaration) || Node.isPropertyDeclaration(declaration))
        ? declaration.getTypeNode()
        : undefined;
    if (declaration) this.visited.add(declaration.getSourceFile());
    const propType = prop.getTypeAtLocation(this.anchor);
    const converted = this.convert(propType, typeNode, path);
    const { description, tags } = this.documentation(prop);
    // The field's own doc comment wins over the doc comment of its type.
    const schema: JsonSchema = { ...converted };
    if (description) schema.description = description;
    this.applyTags(schema, tags, path);
    return schema;
  }

  private applyTags(schema: JsonSchema, tags: ReadonlyArray<readonly [string, string]>, path: string): void {
    for (const [name, text] of tags) {
      switch (name) {
        case 'default': {
          const parsed = parseDefault(text);
          if (parsed.prose === undefined && fitsType(schema, parsed.value)) schema.default = parsed.value;
          else schema['x-berth-default-text'] = parsed.prose ?? text.trim();
          break;
        }
        case 'secret':
          markSecret(schema);
          break;
        case 'integer':
          if (schema.type === 'number') schema.type = 'integer';
          else this.badTag(path, name, text, 'only number fields can be @integer');
          break;
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
        case 'minLength':
        case 'maxLength':
        case 'minItems':
        case 'maxItems': {
          const n = Number(text.trim());
          if (text.trim() === '' || !Number.isFinite(n)) this.badTag(path, name, text, 'write a number, e.g. `@' + name + ' 1`');
          schema[name] = n;
          break;
        }
        case 'pattern':
          try {
            new RegExp(text.trim(), 'u');
          } catch (err) {
            this.badTag(path, name, text, `it is not a valid regular expression (${(err as Error).message})`);
          }
          schema.pattern = text.trim();
          break;
        case 'format':
          schema.format = text.trim();
          break;
        case 'example':
          schema.examples = [...(schema.examples ?? []), parseDefault(text).value ?? text.trim()];
          break;
        case 'deprecated':
          schema.deprecated = true;
          break;
        default:
          break;
      }
    }
  }

  private badTag(path: string, tag: string, text: string, fix: string): never {
    throw new UserError(`config field ${path} has an invalid @${tag} tag (${JSON.stringify(text.trim())}): ${fix}`);
  }

  private documentation(symbol: MorphSymbol): { description?: string; tags: Array<readonly [string, string]> } {
    const s = symbol.compilerSymbol;
    const description = ts.displayPartsToString(s.getDocumentationComment(this.checker)).trim();
    const tags = s.getJsDocTags(this.checker).map((t) => [t.name, ts.displayPartsToString(t.text ?? [])] as const);
    return { ...(description ? { description } : {}), tags };
  }

  /** A field is secret when its declared type is the `Secret` alias (also inside `Secret | undefined`, arrays, records). */
  private isSecret(type: Type, typeNode: TypeNode | undefined): boolean {
    if (type.getAliasSymbol()?.getName() === SECRET_ALIAS) return true;
    if (!typeNode) return false;
    if (Node.isParenthesizedTypeNode(typeNode)) return this.isSecret(type, typeNode.getTypeNode());
    if (Node.isUnionTypeNode(typeNode)) {
      return typeNode.getTypeNodes().some((n) => Node.isTypeReference(n) && this.refersToSecret(n));
    }
    return Node.isTypeReference(typeNode) && this.refersToSecret(typeNode);
  }

  private refersToSecret(node: Morph.TypeReferenceNode): boolean {
    const name = node.getTypeName();
    let symbol = name.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    return symbol?.getName() === SECRET_ALIAS && symbol.getDeclarations().some(Node.isTypeAliasDeclaration);
  }

  /** The name of an interface or type alias the app declares; 'Object' for anonymous and library types (Record). */
  private defName(type: Type): string {
    const symbol = type.getAliasSymbol() ?? type.getSymbol();
    const declaredHere = symbol?.getDeclarations().some((d) => !d.getSourceFile().isDeclarationFile());
    const name = symbol?.getName() ?? '__';
    return declaredHere && !name.startsWith('__') ? name : 'Object';
  }

  private unsupported(path: string, type: Type, why: string): never {
    throw new UserError(`config field ${path || '(root)'} has type ${type.getText(this.anchor)}, which a values file cannot express: ${why}`);
  }
}

/** A secret field: its value goes into a generated Secret and is never shown. */
function markSecret(schema: JsonSchema): void {
  schema[SECRET_KEYWORD] = true;
  schema.writeOnly = true;
  nonEmptyByDefault(schema);
}

/**
 * Required strings and secrets must not be empty unless the field says otherwise (`@minLength 0`): an empty image,
 * host or password is a missing value that slipped past `required`.
 */
function nonEmptyByDefault(schema: JsonSchema): void {
  if (schema.type === 'string' && schema.minLength === undefined && schema.enum === undefined) schema.minLength = 1;
}

function hasUnresolvedImport(file: Morph.SourceFile): boolean {
  if (file.isDeclarationFile()) return false;
  const declarations = [...file.getImportDeclarations(), ...file.getExportDeclarations().filter((d) => d.hasModuleSpecifier())];
  return declarations.some((d) => d.getModuleSpecifierSourceFile() === undefined);
}

function includesUndefined(type: Type): boolean {
  return type.isUnion() && type.getUnionTypes().some((t) => t.getFlags() & ts.TypeFlags.Undefined);
}

/** `Secret[] | undefined` → the node of `Secret[]`, so that what is inside it is still seen. */
function withoutUndefined(node: TypeNode | undefined): TypeNode | undefined {
  if (!node || !Node.isUnionTypeNode(node)) return node;
  const rest = node.getTypeNodes().filter((n) => !['undefined', 'void'].includes(n.getText()));
  return rest.length === 1 ? rest[0] : node;
}

/** `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>` → the node of T, so that `Secret[]` is seen. */
function elementTypeNode(node: TypeNode | undefined): TypeNode | undefined {
  if (!node) return undefined;
  if (Node.isTypeOperatorTypeNode(node)) return elementTypeNode(node.getTypeNode());
  if (Node.isArrayTypeNode(node)) return node.getElementTypeNode();
  if (Node.isTypeReference(node) && /^(Readonly)?Array$/.test(node.getTypeName().getText())) return node.getTypeArguments()[0];
  return undefined;
}

/** `Record<string, T>` → the node of T; `{ [key: string]: T }` → the node of T. */
function recordValueTypeNode(node: TypeNode | undefined): TypeNode | undefined {
  if (!node) return undefined;
  if (Node.isTypeReference(node) && /^(Readonly)?Record$/.test(node.getTypeName().getText())) return node.getTypeArguments()[1];
  if (Node.isTypeReference(node) && node.getTypeName().getText() === 'Readonly') return recordValueTypeNode(node.getTypeArguments()[0]);
  if (Node.isTypeLiteral(node)) return node.getIndexSignatures()[0]?.getReturnTypeNode();
  return undefined;
}

/**
 * `@default 3`, `@default {"a": 1}`, `@default 'info'` and `@default postgres` are values; `@default no TLS`
 * and `@default - one per node` (the cdk8s-plus convention) describe a computed default: prose, not a value.
 */
export function parseDefault(text: string): { value?: unknown; prose?: string } {
  const t = text.trim();
  if (t.startsWith('- ') || t === '-') return { prose: t.replace(/^-\s*/, '') };
  try {
    return { value: JSON.parse(t) };
  } catch {
    const quoted = /^(['`])(.*)\1$/s.exec(t);
    if (quoted) return { value: quoted[2] };
    return /\s/.test(t) || t === '' ? { prose: t } : { value: t };
  }
}

/** A default whose JSON type the field does not accept (`@default none` on a number) is prose too. */
function fitsType(schema: JsonSchema, value: unknown): boolean {
  if (schema.enum) return schema.enum.some((v) => v === value);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return true;
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return types.some((t) => t === actual || ((t === 'number' || t === 'integer') && actual === 'number'));
}
