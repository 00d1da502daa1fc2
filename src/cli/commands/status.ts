import { Command } from 'commander';
import { parseReleaseName, queryFlags, type QueryFlags } from '../options.js';

export function statusCommand(): Command {
  return queryFlags(new Command('status'))
    .description('Show a release: its newest revision, status, app version, and the live readiness of each service')
    .argument('<release>', 'release name', parseReleaseName)
    .addHelpText(
      'after',
      `
Examples:
  berth status shop -n dev
  berth status shop -n dev -o json | jq '.services[] | select(.state != "ready")'`,
    )
    .action(async (release: string, opts: QueryFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { statusAction, shortTime } = await import('../../release/queries.js');
      const { printJson, table } = await import('../output.js');
      const { client, store } = await openStore(opts);
      const s = await statusAction(client, store, release);
      if (opts.output === 'json') return printJson(s);
      const lines = [
        `release:     ${s.release}`,
        `namespace:   ${s.namespace}`,
        `revision:    ${s.revision}`,
        `status:      ${s.status}`,
        `app:         ${s.app} ${s.version}${s.env ? ` (env ${s.env})` : ''}`,
        `updated:     ${shortTime(s.updatedAt)} UTC`,
        `description: ${s.description}`,
        ...(s.error ? [`error:       ${s.error}`] : []),
        '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      if (s.services.length > 0) process.stdout.write(table(['SERVICE', 'STATE', 'MESSAGE'], s.services.map((x) => [x.name, x.state, x.message])));
    });
}
