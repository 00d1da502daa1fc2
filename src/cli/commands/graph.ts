import { Command, Option } from 'commander';
import { clusterFlags, valuesFlags } from '../options.js';

type GraphFlags = {
  release?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  env?: string;
  values: string[];
  set: string[];
  output: 'text' | 'dot' | 'mermaid' | 'json';
  waves?: boolean;
};

export function graphCommand(): Command {
  const cmd = new Command('graph')
    .description("Show an app's services, their kinds and ports, and how they depend on each other; for a deployed release with live readiness")
    .argument('[app]', 'app name under apps/ or a path to an app directory (omit with -r for a deployed release)')
    .option('-r, --release <name>', 'a deployed release: its newest revision, each service with its live readiness');
  return valuesFlags(clusterFlags(cmd).option('-e, --env <env>', 'environment of the app (default: its only one, else the first in name order)'))
    .option('--waves', 'print the deploy waves (services applied together; they follow dependsOn edges only)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'dot', 'mermaid', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  berth graph shop
  berth graph shop -o mermaid > shop.mmd
  berth graph shop -o dot | dot -Tsvg > shop.svg
  berth graph -r shop -n prod            # the deployed release, with readiness
  berth graph shop --waves

Edges: dependsOn (declared with dependsOn(); deploy waits for it) and references found in config, env or args
(one service holding another's address, such as db.host or orders.url). Edges are computed once at synth from the
construct tree and recorded with every revision.`,
    )
    .action(async (app: string | undefined, opts: GraphFlags) => {
      const { buildGraph, renderDot, renderMermaid, renderText, renderWaves } = await import('../../operate/graph.js');
      const { printJson } = await import('../output.js');
      const { UserError } = await import('../../errors.js');
      let graph;
      if (opts.release) {
        const { openStore } = await import('../../release/open.js');
        const { releaseGraph } = await import('../../operate/status.js');
        const { client, store } = await openStore(opts);
        graph = await releaseGraph(client, store, opts.release);
      } else {
        if (!app) throw new UserError('berth graph needs an app, or -r RELEASE for a deployed one', { hint: 'for example: berth graph shop, or berth graph -r shop -n prod' });
        const { PROJECT_ROOT, synthesize } = await import('../../synth/synthesize.js');
        const { findApp } = await import('../../synth/apps.js');
        const source = findApp(PROJECT_ROOT, app);
        // The graph rarely differs between environments; any one of them will do unless one is named.
        const env = opts.env ?? (source.envs.length > 0 ? [...source.envs].sort()[0] : undefined);
        const set = await synthesize({ app, env, values: { files: opts.values, set: opts.set } });
        // Not a release yet: synth's default release name and namespace would only mislead.
        graph = buildGraph({ app: set.app, services: set.services, objects: set.objects });
      }
      if (opts.waves) {
        if (opts.output === 'json') return printJson(graph.waves);
        return void process.stdout.write(renderWaves(graph));
      }
      if (opts.output === 'json') return printJson(graph);
      process.stdout.write(opts.output === 'dot' ? renderDot(graph) : opts.output === 'mermaid' ? renderMermaid(graph) : renderText(graph));
    });
}
