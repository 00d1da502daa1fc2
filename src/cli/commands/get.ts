import { Command } from 'commander';
import { parseReleaseName, parseRevision, queryFlags, type QueryFlags } from '../options.js';

type GetFlags = QueryFlags & { revision?: number; showSecrets?: boolean };

function manifestCommand(): Command {
  return queryFlags(new Command('manifest'))
    .description('Print the manifests a revision recorded, as YAML (Secret values redacted; history keeps none)')
    .argument('<release>', 'release name', parseReleaseName)
    .option('--revision <n>', 'revision number (default: the newest)', parseRevision)
    .option('--show-secrets', "print the live Secrets' values in clear (newest revision only: history keeps no Secret values)")
    .action(async (release: string, opts: GetFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { getManifestsAction, manifestsToYaml } = await import('../../release/queries.js');
      const { printJson } = await import('../output.js');
      const { client, store } = await openStore(opts);
      const { manifests } = await getManifestsAction(store, release, { ...opts, client });
      if (opts.output === 'json') return printJson(manifests);
      process.stdout.write(manifestsToYaml(manifests));
    });
}

function valuesCommand(): Command {
  return queryFlags(new Command('values'))
    .description('Print the config values a revision was deployed with, as YAML (secret values show as (secret))')
    .argument('<release>', 'release name', parseReleaseName)
    .option('--revision <n>', 'revision number (default: the newest)', parseRevision)
    .action(async (release: string, opts: GetFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { getValuesAction } = await import('../../release/queries.js');
      const { printJson } = await import('../output.js');
      const { toYaml } = await import('../../util/yaml.js');
      const { store } = await openStore(opts);
      const { values } = await getValuesAction(store, release, opts);
      if (opts.output === 'json') return printJson(values ?? null);
      process.stdout.write(toYaml(values ?? {}));
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
