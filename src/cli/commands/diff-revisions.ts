import { Command, Option } from 'commander';
import { clusterFlags, type ClusterFlags } from './deploy.js';
import { revisionArg } from './rollback.js';

export function diffRevisionsCommand(): Command {
  return clusterFlags(new Command('diff-revisions'))
    .description('Compare two revisions of a release: config changes first, then object changes')
    .argument('<release>', 'release name')
    .argument('<a>', 'older revision', revisionArg)
    .argument('<b>', 'newer revision', revisionArg)
    .option('--show-secrets', 'show Secret values instead of REDACTED (N bytes)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `\nExamples:\n  berth diff-revisions shop 1 2 -n prod`)
    .action(async (release: string, a: number, b: number, opts: ClusterFlags & { showSecrets?: boolean; output: 'text' | 'json' }) => {
      const { KubeClient } = await import('../../kube/client.js');
      const { SecretRevisionStore } = await import('../../release/store.js');
      const { diffRevisions, renderRevisionDiff } = await import('../../diff/revisions.js');
      const { printJson } = await import('../output.js');
      const client = await KubeClient.connect(opts);
      const store = new SecretRevisionStore(client, opts.namespace ?? client.defaultNamespace);
      const [from, to] = await Promise.all([store.get(release, a), store.get(release, b)]);
      const d = diffRevisions(from, to, { showSecrets: opts.showSecrets });
      if (opts.output === 'json') printJson(d);
      else process.stdout.write(renderRevisionDiff(d));
    });
}
