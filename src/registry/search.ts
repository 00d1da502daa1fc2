/**
 * `berth template search`: registry search APIs do not match keywords everywhere (Verdaccio matches names and
 * scopes only), so the scopes' package names are listed, their packuments fetched (ETag-cached) and the words
 * matched here, against name, description, keywords and config field names.
 */
import { listFields, type JsonSchema } from '../config/json-schema.js';
import type { TemplateManifest } from '../model/template-manifest.js';
import { fetchPackument, listScope, templateManifestOf, type Packument, type RegistryContext } from './client.js';

export interface CatalogEntry {
  readonly name: string;
  /** The `latest` version. */
  readonly version: string;
  readonly description: string;
  readonly keywords: readonly string[];
  /** Config field paths (`image`, `db.password`, `tokens.*`). */
  readonly fields: readonly string[];
  readonly services: TemplateManifest['services'];
  readonly kinds: readonly string[];
  readonly registry: string;
}

/** The catalog line of a package, or undefined when its latest version is not a valid Berth template. */
export function catalogEntry(packument: Packument, registry: string): CatalogEntry | undefined {
  const latest = packument['dist-tags']?.latest;
  const v = latest ? packument.versions?.[latest] : undefined;
  if (!v) return undefined;
  let manifest: TemplateManifest;
  try {
    manifest = templateManifestOf(v);
  } catch {
    return undefined;
  }
  return {
    name: packument.name,
    version: v.version,
    description: v.description ?? packument.description ?? '',
    keywords: [...(v.keywords ?? [])],
    fields: listFields(manifest.config as JsonSchema).map((f) => f.path),
    services: manifest.services,
    kinds: manifest.kinds,
    registry,
  };
}

export interface Match {
  readonly entry: CatalogEntry;
  /** Where each word matched: `name`, `description`, `keyword redis`, `config field db.password`. */
  readonly on: readonly string[];
}

/** Every word must match (case-insensitive, as a substring) the name, the description, a keyword or a config field. */
export function matchEntry(entry: CatalogEntry, words: readonly string[]): Match | undefined {
  const on: string[] = [];
  for (const raw of words) {
    const word = raw.toLowerCase();
    const hit =
      (entry.name.toLowerCase().includes(word) && 'name') ||
      (entry.description.toLowerCase().includes(word) && 'description') ||
      entry.keywords.filter((k) => k.toLowerCase().includes(word)).map((k) => `keyword ${k}`)[0] ||
      entry.fields.filter((f) => f.toLowerCase().includes(word)).map((f) => `config field ${f}`)[0];
    if (!hit) return undefined;
    on.push(hit);
  }
  return { entry, on };
}

export interface SearchResult {
  readonly scopes: readonly string[];
  readonly matches: readonly Match[];
  /** Packages of the scopes that are not Berth templates (no valid `berth` field in their latest version). */
  readonly notTemplates: readonly string[];
}

/** Searches the templates of `scopes` (default: every scope with a registry line in .npmrc). */
export async function searchTemplates(words: readonly string[], ctx: RegistryContext & { scopes?: readonly string[] }): Promise<SearchResult> {
  const scopes = ctx.scopes ?? ctx.npm.scopes();
  const matches: Match[] = [];
  const notTemplates: string[] = [];
  for (const scope of scopes) {
    const { names } = await listScope(scope, ctx);
    for (const name of names) {
      const { packument, registry } = await fetchPackument(name, ctx);
      const entry = catalogEntry(packument, registry);
      if (!entry) {
        notTemplates.push(name);
        continue;
      }
      const match = matchEntry(entry, words);
      if (match) matches.push(match);
    }
  }
  matches.sort((a, b) => a.entry.name.localeCompare(b.entry.name));
  return { scopes, matches, notTemplates };
}
