import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../deploy/duration.js';
import { UserError } from '../errors.js';
import { namespaceProblem, releaseNameProblem } from '../model/names.js';

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
    .option('-n, --namespace <ns>', namespaceHelp, parseNamespace)
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

/**
 * Every flag and argument that is a count, a duration or a name is parsed here, by commander, before the command's
 * action runs: one rule per kind of value, the same in every command, and nothing reaches the cluster (not even the
 * kubeconfig) before it is checked. A refusal prints `error: option '--timeout <duration>' argument '0' is invalid.`
 * and the reason.
 */

/** A whole number written in decimal digits (`Number()` would also take '', ' 1', '0x10' and '1e3'). */
export function countParser(what: string, min: number, hint: string): (value: string) => number {
  return (value) => {
    const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${what} must be a whole number${min > 0 ? ` >= ${min}` : ''}, got '${value}'; ${hint}`);
    }
    return n;
  };
}

/** `--revision N`, `rollback R [N]`, `diff-revisions R A B`: a positive integer. */
export const parseRevision = countParser('a revision', 1, 'see berth history');

/** `--history-max N`: a whole number, 0 for no limit. */
export const parseHistoryMax = countParser('--history-max', 0, 'for example --history-max 10; 0 keeps every revision');

/** `--timeout 5m`: a duration in milliseconds (see `parseDuration`). */
export function durationParser(flag: string, options: { allowZero?: boolean } = {}): (value: string) => number {
  return (value) => {
    try {
      return parseDuration(value, flag, options);
    } catch (err) {
      if (err instanceof UserError) throw new InvalidArgumentError(`${err.message} (${err.hint ?? 'for example 5m'})`);
      throw err;
    }
  };
}

/** `--timeout <duration>` with its default, already parsed. */
export function timeoutOption(description: string, defaultText = '5m'): Option {
  return new Option('--timeout <duration>', description).argParser(durationParser('--timeout')).default(parseDuration(defaultText), defaultText);
}

/** `--crash-loop-restarts N`: restarts after which a CrashLoopBackOff fails the deploy (default in the engine: 3). */
export function crashLoopRestartsOption(): Option {
  return new Option(
    '--crash-loop-restarts <n>',
    'fail at once when a container is in CrashLoopBackOff after this many restarts (default: 3; a pod template annotation berth.dev/crash-loop-restarts sets it per service)',
  ).argParser(countParser('--crash-loop-restarts', 1, 'for example --crash-loop-restarts 5'));
}

/** `--lock-timeout <duration>`: 0 fails at once; unset leaves the default, which outwaits a killed run's lease. */
export function lockTimeoutOption(): Option {
  return new Option(
    '--lock-timeout <duration>',
    "how long to wait while another run holds the release lock; 0 fails at once (default: 60s, or twice the lease if longer, so a killed run's lock is always outwaited)",
  ).argParser(durationParser('--lock-timeout', { allowZero: true }));
}

/** A release name: checked here with the store's own rule, so a bad one fails before the lock, the plan or any request. */
export function parseReleaseName(value: string): string {
  const problem = releaseNameProblem(value);
  if (problem) throw new InvalidArgumentError(`release name '${value}' ${problem}`);
  return value;
}

/** A namespace name: a DNS-1123 label. */
export function parseNamespace(value: string): string {
  const problem = namespaceProblem(value);
  if (problem) throw new InvalidArgumentError(`namespace '${value}' ${problem}`);
  return value;
}
