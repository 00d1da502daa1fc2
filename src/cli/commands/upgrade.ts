import { Command } from 'commander';
import { crashLoopRestartsOption, lockTimeoutOption, outputOption, parseHistoryMax, parseReleaseName, timeoutOption, valuesFlags, clusterFlags } from '../options.js';
import { cancelOnSignals, deployLoaded, loadTemplateRelease, type DeployFlags } from './deploy.js';

export function upgradeCommand(): Command {
  return valuesFlags(clusterFlags(new Command('upgrade')))
    .description("Move a template release to another version of its template, keeping the release's config")
    .argument('<release>', 'release name', parseReleaseName)
    .option('--to <version>', 'template version or range (default: the version the project locks, else the newest)')
    .option('--reset-values', "start from the new version's defaults instead of the release's recorded config")
    .addOption(lockTimeoutOption())
    .addOption(timeoutOption('how long to wait for readiness (90s, 5m, 1m30s)'))
    .addOption(crashLoopRestartsOption())
    .option('--atomic', 'on failure or timeout, roll back to the last deployed revision')
    .option('--adopt', 'take over existing objects owned by another release or another tool')
    .option('--dry-run', 'print the plan (config changes first) and change nothing')
    .option('--history-max <n>', 'revisions to keep (the last deployed one is always kept); 0 keeps all', parseHistoryMax, 10)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth upgrade db -n data                   to the newest version (or the one the project's lockfile has)
  berth upgrade db -n data --to 1.2.0
  berth upgrade db -n data --to ^1 --set replicas=3 --dry-run

The config is the release's recorded config (secret values from its live Secrets) over the new version's
defaults, then -f and --set. A recorded field the new version no longer has is an error: drop it with
--set <field>=null, or --reset-values to start from the new defaults. The plan is shown before anything is
written, and only changed objects are applied. berth rollback returns to the previous template version.`,
    )
    .action(async (release: string, opts: DeployFlags & { to?: string }) => {
      const spec = async (ctx: import('../../deploy/context.js').DeployContext & { namespace: string }): Promise<string> => {
        const { UserError } = await import('../../errors.js');
        const { releaseNotFound } = await import('../../model/revision-store.js');
        const latest = await ctx.store.latest(release);
        if (!latest) throw releaseNotFound(release, ctx.namespace);
        if (!latest.template) {
          throw new UserError(`release ${release} runs the app ${latest.app}, not a template`, { hint: `deploy the app again instead: berth deploy ${latest.app} -r ${release}` });
        }
        return opts.to === undefined ? latest.template.name : `${latest.template.name}@${opts.to}`;
      };
      const signal = opts.dryRun ? undefined : cancelOnSignals();
      const loaded = await loadTemplateRelease(spec, { ...opts, release }, opts.output, signal, opts.lockTimeout);
      await deployLoaded(loaded, opts);
    });
}
