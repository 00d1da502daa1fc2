/**
 * The npm configuration that says where packages come from, read the way npm reads it: the project's `.npmrc`
 * (beside the nearest package.json at or above `cwd`) over the user's (`NPM_CONFIG_USERCONFIG`, else `~/.npmrc`),
 * with `npm_config_*` environment variables over both. Only what fetching a template needs: the registry per scope
 * (`@acme:registry=http://127.0.0.1:4873/`), the default `registry=`, and bearer tokens per registry
 * (`//127.0.0.1:4873/:_authToken=...`). `${VAR}` in a value is the environment variable, as npm expands it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'ini';
import { UserError } from '../errors.js';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmConfig {
  /** The registry a package is fetched from: its scope's registry, else the default one. A URL ending in `/`. */
  registryFor(packageName: string): string;
  /** The bearer token configured for a registry URL (the longest matching `//host[:port]/path/:_authToken`). */
  tokenFor(registryUrl: string): string | undefined;
  /** Scopes (`@acme`) with a registry line of their own, sorted. */
  scopes(): string[];
}

type Settings = Record<string, string>;

/** Reads the npm configuration that applies in `cwd`. */
export function loadNpmConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): NpmConfig {
  const userFile = envValue(env, 'userconfig') ?? join(homedir(), '.npmrc');
  const projectFile = join(projectDir(cwd), '.npmrc');
  // Later layers win, as in npm: user < project < environment.
  const settings: Settings = { ...readNpmrc(userFile, env), ...(projectFile === userFile ? {} : readNpmrc(projectFile, env)), ...envSettings(env) };
  return new Config(settings);
}

class Config implements NpmConfig {
  constructor(private readonly settings: Settings) {}

  registryFor(packageName: string): string {
    const scope = packageName.startsWith('@') ? packageName.split('/')[0] : undefined;
    const url = (scope && this.settings[`${scope}:registry`]) || this.settings.registry || DEFAULT_REGISTRY;
    return withSlash(url);
  }

  tokenFor(registryUrl: string): string | undefined {
    // npm's "nerf dart": the URL without protocol, then each shorter path prefix down to the host.
    let url: URL;
    try {
      url = new URL(registryUrl);
    } catch {
      return undefined;
    }
    const segments = url.pathname.split('/').filter(Boolean);
    for (let n = segments.length; n >= 0; n--) {
      const path = segments.slice(0, n).map((s) => `${s}/`).join('');
      const token = this.settings[`//${url.host}/${path}:_authToken`];
      if (token) return token;
    }
    return undefined;
  }

  scopes(): string[] {
    return Object.keys(this.settings)
      .filter((k) => /^@[^:/]+:registry$/.test(k))
      .map((k) => k.slice(0, -':registry'.length))
      .sort();
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Where npm looks for the project's .npmrc: the nearest directory at or above `cwd` with a package.json. */
function projectDir(cwd: string): string {
  let dir = cwd;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return existsSync(join(dir, 'package.json')) ? dir : cwd;
}

function readNpmrc(file: string, env: NodeJS.ProcessEnv): Settings {
  if (!existsSync(file)) return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { hint: 'fix or remove the file' });
  }
  const out: Settings = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') out[key] = expand(value, env, file, key);
  }
  return out;
}

/** `${NPM_TOKEN}` → the variable's value; a variable that is not set is an error naming it, as in npm. */
function expand(value: string, env: NodeJS.ProcessEnv, file: string, key: string): string {
  return value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, slashes: string, name: string) => {
    if (slashes.length % 2 === 1) return whole.slice(1);
    const v = env[name];
    if (v === undefined) {
      throw new UserError(`${file}: ${key} uses \${${name}}, which is not set`, {
        hint: `export ${name}=... or edit ${file}`,
      });
    }
    return slashes + v;
  });
}

/** `npm_config_registry`, `NPM_CONFIG_REGISTRY`, `npm_config_@acme:registry` ... (npm matches them case-insensitively). */
function envSettings(env: NodeJS.ProcessEnv): Settings {
  const out: Settings = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(name)) continue;
    const key = name.slice('npm_config_'.length);
    const lower = key.toLowerCase();
    if (lower === 'registry' || /^@[^:]+:registry$/i.test(key)) out[lower] = value;
    else if (key.startsWith('//')) out[key] = value;
  }
  return out;
}

function envValue(env: NodeJS.ProcessEnv, key: string): string | undefined {
  // As in npm, the last of `npm_config_x` / `NPM_CONFIG_X` in the environment wins.
  const name = Object.keys(env).filter((k) => k.toLowerCase() === `npm_config_${key}`).pop();
  const value = name ? env[name] : undefined;
  return value && value !== '' ? value : undefined;
}
