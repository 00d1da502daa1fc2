import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REGISTRY, loadNpmConfig } from '../../../src/registry/npmrc.js';

describe('loadNpmConfig', () => {
  let dir: string;
  let project: string;
  let userrc: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-npmrc-'));
    project = join(dir, 'project');
    mkdirSync(join(project, 'apps', 'shop'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    userrc = join(dir, 'user.npmrc');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: Record<string, string> = {}) => ({ NPM_CONFIG_USERCONFIG: userrc, ...extra });

  it('uses the public registry when nothing is configured', () => {
    const config = loadNpmConfig(project, env());
    expect(config.registryFor('@acme/db')).toBe(DEFAULT_REGISTRY);
    expect(config.registryFor('left-pad')).toBe(DEFAULT_REGISTRY);
    expect(config.scopes()).toEqual([]);
    expect(config.tokenFor(DEFAULT_REGISTRY)).toBeUndefined();
  });

  it('takes a scope registry and its token from the project .npmrc found from a subdirectory', () => {
    writeFileSync(join(project, '.npmrc'), '@acme:registry=http://127.0.0.1:4873\n//127.0.0.1:4873/:_authToken=secret-1\n');
    const config = loadNpmConfig(join(project, 'apps', 'shop'), env());
    expect(config.registryFor('@acme/db')).toBe('http://127.0.0.1:4873/');
    expect(config.registryFor('@other/db')).toBe(DEFAULT_REGISTRY);
    expect(config.tokenFor('http://127.0.0.1:4873/')).toBe('secret-1');
    expect(config.tokenFor('http://127.0.0.1:4874/')).toBeUndefined();
    expect(config.scopes()).toEqual(['@acme']);
  });

  it('lets the project .npmrc override the user one and the environment override both', () => {
    writeFileSync(userrc, 'registry=http://user.example/\n@acme:registry=http://user.example/acme/\n@zed:registry=http://zed.example/\n');
    writeFileSync(join(project, '.npmrc'), '@acme:registry=http://project.example/\n');
    const config = loadNpmConfig(project, env({ npm_config_registry: 'http://env.example/npm' }));
    expect(config.registryFor('@acme/db')).toBe('http://project.example/');
    expect(config.registryFor('@zed/x')).toBe('http://zed.example/');
    expect(config.registryFor('plain')).toBe('http://env.example/npm/');
    expect(config.scopes()).toEqual(['@acme', '@zed']);
  });

  it('matches tokens by the longest path prefix of the registry URL', () => {
    writeFileSync(userrc, '//npm.example/:_authToken=host\n//npm.example/api/npm/:_authToken=deep\n');
    const config = loadNpmConfig(project, env());
    expect(config.tokenFor('https://npm.example/api/npm/')).toBe('deep');
    expect(config.tokenFor('https://npm.example/api/other/')).toBe('host');
  });

  it('expands ${VAR} and names a variable that is not set', () => {
    writeFileSync(join(project, '.npmrc'), '//127.0.0.1:4873/:_authToken=${BERTH_TEST_TOKEN}\n');
    expect(loadNpmConfig(project, env({ BERTH_TEST_TOKEN: 'from-env' })).tokenFor('http://127.0.0.1:4873/')).toBe('from-env');
    expect(() => loadNpmConfig(project, env())).toThrow(`${join(project, '.npmrc')}: //127.0.0.1:4873/:_authToken uses \${BERTH_TEST_TOKEN}, which is not set`);
  });
});
