import { Command } from 'commander';
import { parseRevision, withClusterFlags, type ClusterFlags } from './list.js';

type GetFlags = ClusterFlags & { revision?: number; showSecrets?: boolean };

function manifestCommand(): Command {
  return withClusterFlags(new Command('manifest'))
    .description('Print the manifests a revision recorded, as YAML (Secret values redacted unless --show-secrets)')
    .argument('<release>', 'release name')
    .option('--revision <n>', 'revision number (default: the newest)', parseRevision)
    .option('--show-secrets', 'print Secret values in clear')
    .action(async (release: string, opts: GetFlags) => {
      const { KubeClient } = await import('../../kube/client.js');
      const { SecretRevisionStore } = await import('../../release/store.js');
      const { getManifestsAction, manifestsToYaml } = await import('../../release/queries.js');
      const { printJson } = await import('../output.js');
      const client = await KubeClient.connect(opts);
      const store = new SecretRevisionStore(client, opts.namespace ?? client.defaultNamespace);
      const { manifests } = await getManifestsAction(store, release, opts);
      if (opts.output === 'json') return printJson(manifests);
      process.stdout.write(manifestsToYaml(manifests));
    });
}

function valuesCommand(): Command {
  return withClusterFlags(new Command('values'))
    .description('Print the config values a revision was deployed with, as YAML (secret values only as hashes)')
    .argument('<release>', 'release name')
    .option('--revision <n>', 'revision number (default: the newest)', parseRevision)
    .action(async (release: string, opts: GetFlags) => {
      const { KubeClient } = await import('../../kube/client.js');
      const { SecretRevisionStore } = await import('../../release/store.js');
      const { getValuesAction } = await import('../../release/queries.js');
      const { printJson } = await import('../output.js');
      const { stringify } = await import('yaml');
      const client = await KubeClient.connect(opts);
      const store = new SecretRevisionStore(client, opts.namespace ?? client.defaultNamespace);
      const { values } = await getValuesAction(store, release, opts);
      if (opts.output === 'json') return printJson(values ?? null);
      process.stdout.write(stringify(values ?? {}, { lineWidth: 0 }));
    });
}

export function getCommand(): Command {
  return new Command('get')
    .description('Print what a revision of a release recorded: its manifests or its config values')
    .addCommand(manifestCommand().exitOverride())
    .addCommand(valuesCommand().exitOverride())
    .addHelpText(
      'after',
      `
Examples:
  berth get manifest shop -n prod
  berth get manifest shop -n prod --revision 2 | kubectl diff --server-side -f -
  berth get values shop -n prod -o json`,
    );
}
