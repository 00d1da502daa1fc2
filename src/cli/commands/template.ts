import { Command } from 'commander';
import { templateOutdatedCommand } from './template-outdated.js';

/** `berth template ...` (engineer `registry` adds init, publish, search, info, add, update). */
export function templateCommand(): Command {
  return new Command('template').description('Templates as npm packages').addCommand(templateOutdatedCommand());
}
