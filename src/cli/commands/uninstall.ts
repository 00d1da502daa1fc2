import { Command } from 'commander';
import { clusterFlags, outputOption, type ClusterFlags } from '../options.js';
import { lockTimeoutFlag, parseLockTimeout } from './deploy.js';

export function uninstallCommand(): Command {
  return lockTimeoutFlag(clusterFlags(new Command('uninstall')))
    .description('Delete every object a release owns and wait until they are gone; delete its history unless --keep-history')
    .argument('<release>', 'release name')
    .option('--keep-history', 'keep the revisions, marked uninstalled')
    .option('--keep-volumes', "keep the PersistentVolumeClaims the release's StatefulSets created (their data)")
    .option('--timeout <duration>', 'how long to wait for the objects to be gone', '5m')
    .addOption(outputOption())
    .addHelpText('after', `\nExamples:\n  berth uninstall shop -n dev\n  berth uninstall shop -n dev --keep-history`)
    .action(async (release: string, opts: ClusterFlags & { keepHistory?: boolean; keepVolumes?: boolean; timeout: string; lockTimeout?: string; output: 'text' | 'json' }) => {
      const { parseDuration } = await import('../../deploy/duration.js');
      const { uninstall } = await import('../../deploy/uninstall.js');
      const { openContext } = await import('../../deploy/setup.js');
      const { createProgress } = await import('../../deploy/progress.js');
      const { uninstallReport } = await import('../../deploy/report.js');
      const { isInteractive, printJson } = await import('../output.js');
      const timeoutMs = parseDuration(opts.timeout);
      const lockTimeoutMs = await parseLockTimeout(opts.lockTimeout);
      const progress = createProgress(process.stderr, isInteractive() && opts.output === 'text');
      const ctx = await openContext({ ...opts, progress, lockTimeoutMs });
      const result = await uninstall(ctx, ctx.namespace, release, { keepHistory: opts.keepHistory, keepVolumes: opts.keepVolumes, timeoutMs }).finally(() => progress.stop());
      if (opts.output === 'json') printJson(result);
      else process.stdout.write(uninstallReport(result));
    });
}
