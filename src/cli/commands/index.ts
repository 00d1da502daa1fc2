import type { Command } from 'commander';
import { synthCommand } from './synth.js';
import { clusterCommand } from './cluster.js';

/**
 * Every command, in the order `berth --help` lists them. A command module only declares flags;
 * its action imports the heavy code lazily so that `berth --help` stays fast.
 */
export const commands: ReadonlyArray<() => Command> = [synthCommand, clusterCommand];
