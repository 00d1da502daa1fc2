import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Where an application's sources are: `<dir>/index.ts` and `<dir>/env/<env>.ts`. */
export interface AppSource {
  readonly name: string;
  readonly dir: string;
  readonly index: string;
  /** Environment names found in `<dir>/env/`, sorted. */
  readonly envs: readonly string[];
  /**
   * The `app.kubernetes.io/version` of its objects unless the app's props set one: a template's package version
   * (the `version` of a package.json beside index.ts, or of the installed package). Apps under apps/ have none and
   * keep Application's own default.
   */
  readonly version?: string;
}

export function appsDir(root: string): string {
  return join(root, 'apps');
}

/** Every app under `<root>/apps/`, sorted by name. */
export function listApps(root: string): AppSource[] {
  const dir = appsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'index.ts')))
    .sort()
    .map((name) => findApp(root, name));
}

/**
 * Resolves an app argument: a name under `<root>/apps/` (`shop`) or a path to an app directory
 * (`./apps/shop`, `/abs/path/app`).
 */
export function findApp(root: string, app: string): AppSource {
  const isPath = app.includes('/') || app.startsWith('.') || isAbsolute(app);
  const dir = isPath ? resolve(app) : join(appsDir(root), app);
  const index = join(dir, 'index.ts');
  if (!existsSync(index)) {
    const known = listApps(root).map((a) => a.name);
    throw new UserError(`no application '${app}': ${index} does not exist`, {
      hint: known.length ? `known apps: ${known.join(', ')}` : `create ${join(appsDir(root), app, 'index.ts')} that default-exports an Application class`,
    });
  }
  const envDir = join(dir, 'env');
  const envs =
    existsSync(envDir) && statSync(envDir).isDirectory()
      ? readdirSync(envDir)
          .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
          .map((f) => f.slice(0, -3))
          .sort()
      : [];
  const version = packageVersion(dir);
  return { name: basename(dir), dir, index, envs, ...(version ? { version } : {}) };
}

/** The version of `<dir>/package.json`, when there is one (a template source dir), as a label value can hold it. */
function packageVersion(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof version === 'string' && version !== '' ? labelVersion(version) : undefined;
  } catch {
    return undefined; // not JSON: the template checks (publish, deploy) say so with their own words
  }
}

/** A semver version as a label value: build metadata's `+` is not allowed there, so `_` (as Helm's chart label does). */
export function labelVersion(version: string): string {
  return version.replaceAll('+', '_');
}
