import { rmSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { typecheckApp, typecheckEnvModule, typecheckEnvModules } from '../../../src/config/typecheck.js';
import { UserError } from '../../../src/errors.js';

jest.setTimeout(120_000);

const root = resolve('.');
const tsConfigFilePath = join(root, 'tsconfig.json');
let base: string;

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  base = mkdtempSync(join(root, '.cache', 'test-typecheck-'));
  process.env.BERTH_CACHE_DIR = join(base, 'cache');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A copy of the shop fixture, so that tests can break its env module without touching the repository. */
function copyApp(name: string): string {
  const dir = join(base, name);
  cpSync(join(root, 'test/unit/config/fixtures/shop'), join(dir, 'shop'), { recursive: true });
  writeFileSync(join(dir, 'berth-stub.ts'), readFileSync(join(root, 'test/unit/config/fixtures/berth-stub.ts')));
  return join(dir, 'shop');
}

describe('typecheckEnvModule', () => {
  it('passes a well-typed env module, then answers from the cache until a file changes', () => {
    const app = copyApp('ok');
    const cold = typecheckEnvModule(app, 'prod', { tsConfigFilePath });
    expect(cold).toMatchObject({ file: join(app, 'env', 'prod.ts'), cached: false });
    const warm = typecheckEnvModule(app, 'prod', { tsConfigFilePath });
    expect(warm.cached).toBe(true);
    expect(warm.ms).toBeLessThan(cold.ms / 5);

    // Changing an imported file (the config type) invalidates the cached pass.
    const config = join(app, 'config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace('readonly debug?: boolean;', 'readonly debug?: boolean; // x'));
    expect(typecheckEnvModule(app, 'prod', { tsConfigFilePath }).cached).toBe(false);
  });

  it("stops with the compiler's message, file, line and column", () => {
    const app = copyApp('bad');
    const env = join(app, 'env', 'prod.ts');
    writeFileSync(env, readFileSync(env, 'utf8').replace('replicas: 3', "replicas: '3'"));
    const shown = relative(process.cwd(), env);
    expect(() => typecheckEnvModule(app, 'env/prod.ts', { tsConfigFilePath })).toThrow(
      new UserError(
        `env module ${shown} does not type-check (1 type error):\n` +
          `${shown}:5:15 - error TS2322: Type 'string' is not assignable to type 'number'.`,
      ),
    );
    // A failing check is not cached.
    expect(() => typecheckEnvModule(app, 'prod', { tsConfigFilePath })).toThrow(UserError);
  });

  it('reports errors in app files the env module imports', () => {
    const app = copyApp('bad-import');
    writeFileSync(join(app, 'env', 'shared.ts'), "export const replicas: number = 'two';\n");
    writeFileSync(
      join(app, 'env', 'dev.ts'),
      "import type { ShopConfig } from '../config.js';\nimport { replicas } from './shared.js';\n\n" +
        "export default { tier: 'small', database: { replicas, storage: '1Gi', password: 'x' }, hosts: [] } satisfies ShopConfig;\n",
    );
    const shared = relative(process.cwd(), join(app, 'env', 'shared.ts'));
    expect(() => typecheckEnvModule(app, 'dev', { tsConfigFilePath })).toThrow(
      `${shared}:1:14 - error TS2322: Type 'string' is not assignable to type 'number'.`,
    );
  });

  it('checks several envs with one program and blames only the env with the error', () => {
    const app = copyApp('multi');
    const prod = readFileSync(join(app, 'env', 'prod.ts'), 'utf8');
    writeFileSync(join(app, 'env', 'dev.ts'), prod.replace("tier: 'large'", "tier: 'tiny'"));
    const dev = relative(process.cwd(), join(app, 'env', 'dev.ts'));
    expect(() => typecheckEnvModules(app, ['prod', 'dev'], { tsConfigFilePath })).toThrow(
      new UserError(
        `env module ${dev} does not type-check (1 type error):\n` +
          `${dev}:4:3 - error TS2322: Type '"tiny"' is not assignable to type 'Tier'.`,
      ),
    );

    writeFileSync(join(app, 'env', 'dev.ts'), prod.replace("tier: 'large'", "tier: 'small'"));
    const first = typecheckEnvModules(app, ['prod', 'dev'], { tsConfigFilePath });
    expect(first.map((r) => [r.file, r.cached])).toEqual([
      [join(app, 'env', 'prod.ts'), false],
      [join(app, 'env', 'dev.ts'), false],
    ]);
    expect(typecheckEnvModules(app, ['prod', 'dev'], { tsConfigFilePath }).map((r) => r.cached)).toEqual([true, true]);
  });

  it('names the available envs when the env module does not exist', () => {
    const app = copyApp('missing');
    expect(() => typecheckEnvModule(app, 'staging', { tsConfigFilePath })).toThrow(
      new UserError(`env module staging not found in ${relative(process.cwd(), app)}`, { hint: 'available envs: prod' }),
    );
  });
});

/** A copy of apps/hello inside the project (so `berth` and the packages resolve as for a real app) with its index edited. */
function helloWith(name: string, edit: (index: string) => string): string {
  const app = join(base, name, 'hello');
  cpSync(join(root, 'apps', 'hello'), app, { recursive: true });
  const index = join(app, 'index.ts');
  const before = readFileSync(index, 'utf8');
  writeFileSync(index, edit(before));
  expect(readFileSync(index, 'utf8')).not.toBe(before);
  return app;
}

describe('typecheckApp', () => {
  it("fails on a misspelt prop and a method that does not exist with file:line:col and the compiler's messages", () => {
    const app = helloWith('typo', (s) => s.replace('replicas: c.replicas ?? 1,', 'replicaz: c.replicas ?? 1,').replace('Probe.tcp()', 'Probe.tcpp()'));
    const index = relative(process.cwd(), join(app, 'index.ts'));
    expect(() => typecheckApp(app, { index: join(app, 'index.ts'), envs: ['dev'] }, { tsConfigFilePath })).toThrow(
      new UserError(
        `app ${relative(process.cwd(), app)} does not type-check (2 type errors):\n` +
          `${index}:12:7 - error TS2561: Object literal may only specify known properties, but 'replicaz' does not exist in type 'StatelessAppProps'. Did you mean to write 'replicas'?\n` +
          `${index}:17:23 - error TS2551: Property 'tcpp' does not exist on type 'typeof Probe'. Did you mean 'tcp'?`,
        { hint: 'fix the code above (a misspelt prop or method, a wrong type); `npm run typecheck` shows the same errors' },
      ),
    );
  });

  it('reports an unknown key in a nested option object (a probe option)', () => {
    const app = helloWith('nested', (s) => s.replace("Probe.http('/')", "Probe.http('/', { httpHeaders: { 'X-A': 'b' } })"));
    expect(() => typecheckApp(app, { index: join(app, 'index.ts'), envs: [] }, { tsConfigFilePath })).toThrow(
      /index\.ts:16:36 - error TS2353: Object literal may only specify known properties, and 'httpHeaders' does not exist in type 'HttpProbeOptions'\./,
    );
  });

  it('checks project files the app imports from outside its directory, not only the app', () => {
    const app = helloWith('shared', (s) => `import { replicas } from '../shared.js';\n${s.replace('c.replicas ?? 1', 'c.replicas ?? replicas')}`);
    writeFileSync(join(app, '..', 'shared.ts'), "export const replicas: number = 'two';\n");
    const shared = relative(process.cwd(), join(app, '..', 'shared.ts'));
    expect(() => typecheckApp(app, { index: join(app, 'index.ts'), envs: [] }, { tsConfigFilePath })).toThrow(
      `${shared}:1:14 - error TS2322: Type 'string' is not assignable to type 'number'.`,
    );
  });

  it('caches a pass of the code and the envs, and checks again after an edit of the code', () => {
    const app = helloWith('cached', (s) => s.replace('/** The smallest', '/** Still the smallest'));
    const index = join(app, 'index.ts');
    const check = () => typecheckApp(app, { index, envs: ['dev', 'prod'] }, { tsConfigFilePath }).map((r) => [relative(app, r.file), r.cached]);
    expect(check()).toEqual([['index.ts', false], ['env/dev.ts', false], ['env/prod.ts', false]]);
    expect(check()).toEqual([['index.ts', true], ['env/dev.ts', true], ['env/prod.ts', true]]);
    writeFileSync(index, readFileSync(index, 'utf8').replace("'web'", "'www'"));
    expect(check()).toEqual([['index.ts', false], ['env/dev.ts', false], ['env/prod.ts', false]]);
  });
});
