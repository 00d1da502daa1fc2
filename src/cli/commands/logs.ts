import { Command, InvalidArgumentError, Option } from 'commander';
import { queryFlags, type QueryFlags } from '../options.js';

type LogsFlags = QueryFlags & {
  service?: string;
  container?: string;
  follow?: boolean;
  since?: string;
  tail?: string;
  grep?: string;
  timestamps?: boolean;
  previous?: boolean;
  maxLogRequests: string;
};

function positiveInt(flag: string) {
  return (value: string): string => {
    if (!/^\d+$/.test(value) || Number(value) < 0) throw new InvalidArgumentError(`${flag} '${value}' must be a whole number`);
    return value;
  };
}

/** Comma-separated names: `a,b` → ['a', 'b']. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** Ends a followed stream on Ctrl-C / SIGTERM (a second one quits at once). */
export function stopOnSignals(): AbortController {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller;
}

export function logsCommand(): Command {
  return queryFlags(new Command('logs'))
    .description("Print the logs of every pod of a release's workloads, each line prefixed with service/pod/container")
    .argument('<release>', 'release name')
    .option('-s, --service <names>', 'only these services (comma-separated)')
    .option('-c, --container <name>', 'only containers of this name (init containers and sidecars included)')
    .option('-f, --follow', 'keep streaming; pods that start later join, pods that go away end')
    .option('--since <duration>', 'only lines newer than this (10s, 5m, 1h)')
    .option('--tail <n>', 'only the last N lines of each container', positiveInt('--tail'))
    .option('--grep <regexp>', 'only lines matching this regular expression (JavaScript syntax)')
    .option('--timestamps', 'show the time of each line')
    .option('-p, --previous', "the logs of each restarted container's previous run (after a crash)")
    .addOption(new Option('--max-log-requests <n>', 'most streams open at once; following more is an error').default('50').argParser(positiveInt('--max-log-requests')))
    .addHelpText(
      'after',
      `
Examples:
  berth logs shop -n prod --since 10m
  berth logs shop -n prod -f --service orders,payments
  berth logs shop -n prod --grep 'ERROR|WARN' --timestamps
  berth logs shop -n prod --previous --service orders
  berth logs shop -n prod -o json | jq -r 'select(.service == "db") | .message'

Pods are those of the workloads the release's newest revision recorded (Deployments, StatefulSets, DaemonSets,
Jobs, CronJobs), found through their owner references, every container including init containers and sidecars.
Without --follow the lines of all containers are merged in time order. -o json prints one JSON object per line:
{"service", "pod", "container", "time", "message"}. Notes (a pod joining or going away) go to stderr.`,
    )
    .action(async (release: string, opts: LogsFlags) => {
      const { openStore } = await import('../../release/open.js');
      const { loadInventory } = await import('../../operate/inventory.js');
      const { releaseLogs } = await import('../../operate/logs.js');
      const { parseDuration } = await import('../../deploy/duration.js');
      const { UserError } = await import('../../errors.js');
      const { colorsFor, stderrColors } = await import('../../colors.js');
      const { info } = await import('../output.js');

      let grep: RegExp | undefined;
      if (opts.grep !== undefined) {
        try {
          grep = new RegExp(opts.grep);
        } catch (err) {
          throw new UserError(`--grep '${opts.grep}' is not a valid regular expression: ${(err as Error).message}`);
        }
      }
      const sinceSeconds = opts.since === undefined ? undefined : Math.max(1, Math.ceil(parseDuration(opts.since, '--since') / 1000));
      const { client, store } = await openStore(opts);
      const inventory = await loadInventory(store, release);

      const pc = colorsFor(process.stdout);
      const palette = [pc.cyan, pc.green, pc.yellow, pc.magenta, pc.blue, pc.red];
      const services = [...new Set([...inventory.services.map((s) => s.name), ...inventory.workloads.map((w) => w.service)])].sort();
      const colorOf = (service: string) => palette[Math.max(0, services.indexOf(service)) % palette.length]!;
      const controller = opts.follow ? stopOnSignals() : undefined;

      await releaseLogs(
        client,
        inventory,
        {
          services: splitList(opts.service),
          container: opts.container,
          follow: opts.follow,
          sinceSeconds,
          tailLines: opts.tail === undefined ? undefined : Number(opts.tail),
          grep,
          previous: opts.previous,
          maxStreams: Number(opts.maxLogRequests),
          signal: controller?.signal,
        },
        {
          line: (l) => {
            if (opts.output === 'json') {
              process.stdout.write(`${JSON.stringify({ service: l.service, pod: l.pod, container: l.container, time: l.time, message: l.message })}\n`);
              return;
            }
            const prefix = colorOf(l.service)(`${l.service}/${l.pod}/${l.container}`);
            process.stdout.write(`${prefix} | ${opts.timestamps && l.time ? `${l.time} ` : ''}${l.message}\n`);
          },
          note: (text) => info(stderrColors.dim(text)),
        },
      );
    });
}
