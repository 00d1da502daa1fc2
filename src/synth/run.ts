import { join, relative } from 'node:path';
import { findApp, listApps } from './apps.js';
import { chooseEnv, hasValues, loadApp, PROJECT_ROOT, synthesizeEnv } from './synthesize.js';
import { toYamlDocuments } from '../util/yaml.js';
import { printableObjects, writeManifests } from './write.js';
import type { ManifestSet } from '../model/manifest-set.js';
import { UserError } from '../errors.js';
import { mark } from '../util/timing.js';

export interface SynthRequest {
  readonly app?: string;
  readonly env?: string;
  readonly release?: string;
  readonly namespace?: string;
  readonly values: readonly string[];
  readonly set: readonly string[];
  readonly out: string;
  readonly stdout?: boolean;
  /**
   * The stored release key of a release, when synth may ask a cluster (`--kubeconfig` / `--context`): pod templates
   * then carry the keyed `berth.dev/secret-hash` exactly as `berth deploy` renders them.
   */
  readonly releaseKey?: (release: string, namespace: string) => Promise<Buffer | undefined>;
}

export interface SynthReport {
  readonly app: string;
  readonly env: string;
  readonly release: string;
  readonly namespace: string;
  readonly dir?: string;
  readonly objects: number;
  readonly files: readonly string[];
  readonly ms: number;
  /** Services with containers on Berth's default resources, and those containers, in service order. */
  readonly defaultResources: readonly { readonly service: string; readonly containers: readonly string[] }[];
}

async function writeAppSchema(index: string, path: string, root: string): Promise<void> {
  const { extractSchema } = await import('../config/schema.js');
  const { writeSchemaTo } = await import('../config/schema-file.js');
  writeSchemaTo(extractSchema(index, { tsConfigFilePath: join(root, 'tsconfig.json') }), path);
}

/** Every (app, env) the request covers, each rendered and written (or streamed to stdout). */
export async function synthToDisk(req: SynthRequest, root = PROJECT_ROOT): Promise<SynthReport[]> {
  const values = { files: req.values, set: req.set };
  const withValues = hasValues(values);
  const sources = req.app ? [findApp(root, req.app)] : listApps(root);
  if (sources.length === 0) {
    throw new UserError(`no apps found under ${join(root, 'apps')}`, { hint: 'create apps/<name>/index.ts' });
  }
  const reports: SynthReport[] = [];
  for (const source of sources) {
    const envs = req.env || withValues || source.envs.length === 0 ? [chooseEnv(source, req.env, withValues)] : source.envs;
    const mod = await loadApp(source, root, envs);
    // The config schema beside the manifests lets editors validate values files (yaml-language-server). It sits
    // next to the app's directory, not in it: `kubectl apply -R -f dist/shop/` (or Argo CD) reads every .json
    // file there as a manifest.
    if (!req.stdout) await writeAppSchema(source.index, join(req.out, `${source.name}.schema.json`), root);
    mark('schema written');
    for (const env of envs) {
      const start = performance.now();
      // Files hold objects only: the services' ports and graph edges are left out of the render (describe's graph).
      const request = { env, release: req.release, namespace: req.namespace, values, graph: false };
      let set: ManifestSet = await synthesizeEnv(source, mod, request);
      mark('rendered');
      const key = set.objects.some((o) => o.kind === 'Secret') ? await req.releaseKey?.(set.release, set.namespace) : undefined;
      if (key) set = await synthesizeEnv(source, mod, { ...request, releaseKey: key });
      let dir: string | undefined;
      let files: string[] = [];
      if (req.stdout) {
        process.stdout.write(toYamlDocuments(printableObjects(set)));
      } else {
        dir = join(req.out, source.name, env);
        files = writeManifests(set, dir);
      }
      mark('written');
      reports.push({
        app: source.name,
        env,
        release: set.release,
        namespace: set.namespace,
        dir: dir && relative(process.cwd(), dir),
        objects: set.objects.length,
        files,
        ms: Math.round(performance.now() - start),
        defaultResources: set.services
          .filter((s) => (s.defaultResources?.length ?? 0) > 0)
          .map((s) => ({ service: s.name, containers: [...s.defaultResources!] })),
      });
    }
  }
  return reports;
}
