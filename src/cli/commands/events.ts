import { Command } from 'commander';
import { queryFlags, type QueryFlags } from '../options.js';
import { splitList, stopOnSignals } from './logs.js';

type EventsFlags = QueryFlags & { service?: string; follow?: boolean; warnings?: boolean };

export function eventsCommand(): Command {
  return queryFlags(new Command('events'))
    .description("Show the events about a release's objects and the pods, ReplicaSets, Jobs and claims they made, oldest first")
    .argument('<release>', 'release name')
    .option('-s, --service <names>', 'only these services (comma-separated)')
    .option('-f, --follow', 'keep printing new events as they happen')
    .option('-w, --warnings', 'only Warning events')
    .addHelpText(
      'after',
      `
Examples:
  berth events shop -n prod
  berth events shop -n prod --warnings --service orders
  berth events shop -n prod -f
  berth events shop -n prod -o json | jq '.[] | select(.reason == "FailedScheduling")'

With -o json and -f, one JSON object per line.`,
    )
    .action(async (release: string, opts: EventsFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { loadInventory } = await import('../../operate/inventory.js');
      const { followEvents, releaseEvents } = await import('../../operate/events.js');
      const { info, printJson, table } = await import('../output.js');
      const { shortTime } = await import('../../release/queries.js');
      const { client, store } = await openStore(opts);
      const inventory = await loadInventory(store, release);
      const options = { services: splitList(opts.service), warningsOnly: opts.warnings };
      const row = (e: { time: string; type: string; reason: string; object: string; count: number; message: string }) =>
        [shortTime(e.time), e.type, e.reason, e.object, e.count > 1 ? `${e.message} (x${e.count})` : e.message];
      const header = ['TIME (UTC)', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
      if (!opts.follow) {
        const events = await releaseEvents(client, inventory, options);
        if (opts.output === 'json') return printJson(events);
        if (events.length === 0) return info(`no events about release ${release} in namespace ${inventory.namespace}${opts.warnings ? ' (warnings only)' : ''}`);
        process.stdout.write(table(header, events.map(row)));
        return;
      }
      const controller = stopOnSignals();
      if (opts.output !== 'json') process.stdout.write(table(header, []));
      await followEvents(client, inventory, { ...options, signal: controller.signal, onReconnect: (err) => info(`event watch reconnecting: ${(err as Error).message}`) }, (e) => {
        if (opts.output === 'json') process.stdout.write(`${JSON.stringify(e)}\n`);
        else process.stdout.write(`${row(e).join('   ')}\n`);
      });
    });
}
