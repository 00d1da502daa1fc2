import { Command } from 'commander';
import type { DeployContext } from '../../deploy/context.js';
import type { ManifestSet, TemplateRef } from '../../model/manifest-set.js';
import type { ReleaseKey } from '../../release/key.js';
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
  resetValues?: boolean;
}

export function appFlags(cmd: Command): Command {
  return valuesFlags(
    clusterFlags(cmd)
      .argument('<app>', 'app name under apps/, a path to an app directory, or a template: @scope/name[@range], name@range, a .tgz')
      .option('-r, --release <name>', 'release name (default: the app name)', parseReleaseName)
      .option('-e, --env <env>', 'environment (apps/<app>/env/<env>.ts)'),
  )
    .option('--reset-values', "a template release: start from the template's defaults instead of the release's recorded config")
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
  berth deploy @berth/postgresql@^1 -r db -n data -f values.yaml --create-namespace
  berth deploy @berth/postgresql@1.2.0 -r db -n data          upgrade: the recorded config is kept

A template (@scope/name, name@range, a .tgz) comes from the project's lockfile when the project has it,
else from the registry .npmrc names for its scope (tarball checked against the registry's sha512). Its config
is the template's defaults, then -f, then --set; a release that already runs the template keeps its recorded
config (secret values from its live Secrets) with the new version's defaults under it (--reset-values: not).

Objects are applied with server-side apply (field manager berth) in kind order, service by service in
dependency order; each service waits for the ones it depends on to be ready. Objects of the previous
revision that are no longer rendered are deleted unless annotated berth.dev/keep. Waiting stops at once,
failing the service, when a rollout cannot succeed: a ReplicaSet refused pods (ResourceQuota), a Job past its
backoffLimit, an image that cannot be pulled, a container in CrashLoopBackOff after --crash-loop-restarts
restarts. Exit code 1 when the deploy failed (the revision records why).`,
    )
    .action(runDeploy);
}

export type DeployFlags = AppFlags & { lockTimeout?: number; createNamespace?: boolean; timeout: number; crashLoopRestarts?: number; atomic?: boolean; dryRun?: boolean; historyMax: number; output: 'text' | 'json' };

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
  const { templateSpecOf } = await import('../../registry/template-spec.js');
  const spec = templateSpecOf(app, PROJECT_ROOT);
  if (spec !== undefined) return withOnly(await loadTemplateRelease(spec, opts, progressFormat, signal, lockTimeoutMs), opts.only);
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
  const progress = await createProgress(process.stderr, isInteractive() && progressFormat === 'text');
  const { findApp } = await import('../../synth/apps.js');
  const { readReleaseKey } = await import('../../release/key.js');
  const ctx = await openContext({ kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace, progress, signal, lockTimeoutMs });
  // Read, never written here: deploy stores a new key holding the lock, diff never does. Read while the app loads.
  const keyRead = readReleaseKey(ctx.client, ctx.namespace, opts.release ?? findApp(PROJECT_ROOT, app).name);
  const renderKey = keyRead.then((k) => (k.stored || !opts.dryRun ? k.key : undefined));
  // Both awaited below; a synth error before that is the one shown, so neither rejection may go unhandled meanwhile.
  renderKey.catch(() => undefined);
  const set = await synthesize({
    app,
    env: opts.env,
    release: opts.release,
    namespace: ctx.namespace,
    values: { files: opts.values, set: opts.set },
    // A preview of a release with no key yet renders no secret hash: a key made up for it would differ from run to
    // run (and from the one deploy stores), and one derived from anything public would make the hash reversible.
    releaseKey: renderKey,
  });
  return withOnly({ ctx, set, releaseKey: await keyRead }, opts.only);
}

type LoadedRelease = { ctx: DeployContext; set: ManifestSet; releaseKey: ReleaseKey };

/** `--only`: the other services stay as last deployed; their Secrets take the live values (a legacy revision's are not used). */
async function withOnly<T extends LoadedRelease>(loaded: T, only: string | undefined): Promise<T> {
  if (only === undefined) return loaded;
  const { parseOnly, restrictToServices } = await import('../../deploy/only.js');
  const { scrubRevision } = await import('../../model/secret-data.js');
  const { ctx, set, releaseKey } = loaded;
  const last = await ctx.store.lastDeployed(set.release);
  return { ...loaded, set: restrictToServices(set, parseOnly(only), last && scrubRevision(last, releaseKey.key)) };
}

/**
 * A release of a template package: resolve (lockfile, else registry) → load → sample check → config base (the
 * release's recorded config when it runs this template already) → render with the release's key.
 */
export async function loadTemplateRelease(
  spec: string | ((ctx: DeployContext & { namespace: string }) => Promise<string>),
  opts: AppFlags & { dryRun?: boolean },
  progressFormat: 'text' | 'json' | 'markdown',
  signal?: AbortSignal,
  lockTimeoutMs?: number,
): Promise<LoadedRelease & { previous?: TemplateRef; configSource: string }> {
  const { UserError } = await import('../../errors.js');
  if (opts.env !== undefined) {
    throw new UserError(`--env ${opts.env}: a template has no environments`, { hint: 'give its config with -f values.yaml and --set key=value (berth template info shows the fields)' });
  }
  const { resolveTemplate } = await import('../../registry/resolve.js');
  const { checkSample, loadTemplate, synthesizeTemplate } = await import('../../synth/template.js');
  const { configBase } = await import('../../registry/template-release.js');
  const { releaseNameProblem } = await import('../../model/names.js');
  const { createProgress } = await import('../../deploy/progress.js');
  const { info, isInteractive } = await import('../output.js');
  const progress = await createProgress(process.stderr, isInteractive() && progressFormat === 'text');
  const { openContext } = await import('../../deploy/setup.js');
  const { readReleaseKey } = await import('../../release/key.js');
  const ctx = await openContext({ kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace, progress, signal, lockTimeoutMs });
  const pkg = await resolveTemplate(typeof spec === 'string' ? spec : await spec(ctx), { cwd: process.cwd() });
  const release = opts.release ?? pkg.berth.app;
  const problem = opts.release === undefined ? releaseNameProblem(release) : undefined;
  if (problem) throw new UserError(`release name '${release}' (the template's app name, the default) ${problem}`, { hint: 'name the release with -r <name>' });
  const loaded = await loadTemplate(pkg);
  const sampleWarning = checkSample(loaded);
  if (sampleWarning) process.stderr.write(`warning: ${sampleWarning}\n`);
  const releaseKey = await readReleaseKey(ctx.client, ctx.namespace, release);
  const values = { files: opts.values, set: opts.set };
  const base = await configBase(ctx, pkg, { release, key: releaseKey.key, values, resetValues: opts.resetValues });
  const set = await synthesizeTemplate(loaded, {
    release,
    namespace: ctx.namespace,
    values,
    base: base.base,
    baseSource: base.source,
    releaseKey: releaseKey.stored || !opts.dryRun ? releaseKey.key : undefined,
  });
  if (progressFormat === 'text') {
    const where = pkg.origin === 'lockfile' ? 'locked in the project' : pkg.origin === 'path' ? 'from a file' : `from ${pkg.registry}`;
    const from = base.from?.template;
    const change = from && from.version !== pkg.version ? `, upgrading from ${from.version}` : '';
    info(`template ${pkg.name}@${pkg.version} (${where}${change}); config: ${base.source}${values.files.length || values.set.length ? ' + the values given' : ''}`);
  }
  return { ctx, set, releaseKey, previous: base.from?.template, configSource: base.source };
}

async function runDeploy(app: string, opts: DeployFlags): Promise<void> {
  await deployLoaded(await loadRelease(app, opts, opts.output, opts.dryRun ? undefined : cancelOnSignals(), opts.lockTimeout), opts);
}

/**
 * Deploys a loaded release and prints the outcome. A template release moving to another template version shows its
 * plan first (config changes, then objects), before anything is written.
 */
export async function deployLoaded(loaded: LoadedRelease & { previous?: TemplateRef }, opts: DeployFlags): Promise<void> {
  const { deploy } = await import('../../deploy/deploy.js');
  const { renderPlan, summaryLine } = await import('../../diff/render.js');
  const { deployJson, deployReport } = await import('../../deploy/report.js');
  const { info, printJson } = await import('../output.js');
  const { ExitError, EXIT_ERROR } = await import('../../errors.js');
  const { ctx, set, releaseKey, previous } = loaded;
  const upgrading = set.template !== undefined && previous !== undefined && previous.version !== set.template.version;
  const color = Boolean(process.stdout.isTTY);
  let result;
  try {
    if (!opts.dryRun && opts.output === 'text') {
      const what = set.template ? `${set.template.name}@${set.template.version}` : `${set.app} ${set.version} (env ${set.env})`;
      info(`deploying ${what} as release ${set.namespace}/${set.release}`);
    }
    result = await deploy(ctx, set, {
      timeoutMs: opts.timeout,
      crashLoopRestarts: opts.crashLoopRestarts,
      historyMax: opts.historyMax,
      atomic: opts.atomic,
      adopt: opts.adopt,
      dryRun: opts.dryRun,
      createNamespace: opts.createNamespace,
      showSecrets: opts.showSecrets,
      releaseKey,
      ...(upgrading ? { description: `Upgrade ${previous.name} ${previous.version} → ${set.template!.version}` } : {}),
      onPlan: upgrading && opts.output === 'text' ? (p) => process.stdout.write(renderPlan(p, 'text', { color })) : undefined,
    });
  } finally {
    ctx.progress.stop();
  }
  if (opts.output === 'json') printJson(deployJson(result));
  else if (result.dryRun) process.stdout.write(renderPlan(result.plan, 'text', { color }));
  else {
    if (result.plan.hasChanges) info(`plan: ${summaryLine(result.plan)}`);
    process.stdout.write(deployReport(result));
  }
  if (ctx.signal?.aborted) throw new ExitError(130);
  if (result.outcome?.status === 'failed') throw new ExitError(EXIT_ERROR);
}
