import { Command } from 'commander';
import { clusterFlags, outputOption, parseReleaseName, parseRevision, type ClusterFlags } from '../options.js';

export function diffRevisionsCommand(): Command {
  return clusterFlags(new Command('diff-revisions'))
    .description('Compare two revisions of a release: config changes first, then object changes')
    .argument('<release>', 'release name', parseReleaseName)
    .argument('<a>', 'older revision', parseRevision)
    .argument('<b>', 'newer revision', parseRevision)
    .option('--show-secrets', 'show Secret values instead of REDACTED (N bytes)')
    .addOption(outputOption())
    .addHelpText('after', `\nExamples:\n  berth diff-revisions shop 1 2 -n prod`)
    .action(async (release: string, a: number, b: number, opts: ClusterFlags & { showSecrets?: boolean; output: 'text' | 'json' }) => {
      const { openStore } = await import('../../release/open.js');
      const { diffRevisions, renderRevisionDiff } = await import('../../diff/revisions.js');
      const { printJson } = await import('../output.js');
      const { store } = await openStore(opts);
      const [from, to] = await Promise.all([store.get(release, a), store.get(release, b)]);
      const d = diffRevisions(from, to, { showSecrets: opts.showSecrets });
      if (opts.output === 'json') printJson(d);
      else process.stdout.write(renderRevisionDiff(d));
    });
}
