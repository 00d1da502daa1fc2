import { rmSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { typecheckEnvModule, typecheckEnvModules } from '../../../src/config/typecheck.js';
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
