import semver from 'semver';
import { listFields, type JsonSchema } from '../config/json-schema.js';
import { BerthError } from '../errors.js';
import { fetchPackument, templateManifestOf } from '../registry/client.js';
import { loadNpmConfig } from '../registry/npmrc.js';
import { searchTemplates } from '../registry/search.js';
import type { CatalogEntry, CatalogList } from './api-types.js';

/**
 * `GET /api/catalog?q=`: `berth template search`'s function over the scopes of the project's .npmrc, each match with
 * its versions and its config as `berth schema`'s rows. A registry that cannot be reached or refuses the token is a
 * note, not an error page.
 */
export async function catalog(root: string, q: string): Promise<CatalogList> {
  const ctx = { npm: loadNpmConfig(root), cwd: root };
  if (ctx.npm.scopes().length === 0) {
    return { items: [], notes: ['no scopes to search: .npmrc has no @scope:registry= line (berth registry login --scope @berth for the local registry)'] };
  }
  const words = q.split(/\s+/).filter(Boolean);
  let result;
  try {
    result = await searchTemplates(words, ctx);
  } catch (err) {
    if (err instanceof BerthError) return { items: [], notes: [err.hint ? `${err.message} (${err.hint})` : err.message] };
    throw err;
  }
  const items: CatalogEntry[] = [];
  const notes: string[] = result.notTemplates.length > 0 ? [`not Berth templates (no valid berth field in their latest version): ${result.notTemplates.join(', ')}`] : [];
  for (const { entry } of result.matches) {
    try {
      // Cached by ETag: search fetched it a moment ago.
      const { packument } = await fetchPackument(entry.name, ctx);
      const latest = packument.versions[entry.version]!;
      const fields = listFields(templateManifestOf(latest).config as JsonSchema);
      items.push({
        name: entry.name,
        ...(entry.description ? { description: entry.description } : {}),
        latest: entry.version,
        versions: Object.keys(packument.versions).filter((v) => semver.valid(v)).sort(semver.rcompare),
        keywords: entry.keywords,
        config: fields.map((f) => ({
          path: f.path,
          type: f.type,
          required: f.required,
          ...(f.default !== undefined ? { default: parseDefault(f.default) } : {}),
          secret: f.secret,
          ...(f.description ? { description: f.description } : {}),
        })),
      });
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      notes.push(`${entry.name}: ${err.message}`);
    }
  }
  return { items, notes };
}

/** A default as `listFields` gives it: JSON text, or prose (`@default - the app name`). */
function parseDefault(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
