import { Command, Option } from 'commander';
import { parseNamespace, parseReleaseName, valuesFlags } from '../options.js';
import { mark } from '../../util/timing.js';

export function synthCommand(): Command {
  const cmd = new Command('synth')
    .description('Render apps to plain Kubernetes manifests in dist/<app>/<env>/ (all apps and envs when no app is given)')
    .argument('[app]', 'app name under apps/ or a path to an app directory')
    .option('-e, --env <env>', 'environment (apps/<app>/env/<env>.ts); default: every environment')
    .option('-r, --release <name>', 'release name used in object names (default: the app name)', parseReleaseName)
    .option('-n, --namespace <ns>', 'namespace of the objects (default: the env name)', parseNamespace);
  return valuesFlags(cmd)
    .addOption(new Option('--out <dir>', 'output directory').default(process.env.CDK8S_OUTDIR ?? 'dist', '$CDK8S_OUTDIR or dist'))
    .option('--stdout', 'print the manifests as one YAML stream instead of writing files')
    .option('--kubeconfig <file>', "read the release's key from this cluster (read only), so pod templates carry the keyed secret hash deploy renders")
    .option('--context <name>', 'kubeconfig context for --kubeconfig (default: its current context)')
    .addOption(new Option('-o, --output <format>', 'summary format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  berth synth                          every app and env into dist/
  berth synth shop --env prod          dist/shop/prod/*.yaml
  berth synth shop --env prod --stdout | kubectl apply --server-side -f -
  berth synth hello -f values.yaml --set replicas=3

Output is deterministic: the same sources give byte-identical files, one file per service, objects
in apply order (kind order, then service, then name) with sorted keys. Secrets generated from
secret-marked config are not written (each file's header names them); berth deploy applies them.
Nothing derived from a secret value is rendered either, unless --kubeconfig / --context name a cluster
where the release was deployed: then its pod templates get the berth.dev/secret-hash keyed with that
release's key, as deploy renders them (for kubectl diff --server-side against a deployed release).`,
    )
    .action(async (app: string | undefined, opts) => {
      const { synthToDisk } = await import('../../synth/run.js');
      const { info, printJson } = await import('../output.js');
      mark('synth modules loaded');
      const releaseKey = opts.kubeconfig !== undefined || opts.context !== undefined ? await clusterReleaseKey(opts) : undefined;
      const reports = await synthToDisk({ app, ...opts, releaseKey });
      if (opts.output === 'json') return printJson(reports);
      for (const r of reports) {
        const where = r.dir ? `→ ${r.dir}/ (${r.files.length} files)` : '→ stdout';
        info(`synth ${r.app}/${r.env} release ${r.namespace}/${r.release}: ${r.objects} objects ${where} ${r.ms}ms`);
        if (r.defaultResources.length > 0) info(`  on default resources (set 'resources' to size them): ${defaultResourcesLine(r.defaultResources)}`);
      }
    });
}

/** `api, worker (worker, envoy)`: a service alone when only its container of the same name is on defaults. */
export function defaultResourcesLine(services: readonly { service: string; containers: readonly string[] }[]): string {
  return services.map((s) => (s.containers.length === 1 && s.containers[0] === s.service ? s.service : `${s.service} (${s.containers.join(', ')})`)).join(', ');
}

/** Reads release keys from the cluster the flags name; never writes. */
async function clusterReleaseKey(opts: { kubeconfig?: string; context?: string }) {
  const { KubeClient } = await import('../../kube/client.js');
  const { readReleaseKey } = await import('../../release/key.js');
  const client = await KubeClient.connect({ kubeconfig: opts.kubeconfig, context: opts.context });
  return async (release: string, namespace: string): Promise<Buffer | undefined> => {
    const found = await readReleaseKey(client, namespace, release);
    return found.stored ? found.key : undefined;
  };
}
