import { Command, Option } from 'commander';
import { collect, parseNamespace, parseReleaseName } from '../options.js';

export function synthCommand(): Command {
  return new Command('synth')
    .description('Render apps to plain Kubernetes manifests in dist/<app>/<env>/ (all apps and envs when no app is given)')
    .argument('[app]', 'app name under apps/ or a path to an app directory')
    .option('-e, --env <env>', 'environment (apps/<app>/env/<env>.ts); default: every environment')
    .option('-r, --release <name>', 'release name used in object names (default: the app name)', parseReleaseName)
    .option('-n, --namespace <ns>', 'namespace of the objects (default: the env name)', parseNamespace)
    .option('-f, --values <file>', 'values file (YAML or JSON) merged over the env config; repeatable', collect, [])
    .option('--set <path=value>', 'set one config value, e.g. --set api.replicas=3; repeatable', collect, [])
    .addOption(new Option('--out <dir>', 'output directory').default(process.env.CDK8S_OUTDIR ?? 'dist', '$CDK8S_OUTDIR or dist'))
    .option('--stdout', 'print the manifests as one YAML stream instead of writing files')
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
secret-marked config are not written (each file's header names them); berth deploy applies them.`,
    )
    .action(async (app: string | undefined, opts) => {
      const { synthToDisk } = await import('../../synth/run.js');
      const { info, printJson } = await import('../output.js');
      const reports = await synthToDisk({ app, ...opts });
      if (opts.output === 'json') return printJson(reports);
      for (const r of reports) {
        const where = r.dir ? `→ ${r.dir}/ (${r.files.length} files)` : '→ stdout';
        info(`synth ${r.app}/${r.env} release ${r.namespace}/${r.release}: ${r.objects} objects ${where} ${r.ms}ms`);
      }
    });
}
