import { Command } from 'commander';
import { parseReleaseName, queryFlags, type QueryFlags } from '../options.js';

export function statusCommand(): Command {
  return queryFlags(new Command('status'))
    .description('Show a release: its newest revision, the live readiness of each service, and why what is not ready is not')
    .argument('<release>', 'release name', parseReleaseName)
    .addHelpText(
      'after',
      `
Examples:
  berth status shop -n dev
  berth status shop -n dev -o json | jq '.services[] | select(.state != "ready")'

Per service: the pods that are not ready with their reason (CrashLoopBackOff, ImagePullBackOff, OOMKilled,
Unschedulable with the scheduler's message, a failing probe) and the newest warning events about the
service's objects since the newest revision was created.`,
    )
    .action(async (release: string, opts: QueryFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { shortTime } = await import('../../release/queries.js');
      const { statusAction } = await import('../../operate/status.js');
      const { problemLine } = await import('../../model/pod-problems.js');
      const { printJson, table } = await import('../output.js');
      const { client, store } = await openStore(opts);
      const s = await statusAction(client, store, release);
      if (opts.output === 'json') return printJson(s);
      const lines = [
        `release:     ${s.release}`,
        `namespace:   ${s.namespace}`,
        `revision:    ${s.revision}`,
        `status:      ${s.status}`,
        `app:         ${s.app} ${s.version}${s.env && !s.template ? ` (env ${s.env})` : ''}`,
        ...(s.template ? [`template:    ${s.template.name}@${s.template.version}${s.template.integrity ? ` (${s.template.integrity.slice(0, 23)}…)` : ''}`] : []),
        `updated:     ${shortTime(s.updatedAt)} UTC`,
        `description: ${s.description}`,
        ...(s.error ? [`error:       ${s.error}`] : []),
        '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      if (s.services.length === 0) return;
      const pods = (x: (typeof s.services)[number]) => (x.pods.total === 0 ? '-' : `${x.pods.ready}/${x.pods.total}`);
      process.stdout.write(table(['SERVICE', 'STATE', 'PODS', 'MESSAGE'], s.services.map((x) => [x.name, x.state, pods(x), x.message])));
      const details: string[] = [];
      for (const x of s.services) {
        if (x.notReady.length === 0 && x.warnings.length === 0) continue;
        details.push(`${x.name}:`);
        for (const p of x.notReady) details.push(`  pod ${p.pod}: ${p.problems.map(problemLine).join('; ')}`);
        for (const e of x.warnings) details.push(`  warning ${shortTime(e.time)} ${e.reason} on ${e.object}${e.count > 1 ? ` (x${e.count})` : ''}: ${e.message}`);
      }
      if (details.length > 0) process.stdout.write(`\nnot ready, and the newest warnings:\n${details.join('\n')}\n`);
    });
}
