import { Command, Option } from 'commander';
import { countParser, outputOption } from '../options.js';

const nameOption = () =>
  new Option('--name <name>', 'cluster name (state in ~/.cache/berth/kwok/clusters/<name>)').default('berth');

// The upper bound (100) is the control plane's own rule (validateNodeCount).
const parseNodes = countParser('--nodes', 1, 'give a whole number of nodes from 1 to 100 (default 3)');

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description(
    'A local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes) for trying deploys',
  );

  cluster
    .command('up')
    .description('Build the pinned binaries if needed (once, cached), start the cluster and wait for Ready nodes')
    .addOption(nameOption())
    .option('--nodes <n>', 'number of simulated (kwok) nodes', parseNodes, 3)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
The first run builds etcd, Kubernetes and kwok from the Go module proxy (Go 1.24+ needed; several
minutes and ~2 GB of RAM) into \${XDG_CACHE_HOME:-~/.cache}/berth/cluster. Later runs start in seconds.
Running it again reuses a running cluster and restarts components that died.

Pods annotated berth.dev/test-never-ready: "true" never become Ready; berth.dev/test-fail: "true"
makes them fail (CrashLoopBackOff after 3 restarts, or phase Failed); berth.dev/test-image-pull-fail: "true"
leaves them Pending in ImagePullBackOff. PVCs bind through the default StorageClass berth-local.`,
    )
    .action(async (opts: { name: string; nodes: number; output: string }) => {
      const { up } = await import('../../cluster/control-plane.js');
      const { info, printJson } = await import('../output.js');
      const result = await up({ name: opts.name, nodes: opts.nodes, onProgress: info });
      if (opts.output === 'json') return printJson(result);
      info(`cluster '${result.name}' ${result.reused ? 'reused' : 'ready'} in ${result.seconds.toFixed(1)}s: ${result.server ?? ''}`);
      info(`kubeconfig: ${result.kubeconfig}`);
      process.stdout.write(`export KUBECONFIG=${result.kubeconfig}\n`);
    });

  cluster
    .command('down')
    .description('Stop the processes the cluster started (by their recorded pids) and delete its state')
    .addOption(nameOption())
    .addOption(outputOption())
    .action(async (opts: { name: string; output: string }) => {
      const { down } = await import('../../cluster/control-plane.js');
      const { info, printJson } = await import('../output.js');
      const result = await down({ name: opts.name });
      if (opts.output === 'json') return printJson(result);
      if (!result.existed) return info(`no cluster named '${result.name}'`);
      const stopped = result.stopped.map((p) => `${p.component} (${p.pid})`).join(', ');
      info(`cluster '${result.name}' removed${stopped ? `; stopped ${stopped}` : ''}`);
    });

  cluster
    .command('status')
    .description('Show whether the cluster runs: components with pids, API server, nodes')
    .addOption(nameOption())
    .addOption(outputOption())
    .action(async (opts: { name: string; output: string }) => {
      const { clusterStatus } = await import('../../cluster/control-plane.js');
      const { info, printJson, table } = await import('../output.js');
      const { ExitError } = await import('../../errors.js');
      const status = await clusterStatus({ name: opts.name });
      if (opts.output === 'json') printJson(status);
      else if (status.state === 'absent') info(`no cluster named '${status.name}' (start one with: berth cluster up --name ${status.name})`);
      else {
        process.stdout.write(`cluster ${status.name}: ${status.state}\n`);
        if (status.server) process.stdout.write(`server: ${status.server}\nkubeconfig: ${status.kubeconfig}\n`);
        process.stdout.write(`nodes: ${status.nodes.ready}/${status.nodes.total} Ready\n\n`);
        process.stdout.write(
          table(
            ['COMPONENT', 'PID', 'STATE'],
            status.components.map((c) => [c.component, c.pid ? String(c.pid) : '-', c.running ? 'running' : 'stopped']),
          ),
        );
      }
      // Scripts can test `berth cluster status` for a usable cluster.
      if (status.state !== 'running') throw new ExitError(1);
    });

  return cluster;
}
