import { Command } from 'commander';
import { parseReleaseName, queryFlags, type QueryFlags } from '../options.js';

export function historyCommand(): Command {
  return queryFlags(new Command('history'))
    .description('Show the revisions of a release: number, status, time, app version, template version and what happened')
    .argument('<release>', 'release name', parseReleaseName)
    .addHelpText(
      'after',
      `
Examples:
  berth history shop -n prod
  berth history shop -n prod -o json`,
    )
    .action(async (release: string, opts: QueryFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { historyAction, shortTime } = await import('../../release/queries.js');
      const { printJson, table, templateLabel } = await import('../output.js');
      const { store } = await openStore(opts);
      const revisions = await historyAction(store, release);
      if (opts.output === 'json') return printJson(revisions);
      // The TEMPLATE column only for releases that ever ran one: an app's history keeps its familiar shape.
      const templates = revisions.some((r) => r.template);
      const rows = revisions.map((r) => [
        String(r.revision),
        shortTime(r.updatedAt),
        r.status,
        r.app,
        r.version,
        ...(templates ? [templateLabel(r.template)] : []),
        r.error ? `${r.description} (${clip(r.error.split('\n')[0]!, 100)})` : r.description,
      ]);
      process.stdout.write(table(['REVISION', 'UPDATED (UTC)', 'STATUS', 'APP', 'VERSION', ...(templates ? ['TEMPLATE'] : []), 'DESCRIPTION'], rows));
    });
}

/** The table stays readable; `-o json` and `berth status` carry the whole error. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
