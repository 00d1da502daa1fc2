import { Command } from 'commander';
import { collect, countParser, outputOption } from '../options.js';

const parsePort = countParser('--port', 1024, 'give a TCP port from 1024 to 65535, for example --port 4873');


export function registryCommand(): Command {
  const registry = new Command('registry').description(
    'A local npm registry (Verdaccio on 127.0.0.1) to publish and install templates: up, down, status, login',
  );

  registry
    .command('up')
    .description('Install Verdaccio on first use, start it on 127.0.0.1 (or reuse the running one), make sure the owner user has a token')
    .option('--port <port>', 'TCP port on 127.0.0.1 (1024-65535)', parsePort)
    .option('--private', 'reading needs a token too, as on a private registry (applies when it starts)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth registry up                        http://127.0.0.1:4873/
  berth registry up --port 4874
  berth registry login --scope @acme       then: berth template publish ./my-template

The first run installs Verdaccio 6.8.0 with npm ci into ~/.cache/berth/registry/app (about 10-30 s).
State (config.yaml, storage/, htpasswd, pid) lives in ~/.cache/berth/registry/. No uplinks: nothing is
proxied to the public registry. Self-signup is off; the one user is you (the owner), and publishing needs
the owner's token, which \`berth registry login\` writes into the project's .npmrc.`,
    )
    .action(async (opts: { port?: number; private?: boolean; output: string }) => {
      const { registryUp } = await import('../../registry/server.js');
      const { info, printJson } = await import('../output.js');
      const result = await registryUp({ port: opts.port, privateReads: opts.private, onProgress: info });
      if (opts.output === 'json') return printJson(result);
      info(`registry ${result.reused ? 'reused' : 'ready'} in ${result.seconds.toFixed(1)}s: ${result.url} (pid ${result.pid}, user ${result.user})`);
      info(`storage: ${result.storage}`);
      info('');
      info('.npmrc lines for a project (`berth registry login --scope @acme` writes them, with the token):');
      process.stdout.write(`@berth:registry=${result.url}\n//${new URL(result.url).host}/:_authToken=(hidden; berth registry login writes it)\n`);
    });

  registry
    .command('install')
    .description('Install Verdaccio into ~/.cache/berth/registry/app (what `up` does on first use), without starting it')
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { installVerdaccio } = await import('../../registry/install.js');
      const { verdaccioAppDir } = await import('../../registry/paths.js');
      const { info, printJson } = await import('../output.js');
      const result = await installVerdaccio({ appDir: verdaccioAppDir(), onProgress: info });
      if (opts.output === 'json') return printJson(result);
      if (!result.installed) info(`Verdaccio ${result.version} is installed in ${result.appDir}`);
    });

  registry
    .command('down')
    .description('Stop the local registry by its recorded pid (the storage and its packages stay)')
    .addOption(outputOption())
    .action(async (opts: { output: string }) => {
      const { registryDown } = await import('../../registry/server.js');
      const { info, printJson } = await import('../output.js');
      const result = await registryDown();
      if (opts.output === 'json') return printJson(result);
      info(result.wasRunning ? `registry stopped (pid ${result.pid}); packages kept in ${result.storage}` : 'the local registry was not running');
    });

  registry
    .command('status')
    .description('Show whether the local registry runs: URL, pid, storage, the packages in it')
    .addOption(outputOption())
    .addHelpText('after', '\nExit code 0 when it runs, 1 when it does not (for scripts).\n\nExamples:\n  berth registry status\n  berth registry status -o json')
    .action(async (opts: { output: string }) => {
      const { registryStatus } = await import('../../registry/server.js');
      const { info, printJson } = await import('../output.js');
      const { ExitError } = await import('../../errors.js');
      const status = await registryStatus();
      if (opts.output === 'json') printJson(status);
      else if (status.state === 'stopped') {
        info(`the local registry is not running${status.installed ? '' : ` (Verdaccio ${status.version} not installed yet)`}; start it with: berth registry up`);
      } else {
        process.stdout.write(`registry: running at ${status.url} (pid ${status.pid}, Verdaccio ${status.version})\n`);
        process.stdout.write(`user: ${status.user ?? '-'}\nstorage: ${status.storage}\n`);
        process.stdout.write(`packages: ${status.packages.length ? status.packages.join(', ') : '(none)'}\n`);
      }
      if (status.state !== 'running') throw new ExitError(1);
    });

  registry
    .command('login')
    .description("Write the local registry's .npmrc lines (scope registry lines and the owner's token) into a project's .npmrc")
    .option('--scope <scope>', 'a scope served by the local registry; repeatable', collect, [])
    .option('--npmrc <file>', '.npmrc to write', '.npmrc')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Examples:
  berth registry login                     @berth:registry=http://127.0.0.1:4873/ and the token, into ./.npmrc
  berth registry login --scope @acme --scope @berth
  berth registry login --npmrc ~/.npmrc    for every project of this user

Other lines of the file are kept; the file is made readable by you only (it holds a token).`,
    )
    .action(async (opts: { scope: string[]; npmrc: string; output: string }) => {
      const { registryLogin, parseScope } = await import('../../registry/server.js');
      const { info, printJson } = await import('../output.js');
      const scopes = (opts.scope.length ? opts.scope : ['@berth']).map(parseScope);
      const result = await registryLogin({ scopes, npmrc: opts.npmrc });
      if (opts.output === 'json') return printJson(result);
      info(`wrote to ${result.npmrc} (user ${result.user}):`);
      for (const line of result.lines) info(`  ${line}`);
    });

  return registry;
}
