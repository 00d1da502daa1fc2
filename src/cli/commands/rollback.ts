import { Command } from 'commander';
import { clusterFlags, crashLoopRestartsOption, lockTimeoutOption, outputOption, parseHistoryMax, parseReleaseName, parseRevision, timeoutOption, type ClusterFlags } from '../options.js';
import { cancelOnSignals } from './deploy.js';

export function rollbackCommand(): Command {
  return clusterFlags(new Command('rollback'))
    .addOption(lockTimeoutOption())
    .description('Deploy the manifests of an earlier revision again, as a new revision')
    .argument('<release>', 'release name', parseReleaseName)
    .argument('[revision]', 'revision to return to (default: the previous deployed one)', parseRevision)
    .addOption(timeoutOption('how long to wait for readiness'))
    .addOption(crashLoopRestartsOption())
    .option('--adopt', 'take over existing objects owned by another release or another tool')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--history-max <n>', 'revisions to keep', parseHistoryMax, 10)
    .addOption(outputOption())
    .addHelpText('after', `\nExamples:\n  berth rollback shop -n prod        # back to the previous deployed revision\n  berth rollback shop 3 -n prod`)
    .action(async (release: string, revision: number | undefined, opts: ClusterFlags & { timeout: number; crashLoopRestarts?: number; adopt?: boolean; dryRun?: boolean; historyMax: number; lockTimeout?: number; output: 'text' | 'json' }) => {
      const { rollback } = await import('../../deploy/rollback.js');
      const { openContext } = await import('../../deploy/setup.js');
      const { createProgress } = await import('../../deploy/progress.js');
      const { renderPlan } = await import('../../diff/render.js');
      const { rollbackJson, rollbackReport } = await import('../../deploy/report.js');
      const { isInteractive, printJson } = await import('../output.js');
      const { ExitError, EXIT_ERROR } = await import('../../errors.js');
      const timeoutMs = opts.timeout;
      const historyMax = opts.historyMax;
      const lockTimeoutMs = opts.lockTimeout;
      const progress = await createProgress(process.stderr, isInteractive() && opts.output === 'text');
      const ctx = await openContext({ ...opts, progress, signal: cancelOnSignals(), lockTimeoutMs });
      const result = await rollback(ctx, ctx.namespace, release, revision, { timeoutMs, crashLoopRestarts: opts.crashLoopRestarts, historyMax, adopt: opts.adopt, dryRun: opts.dryRun }).finally(() =>
        progress.stop(),
      );
      if (opts.output === 'json') printJson(rollbackJson(result));
      else if (opts.dryRun) process.stdout.write(renderPlan(result.plan, 'text'));
      else process.stdout.write(rollbackReport(result));
      if (result.outcome?.status === 'failed') throw new ExitError(EXIT_ERROR);
    });
}

