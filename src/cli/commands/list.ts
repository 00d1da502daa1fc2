import { Command } from 'commander';
import { queryFlags, type QueryFlags } from '../options.js';

export function listCommand(): Command {
  return queryFlags(new Command('list'), 'namespace to list (default: the namespace of the kubeconfig context)')
    .description('List releases: the newest revision of each, with its status')
    .option('-A, --all-namespaces', 'list releases in every namespace')
    .option('-a, --all', 'include uninstalled releases (kept with uninstall --keep-history)')
    .addHelpText(
      'after',
      `
Examples:
  berth list -n dev
  berth list -A -o json`,
    )
    .action(async (opts: QueryFlags & { allNamespaces?: boolean; all?: boolean }) => {
      const { KubeClient } = await import('../../kube/client.js');
      const { listAction, shortTime } = await import('../../release/queries.js');
      const { info, printJson, table, templateLabel } = await import('../output.js');
      if (opts.allNamespaces && opts.namespace) {
        const { UserError } = await import('../../errors.js');
        throw new UserError(`-n ${opts.namespace} and -A contradict each other`, { hint: 'use -n NS for one namespace or -A for all of them' });
      }
      const client = await KubeClient.connect(opts);
      const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? client.defaultNamespace);
      const releases = (await listAction(client, namespace)).filter((r) => opts.all || r.status !== 'uninstalled');
      if (opts.output === 'json') return printJson(releases);
      if (releases.length === 0) {
        info(`no releases ${namespace ? `in namespace ${namespace}` : 'in any namespace'}`);
        return;
      }
      // TEMPLATE as `history` shows it, and only when a listed release runs one: a list of apps keeps its shape.
      const templates = releases.some((r) => r.template);
      const header = ['NAMESPACE', 'NAME', 'REVISION', 'STATUS', 'APP', 'VERSION', ...(templates ? ['TEMPLATE'] : []), 'ENV', 'UPDATED (UTC)'];
      const rows = releases.map((r) => [
        r.namespace,
        r.release,
        String(r.revision),
        r.status,
        r.app,
        r.version,
        ...(templates ? [templateLabel(r.template)] : []),
        r.env,
        shortTime(r.updatedAt),
      ]);
      process.stdout.write(namespace ? table(header.slice(1), rows.map((r) => r.slice(1))) : table(header, rows));
    });
}
