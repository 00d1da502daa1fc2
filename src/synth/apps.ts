import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** Where an application's sources are: `<dir>/index.ts` and `<dir>/env/<env>.ts`. */
export interface AppSource {
  readonly name: string;
  readonly dir: string;
  readonly index: string;
  /** Environment names found in `<dir>/env/`, sorted. */
  readonly envs: readonly string[];
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
  return { name: basename(dir), dir, index, envs };
}

