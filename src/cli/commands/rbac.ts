import { Command, Option } from 'commander';

export function rbacCommand(): Command {
  return new Command('rbac')
    .description('Print the minimal Role and RoleBinding that let a ServiceAccount run every release command in one namespace')
    .requiredOption('-n, --namespace <ns>', 'namespace of the releases')
    .option('--service-account <name>', 'ServiceAccount the RoleBinding grants the Role to', 'berth-deployer')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `
Examples:
  berth rbac -n prod | kubectl apply -f -
  berth rbac -n prod --service-account ci -o json

Nothing cluster-scoped is needed: deploy, diff, status, history, rollback, uninstall, logs and events all work
with this Role (kinds rendered by Berth's construct library; an app rendering other kinds needs rules for them).`,
    )
    .action(async (opts: { namespace: string; serviceAccount: string; output: 'yaml' | 'json' }) => {
      const { releaseRbac } = await import('../../deploy/rbac.js');
      const { printJson } = await import('../output.js');
      const { toYamlDocuments } = await import('../../util/yaml.js');
      const objects = releaseRbac(opts.namespace, { serviceAccount: opts.serviceAccount });
      if (opts.output === 'json') printJson({ apiVersion: 'v1', kind: 'List', items: objects });
      else process.stdout.write(toYamlDocuments(objects));
    });
}
