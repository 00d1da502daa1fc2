/**
 * Which deploy arguments name a template package rather than an app. Apart from the rest of src/registry/ (tar, semver,
 * the registry client, config validation: ~25 ms to load) because every `berth deploy` asks, and an app's deploy
 * needs nothing else of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * True when a deploy argument names a template rather than an app: a scoped name, `name@range`, or a `.tgz`.
 * (A bare name is an app under apps/ unless the project depends on a template of that name: the caller decides.)
 */
export function isTemplateSpec(arg: string): boolean {
  return arg.startsWith('@') || /^[a-z0-9][a-z0-9._~-]*@/.test(arg) || arg.endsWith('.tgz');
}

/**
 * The template spec a deploy argument names, or undefined for an app: `@scope/...`, `name@range` and `.tgz` are
 * templates; a bare name is an app under apps/ unless there is none and the project's package.json depends on a
 * package of that name whose package.json has a `berth` field.
 */
export function templateSpecOf(arg: string, root: string, cwd = process.cwd()): string | undefined {
  if (isTemplateSpec(arg)) return arg;
  if (arg.includes('/') || arg.startsWith('.') || existsSync(join(root, 'apps', arg, 'index.ts'))) return undefined;
  const project = nearestPackageDir(cwd);
  if (!project) return undefined;
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  if (!pkg.dependencies?.[arg] && !pkg.devDependencies?.[arg]) return undefined;
  const installed = join(project, 'node_modules', arg, 'package.json');
  if (!existsSync(installed)) return undefined;
  return (JSON.parse(readFileSync(installed, 'utf8')) as { berth?: unknown }).berth ? arg : undefined;
}

function nearestPackageDir(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

