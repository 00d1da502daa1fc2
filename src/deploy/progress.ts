import { createLogUpdate } from 'log-update';
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
export function createProgress(stream: NodeJS.WriteStream, interactive: boolean): ProgressReporter {
  return interactive ? liveProgress(stream) : plainProgress(stream);
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

function liveProgress(stream: NodeJS.WriteStream): ProgressReporter {
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
