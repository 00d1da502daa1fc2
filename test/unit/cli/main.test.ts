import type { Command } from 'commander';
import { commands } from '../../../src/cli/commands/index.js';
import { createProgram } from '../../../src/cli/main.js';

/** Every line a command's help prints, its subcommands' included. */
function helpOf(cmd: Command): string {
  return [cmd.helpInformation(), ...cmd.commands.map(helpOf)].join('\n');
}

/** What parsing `args` writes to stderr and the exit code it ends with. */
function parseErrors(program: Command, args: string[]): { code: number; err: string } {
  let err = '';
  const quiet = (c: Command): void => {
    c.configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined });
    c.commands.forEach(quiet);
  };
  quiet(program);
  try {
    program.parse(['node', 'berth', ...args]);
  } catch (e) {
    return { code: (e as { exitCode: number }).exitCode, err };
  }
  return { code: 0, err };
}

describe('createProgram', () => {
  it('lists each command under the name it declares', () => {
    expect(commands.map(([name, make]) => [name, make().name()])).toEqual(commands.map(([name]) => [name, name]));
    expect(createProgram().commands.map((c) => c.name())).toEqual(commands.map(([name]) => name));
  });

  it('declares only the command a run names, with the same help and errors as beside every other one', () => {
    for (const [name] of commands) {
      const alone = createProgram(name);
      expect(alone.commands.map((c) => c.name())).toEqual([name]);
      expect(helpOf(alone.commands[0]!)).toBe(helpOf(createProgram().commands.find((c) => c.name() === name)!));
      const error = parseErrors(createProgram(name), [name, '--no-such-flag']);
      expect(error.err).toMatch(/^error: /);
      expect(error).toEqual(parseErrors(createProgram(), [name, '--no-such-flag']));
    }
  });

  it('declares every command for help, an unknown command or none', () => {
    for (const first of [undefined, '--help', 'help', 'synt', '-V']) expect(createProgram(first).commands).toHaveLength(commands.length);
    expect(parseErrors(createProgram('synt'), ['synt']).err).toContain('synth');
  });
});
