import { Command } from 'commander';
import { clusterFlags, lockTimeoutOption, outputOption, parseReleaseName, timeoutOption, type ClusterFlags } from '../options.js';

export function uninstallCommand(): Command {
  return clusterFlags(new Command('uninstall'))
    .addOption(lockTimeoutOption())
    .description('Delete every object a release owns and wait until they are gone; delete its history unless --keep-history')
    .argument('<release>', 'release name', parseReleaseName)
    .option('--keep-history', 'keep the revisions, marked uninstalled')
    .option('--keep-volumes', "keep the PersistentVolumeClaims the release's StatefulSets created (their data)")
    .addOption(timeoutOption('how long to wait for the objects to be gone'))
    .addOption(outputOption())
    .addHelpText('after', `\nExamples:\n  berth uninstall shop -n dev\n  berth uninstall shop -n dev --keep-history`)
    .action(async (release: string, opts: ClusterFlags & { keepHistory?: boolean; keepVolumes?: boolean; timeout: number; lockTimeout?: number; output: 'text' | 'json' }) => {
      const { uninstall } = await import('../../deploy/uninstall.js');
      const { openContext } = await import('../../deploy/setup.js');
      const { createProgress } = await import('../../deploy/progress.js');
      const { uninstallReport } = await import('../../deploy/report.js');
      const { isInteractive, printJson } = await import('../output.js');
      const timeoutMs = opts.timeout;
      const lockTimeoutMs = opts.lockTimeout;
      const progress = await createProgress(process.stderr, isInteractive() && opts.output === 'text');
      const ctx = await openContext({ ...opts, progress, lockTimeoutMs });
      const result = await uninstall(ctx, ctx.namespace, release, { keepHistory: opts.keepHistory, keepVolumes: opts.keepVolumes, timeoutMs }).finally(() => progress.stop());
      if (opts.output === 'json') printJson(result);
      else process.stdout.write(uninstallReport(result));
    });
}
