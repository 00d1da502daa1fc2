import type { QueryFlags } from '../options.js';

/**
 * `berth template outdated -n NS | -A`: deployed releases whose template has a newer version — the release side of
 * `outdated` (template.ts), which hands -n / -A here; without them it lists the project's template dependencies.
 */
export async function runOutdated(opts: QueryFlags & { allNamespaces?: boolean }): Promise<void> {
  const { KubeClient } = await import('../../kube/client.js');
  const { outdatedReleases } = await import('../../registry/outdated.js');
  const { info, printJson, table } = await import('../output.js');
  if (opts.allNamespaces && opts.namespace) {
    const { UserError } = await import('../../errors.js');
    throw new UserError(`-n ${opts.namespace} and -A contradict each other`, { hint: 'use -n NS for one namespace or -A for all of them' });
  }
  const client = await KubeClient.connect(opts);
  const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? client.defaultNamespace);
  const report = await outdatedReleases(client, namespace, { cwd: process.cwd() });
  if (opts.output === 'json') return printJson(report);
  for (const u of report.unavailable) info(`warning: cannot check ${u.template}: ${u.error}`);
  const where = namespace ? `in namespace ${namespace}` : 'in any namespace';
  if (report.outdated.length === 0) {
    info(report.checked === 0 ? `no template releases ${where}` : `all ${report.checked} template release(s) ${where} are up to date`);
    return;
  }
  const rows = report.outdated.map((o) => [o.namespace, o.release, o.template.name, o.template.version, o.wanted, o.latest]);
  process.stdout.write(table(['NAMESPACE', 'RELEASE', 'TEMPLATE', 'CURRENT', 'WANTED', 'LATEST'], rows));
}
