import type { Command } from 'commander';
import { synthCommand } from './synth.js';
import { schemaCommand } from './schema.js';
import { clusterCommand } from './cluster.js';
import { listCommand } from './list.js';
import { statusCommand } from './status.js';
import { historyCommand } from './history.js';
import { getCommand } from './get.js';
import { deployCommand } from './deploy.js';
import { upgradeCommand } from './upgrade.js';
import { templateCommand } from './template.js';
import { diffCommand } from './diff.js';
import { rollbackCommand } from './rollback.js';
import { uninstallCommand } from './uninstall.js';
import { diffRevisionsCommand } from './diff-revisions.js';
import { logsCommand } from './logs.js';
import { eventsCommand } from './events.js';
import { graphCommand } from './graph.js';
import { rbacCommand } from './rbac.js';
import { registryCommand } from './registry.js';
import { uiCommand } from './ui.js';

/**
 * Every command by name, in the order `berth --help` lists them. A command module only declares flags;
 * its action imports the heavy code lazily so that `berth --help` stays fast.
 */
export const commands: ReadonlyArray<readonly [name: string, make: () => Command]> = [
  ['synth', synthCommand],
  ['schema', schemaCommand],
  ['cluster', clusterCommand],
  ['list', listCommand],
  ['status', statusCommand],
  ['history', historyCommand],
  ['get', getCommand],
  ['diff', diffCommand],
  ['deploy', deployCommand],
  ['upgrade', upgradeCommand],
  ['rollback', rollbackCommand],
  ['diff-revisions', diffRevisionsCommand],
  ['uninstall', uninstallCommand],
  ['logs', logsCommand],
  ['events', eventsCommand],
  ['graph', graphCommand],
  ['rbac', rbacCommand],
  ['template', templateCommand],
  ['registry', registryCommand],
  ['ui', uiCommand],
];
