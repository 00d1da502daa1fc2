import { Command, Option } from 'commander';
import { appFlags, loadRelease, type AppFlags } from './deploy.js';

export function diffCommand(): Command {
  return appFlags(new Command('diff'))
    .description('Show what deploy would change: per object create / update / delete / unchanged, with a diff against a server-side dry run')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--exit-code', 'exit with 2 when there are changes')
    .option('--against-git <ref>', 'compare with the app as rendered at a git revision instead of the cluster (no cluster needed); all envs unless --env')
    .addHelpText(
      'after',
      `
Examples:
  berth diff shop -n prod --env prod
  berth diff shop -n prod --env prod -o markdown > plan.md
  berth diff shop -n prod --env prod --exit-code || echo "changes pending"
  berth diff shop --against-git origin/main -o markdown > review.md   # pull-request comment, no cluster

The diff compares the live objects with what a server-side dry-run apply returns, so server defaults
are not noise. Secret values show as REDACTED (N bytes) unless --show-secrets.`,
    )
    .action(async (app: string, opts: AppFlags & { output: 'text' | 'markdown' | 'json'; exitCode?: boolean; againstGit?: string }) => {
      if (opts.againstGit !== undefined) return diffAgainstGitCommand(app, opts as AppFlags & { output: 'text' | 'markdown' | 'json'; exitCode?: boolean; againstGit: string });
      const { deploy } = await import('../../deploy/deploy.js');
      const { renderPlan } = await import('../../diff/render.js');
      const { ExitError, EXIT_DIFF } = await import('../../errors.js');
      const { ctx, set, releaseKey } = await loadRelease(app, { ...opts, dryRun: true }, opts.output);
      // The dry run of deploy: the very plan deploy would apply.
      const result = await deploy(ctx, set, { dryRun: true, adopt: opts.adopt, showSecrets: opts.showSecrets, releaseKey }).finally(() => ctx.progress.stop());
      process.stdout.write(renderPlan(result.plan, opts.output, { color: Boolean(process.stdout.isTTY) }));
      if (opts.exitCode && result.plan.hasChanges) throw new ExitError(EXIT_DIFF);
    });
}

/** `berth diff --against-git REF`: the working tree's rendering against REF's, per env; config changes first. */
async function diffAgainstGitCommand(app: string, opts: AppFlags & { output: 'text' | 'markdown' | 'json'; exitCode?: boolean; againstGit: string }): Promise<void> {
  const { diffAgainstGit, renderGitDiff } = await import('../../diff/against-git.js');
  const { listSecretPaths } = await import('../../config/secrets.js');
  const { extractSchema } = await import('../../config/schema.js');
  const { ExitError, EXIT_DIFF } = await import('../../errors.js');
  const results = await diffAgainstGit({
    ref: opts.againstGit,
    app,
    env: opts.env,
    release: opts.release,
    namespace: opts.namespace,
    showSecrets: opts.showSecrets,
    secretPaths: (index) => listSecretPaths(extractSchema(index)),
  });
  process.stdout.write(renderGitDiff(results, opts.output, opts.againstGit));
  if (opts.exitCode && results.some((r) => r.plan.hasChanges || r.plan.config.length > 0)) throw new ExitError(EXIT_DIFF);
}
