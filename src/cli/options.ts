import { Command, InvalidArgumentError, Option } from 'commander';

/** Commander option parser for repeatable flags (`-f a.yaml -f b.yaml`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Flags of every release command: where the release lives. */
export interface ClusterFlags {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

/** `-n`, `--kubeconfig`, `--context`, declared once for every command that talks to a cluster. */
export function clusterFlags(cmd: Command, namespaceHelp = 'namespace of the release (default: the namespace of the kubeconfig context)'): Command {
  return cmd
    .option('-n, --namespace <ns>', namespaceHelp)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current context)');
}

/** `-f values.yaml` and `--set path=value`, repeatable: config over the env module, for every command that renders an app. */
export function valuesFlags(cmd: Command): Command {
  return cmd
    .option('-f, --values <file>', 'values file (YAML or JSON) merged over the env config; repeatable', collect, [])
    .option('--set <path=value>', 'set one config value, e.g. --set api.replicas=3; repeatable', collect, []);
}

/** `-o text|json`. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');
}

/** The flags of the read-only release commands (list / status / history / get): cluster flags and `-o`. */
export interface QueryFlags extends ClusterFlags {
  output: 'text' | 'json';
}

export function queryFlags(cmd: Command, namespaceHelp?: string): Command {
  return clusterFlags(cmd, namespaceHelp).addOption(outputOption());
}

/** Parses `--revision N`: a positive integer. */
export function parseRevision(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`revision '${value}' must be a positive integer (see berth history)`);
  return n;
}
