import { Command } from 'commander';
import { clusterFlags, crashLoopRestartsOption, lockTimeoutOption, outputOption, parseHistoryMax, parseReleaseName, timeoutOption, valuesFlags, type ClusterFlags } from '../options.js';

/** Flags of the commands that synthesize an app for a release (deploy, diff). */
export interface AppFlags extends ClusterFlags {
  release?: string;
  env?: string;
  values: string[];
  set: string[];
  adopt?: boolean;
  showSecrets?: boolean;
  only?: string;
}

export function appFlags(cmd: Command): Command {
  return valuesFlags(
    clusterFlags(cmd)
      .argument('<app>', 'app name under apps/ or a path to an app directory')
      .option('-r, --release <name>', 'release name (default: the app name)', parseReleaseName)
      .option('-e, --env <env>', 'environment (apps/<app>/env/<env>.ts)'),
  )
    .option('--adopt', 'take over existing objects owned by another release or another tool')
    .option('--show-secrets', 'show Secret values in diffs instead of REDACTED (N bytes)')
    .option('--only <services>', 'change only these services (comma-separated; `_release` for objects of no service); the others stay as last deployed');
}

export function deployCommand(): Command {
  return appFlags(new Command('deploy'))
    .addOption(lockTimeoutOption())
    .description('Deploy an app as a named release: synth → plan → apply in waves → wait until ready → record a revision')
    .option('--create-namespace', 'create the namespace when it does not exist')
    .addOption(timeoutOption('how long to wait for readiness (90s, 5m, 1m30s)'))
    .addOption(crashLoopRestartsOption())
    .option('--atomic', 'on failure or timeout, roll back to the last deployed revision')
    .option('--dry-run', 'print the plan (same as berth diff) and change nothing')
    .option('--history-max <n>', 'revisions to keep (the last deployed one is always kept); 0 keeps all', parseHistoryMax, 10)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth deploy shop -r shop -n dev --env dev --create-namespace
  berth deploy shop -r shop -n prod --env prod --atomic --timeout 10m
  berth deploy shop -n prod --env prod --dry-run
  berth deploy shop -n prod --env prod --only orders,payments

Objects are applied with server-side apply (field manager berth) in kind order, service by service in
dependency order; each service waits for the ones it depends on to be ready. Objects of the previous
revision that are no longer rendered are deleted unless annotated berth.dev/keep. Waiting stops at once,
failing the service, when a rollout cannot succeed: a ReplicaSet refused pods (ResourceQuota), a Job past its
backoffLimit, an image that cannot be pulled, a container in CrashLoopBackOff after --crash-loop-restarts
restarts. Exit code 1 when the deploy failed (the revision records why).`,
    )
    .action(runDeploy);
}

type DeployFlags = AppFlags & { lockTimeout?: number; createNamespace?: boolean; timeout: number; crashLoopRestarts?: number; atomic?: boolean; dryRun?: boolean; historyMax: number; output: 'text' | 'json' };

/** `--lock-timeout`, on every command that takes the release lock (deploy, rollback, uninstall). */
/**
 * Ctrl-C (or SIGTERM) asks the run to stop at the next safe point, so the revision is recorded as cancelled and the
 * lock released; a second one quits at once (the next run then takes the lock over and marks the revision interrupted).
 */
export function cancelOnSignals(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`${signal}: stopping at the next safe point and recording the revision as cancelled (again to quit at once)\n`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** Synthesizes the app for the release the flags name and connects to the cluster. */
export async function loadRelease(app: string, opts: AppFlags & { dryRun?: boolean }, progressFormat: 'text' | 'json' | 'markdown', signal?: AbortSignal, lockTimeoutMs?: number) {
  const { synthesize, PROJECT_ROOT } = await import('../../synth/synthesize.js');
  const { openContext } = await import('../../deploy/setup.js');
  if (opts.release === undefined) {
    // `-r` was checked when the flags were parsed; the default, the app's name, is checked here, before any request.
    const { findApp } = await import('../../synth/apps.js');
    const { releaseNameProblem } = await import('../../model/names.js');
    const name = findApp(PROJECT_ROOT, app).name;
    const problem = releaseNameProblem(name);
    if (problem) {
      const { UserError } = await import('../../errors.js');
      throw new UserError(`release name '${name}' (the app's name, the default) ${problem}`, { hint: 'name the release with -r <name>' });
    }
  }
  const { createProgress } = await import('../../deploy/progress.js');
  const { isInteractive } = await import('../output.js');
  const progress = createProgress(process.stderr, isInteractive() && progressFormat === 'text');
  const { findApp } = await import('../../synth/apps.js');
  const { readReleaseKey } = await import('../../release/key.js');
  const ctx = await openContext({ kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace, progress, signal, lockTimeoutMs });
  // Read, never written here: deploy stores a new key holding the lock, diff never does.
  const releaseKey = await readReleaseKey(ctx.client, ctx.namespace, opts.release ?? findApp(PROJECT_ROOT, app).name);
  const set = await synthesize({
    app,
    env: opts.env,
    release: opts.release,
    namespace: ctx.namespace,
    values: { files: opts.values, set: opts.set },
    // A preview of a release with no key yet renders no secret hash: a key made up for it would differ from run to
    // run (and from the one deploy stores), and one derived from anything public would make the hash reversible.
    releaseKey: releaseKey.stored || !opts.dryRun ? releaseKey.key : undefined,
  });
  if (opts.only === undefined) return { ctx, set, releaseKey };
  const { parseOnly, restrictToServices } = await import('../../deploy/only.js');
  const { scrubRevision } = await import('../../model/secret-data.js');
  const last = await ctx.store.lastDeployed(set.release);
  // The other services stay as last deployed; their Secrets take the live values (a legacy revision's are not used).
  return { ctx, set: restrictToServices(set, parseOnly(opts.only), last && scrubRevision(last, releaseKey.key)), releaseKey };
}

async function runDeploy(app: string, opts: DeployFlags): Promise<void> {
  const { deploy } = await import('../../deploy/deploy.js');
  const { renderPlan, summaryLine } = await import('../../diff/render.js');
  const { deployJson, deployReport } = await import('../../deploy/report.js');
  const { info, printJson } = await import('../output.js');
  const { ExitError, EXIT_ERROR } = await import('../../errors.js');
  const timeoutMs = opts.timeout;
  const historyMax = opts.historyMax;
  const { ctx, set, releaseKey } = await loadRelease(app, opts, opts.output, opts.dryRun ? undefined : cancelOnSignals(), opts.lockTimeout);
  let result;
  try {
    if (!opts.dryRun && opts.output === 'text') info(`deploying ${set.app} ${set.version} (env ${set.env}) as release ${set.namespace}/${set.release}`);
    result = await deploy(ctx, set, {
      timeoutMs,
      crashLoopRestarts: opts.crashLoopRestarts,
      historyMax,
      atomic: opts.atomic,
      adopt: opts.adopt,
      dryRun: opts.dryRun,
      createNamespace: opts.createNamespace,
      showSecrets: opts.showSecrets,
      releaseKey,
    });
  } finally {
    ctx.progress.stop();
  }
  if (opts.output === 'json') printJson(deployJson(result));
  else if (result.dryRun) process.stdout.write(renderPlan(result.plan, 'text', { color: Boolean(process.stdout.isTTY) }));
  else {
    if (result.plan.hasChanges) info(`plan: ${summaryLine(result.plan)}`);
    process.stdout.write(deployReport(result));
  }
  if (ctx.signal?.aborted) throw new ExitError(130);
  if (result.outcome?.status === 'failed') throw new ExitError(EXIT_ERROR);
}
