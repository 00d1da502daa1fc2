import { Command, Option } from 'commander';
import { countParser } from '../options.js';

type UiFlags = { port: number; context?: string; kubeconfig?: string; listen?: string; open: boolean };

export function uiCommand(): Command {
  return new Command('ui')
    .description('Serve the web console (releases, history, diffs, rollback, deploy form, catalog) and its JSON API on 127.0.0.1')
    .addOption(new Option('--port <port>', 'port to listen on; 0 picks a free one').argParser(countParser('--port', 0, 'for example --port 7070, or 0 for a free port')).default(0))
    .option('--context <name>', 'kubeconfig context of requests that name none (default: its current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--listen <address>', 'listen on another address than 127.0.0.1 (anyone who can reach it and has the token acts with your kubeconfig)')
    .option('--no-open', 'do not open a browser (it is opened only where there is a desktop session; the URL is printed either way)')
    .addHelpText(
      'after',
      `
Examples:
  berth ui                      # prints Berth console: http://127.0.0.1:PORT/?token=...
  berth ui --port 7070 --context kind-dev

The token in the URL is valid while the process runs; every request needs it (a cookie after the first page).
It acts with your own kubeconfig: what you may not read is left out with a note.`,
    )
    .action(async (opts: UiFlags, cmd: Command) => {
      const { startServer } = await import('../../ui/server.js');
      const { PROJECT_ROOT } = await import('../../synth/synthesize.js');
      const { join } = await import('node:path');
      const { info } = await import('../output.js');
      const { KubeClient } = await import('../../kube/client.js');
      if (opts.port > 65535) {
        const { UserError } = await import('../../errors.js');
        throw new UserError(`--port must be at most 65535, got ${opts.port}`);
      }
      // The kubeconfig and context are checked before the port opens: a typo fails here, not on the first page.
      await KubeClient.connect({ kubeconfig: opts.kubeconfig, context: opts.context });
      const listen = opts.listen ?? '127.0.0.1';
      if (opts.listen !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(opts.listen)) {
        info(`warning: listening on ${opts.listen}: anyone who can reach it and has the token can act with your kubeconfig`);
      }
      const server = await startServer({ port: opts.port, listen, webDir: join(PROJECT_ROOT, 'build', 'web'), kubeconfig: opts.kubeconfig, context: opts.context, version: cmd.parent?.version() ?? '', root: PROJECT_ROOT });
      if (server.webMissing) info(`the web console is not built (no ${join(PROJECT_ROOT, 'build', 'web', 'index.html')}): run npm run build:web; the API works without it`);
      process.stdout.write(`Berth console: ${server.url}\n`);
      if (opts.open) openBrowser(server.url);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          info(`${signal}: stopping the console`);
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** Opens the URL where a desktop session exists (never on a headless machine or in CI); a failure is not an error. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? undefined : process.env.DISPLAY || process.env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
  if (!opener || process.env.CI) return;
  void import('node:child_process').then(({ spawn }) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  });
}
