import { Command, CommanderError } from 'commander';
import { BerthError, ExitError, EXIT_ERROR } from '../errors.js';
import { commands } from './commands/index.js';
import { printError } from './output.js';
import { mark } from '../util/timing.js';

export const VERSION = '0.1.0';

/**
 * The program with every command, or with only `command` when it names one: declaring all twenty cost a warm synth
 * ~2.5 ms, and a command's parsing, help and errors do not depend on its siblings. Help, an unknown command (its
 * suggestion lists the others) or none declare them all.
 */
export function createProgram(command?: string): Command {
  const program = new Command('berth')
    .description('Typed Kubernetes applications: synth TypeScript templates to manifests and deploy them as named releases.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .exitOverride();
  const only = commands.find(([name]) => name === command);
  for (const [, make] of only ? [only] : commands) program.addCommand(make());
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** Runs the CLI and returns the exit code. The one place that turns errors into messages. */
export async function main(argv: string[]): Promise<number> {
  mark('cli loaded');
  const program = createProgram(argv[2]);
  mark('commands declared');
  try {
    await program.parseAsync(argv);
    mark('command done');
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof BerthError) {
      printError(err.message, err.hint);
      return EXIT_ERROR;
    }
    const message = err instanceof Error ? err.message : String(err);
    printError(`internal error: ${message}`, 'this is a bug in Berth; run with BERTH_DEBUG=1 for the stack trace and report it');
    if (process.env.BERTH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
}
