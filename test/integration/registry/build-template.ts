/**
 * A minimal build of a template package from a template source directory, for tests until `berth template publish`
 * (engineer `registry`) lands: compiled ESM in dist/ (index, config, env/*), the `berth` field of the contract
 * (schema from the TypeScript type, defaults without secret fields, services, kinds, the sample digest), `npm pack`,
 * and `npm publish` to a test registry.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { execFile } from '../../../src/cluster/exec.js';
import { extractSchema } from '../../../src/config/schema.js';
import { listSecretPaths } from '../../../src/config/secrets.js';
import { isSecretPath } from '../../../src/model/secrets.js';
import { PROJECT_ROOT, render } from '../../../src/synth/synthesize.js';
import { loadTemplate, readTemplatePackage, sampleDigest, type TemplateManifest } from '../../../src/synth/template.js';

export interface BuildOptions {
  readonly source: string;
  readonly name: string;
  readonly version: string;
  /** Where the package directory and the .tgz go. */
  readonly out: string;
  /** Text replacements per source file (`index.ts`, `config.ts`): a new version's change. */
  readonly replace?: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;
}

export interface BuiltTemplate {
  readonly dir: string;
  readonly tgz: string;
}

export async function buildTemplate(opts: BuildOptions): Promise<BuiltTemplate> {
  const src = join(opts.out, `${opts.version}-src`);
  const dir = join(opts.out, `${opts.version}-pkg`);
  cpSync(opts.source, src, { recursive: true });
  for (const [file, pairs] of Object.entries(opts.replace ?? {})) {
    let text = readFileSync(join(src, file), 'utf8');
    for (const [from, to] of pairs) {
      if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
      text = text.replaceAll(from, to);
    }
    writeFileSync(join(src, file), text);
  }
  mkdirSync(dir, { recursive: true });
  const envs = readdirSync(join(src, 'env')).filter((f) => f.endsWith('.ts'));
  await build({
    entryPoints: [join(src, 'index.ts'), join(src, 'config.ts'), ...envs.map((f) => join(src, 'env', f))],
    outdir: join(dir, 'dist'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  cpSync(join(src, 'README.md'), join(dir, 'README.md'));
  const config = extractSchema(join(src, 'index.ts'), { tsConfigFilePath: join(PROJECT_ROOT, 'tsconfig.json') });
  const pkg = { ...JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')), name: opts.name, version: opts.version };
  const berth: TemplateManifest = { apiVersion: 1, engine: '^0.1.0', app: 'tmpl', config, defaults: {} };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, berth }, null, 2));
  // The sample render through the same loader a deploy uses.
  const loaded = await loadTemplate(readTemplatePackage(dir, undefined));
  const sampleConfig = loaded.mod.envs.default as Record<string, unknown>;
  const secretPaths = listSecretPaths(config);
  const defaults = Object.fromEntries(Object.entries(sampleConfig).filter(([k]) => !isSecretPath(k, secretPaths)));
  const sample = { env: 'default', release: 'sample', namespace: 'default' };
  const set = render(loaded.mod, loaded.source, { ...sample, config: sampleConfig });
  const full: TemplateManifest = {
    ...berth,
    defaults,
    services: set.services.map((s) => ({ name: s.name, kind: s.kind })),
    kinds: [...new Set(set.objects.map((o) => o.kind))].sort(),
    sample: { ...sample, digest: sampleDigest(set) },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, berth: full }, null, 2));
  const packed = await execFile('npm', ['pack', dir, '--pack-destination', opts.out, '--json'], { timeoutMs: 60_000 });
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const filename = (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename;
  return { dir, tgz: join(opts.out, filename) };
}

/** Publishes a packed template with the test registry's user config. */
export async function publishTemplate(tgz: string, registry: { url: string; npmrcPath: string }): Promise<void> {
  const res = await execFile('npm', ['publish', tgz, '--registry', registry.url, '--userconfig', registry.npmrcPath], { timeoutMs: 60_000 });
  if (res.code !== 0) throw new Error(`npm publish ${tgz} failed: ${res.stderr}`);
}
