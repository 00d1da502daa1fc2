import { stderrColors as pc } from '../colors.js';
import type { ProgressReporter, ServiceState } from './context.js';

const ICON: Record<ServiceState, string> = { queued: '·', applying: '…', waiting: '…', ready: '✓', failed: '✗', deleting: '…' };

function paint(state: ServiceState, text: string): string {
  if (state === 'ready') return pc.green(text);
  if (state === 'failed') return pc.red(text);
  if (state === 'queued') return pc.dim(text);
  return pc.yellow(text);
}

/**
 * On a terminal: one live line per service, rewritten in place, notes printed above them.
 * Elsewhere (CI, pipes): a plain line each time a service changes state or reason, never a rewrite.
 */
export async function createProgress(stream: NodeJS.WriteStream, interactive: boolean): Promise<ProgressReporter> {
  // log-update (an ES module, ~30 ms to load with its dependencies) only where a terminal shows live lines: a deploy
  // in CI or into a pipe never loads it.
  return interactive ? liveProgress(stream, (await import('log-update')).createLogUpdate) : plainProgress(stream);
}

function plainProgress(stream: NodeJS.WritableStream): ProgressReporter {
  const last = new Map<string, string>();
  return {
    service(name, state, message) {
      const line = `${name}: ${state}${message ? ` (${message})` : ''}`;
      if (last.get(name) === line) return;
      last.set(name, line);
      stream.write(`${line}\n`);
    },
    note(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}

function liveProgress(stream: NodeJS.WriteStream, createLogUpdate: typeof import('log-update').createLogUpdate): ProgressReporter {
  const update = createLogUpdate(stream);
  const lines = new Map<string, { state: ServiceState; message: string }>();
  const width = () => Math.max(20, (stream.columns ?? 100) - 1);
  const render = () => {
    const nameWidth = Math.max(0, ...[...lines.keys()].map((n) => n.length));
    update(
      [...lines]
        .map(([name, { state, message }]) => {
          const head = `${paint(state, ICON[state])} ${name.padEnd(nameWidth)}  ${paint(state, state.padEnd(8))}`;
          const room = width() - nameWidth - 13;
          return `${head} ${message.length > room ? `${message.slice(0, Math.max(0, room - 1))}…` : message}`;
        })
        .join('\n'),
    );
  };
  return {
    service(name, state, message) {
      lines.set(name, { state, message });
      render();
    },
    note(line) {
      update.clear();
      stream.write(`${line}\n`);
      render();
    },
    stop() {
      render();
      update.done();
    },
  };
}
