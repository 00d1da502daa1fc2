#!/usr/bin/env node
// Runs the bundled CLI, rebuilding it first when the sources are newer (a fresh clone, or a developer's edit).
// CommonJS, as is all of the warm path (scripts/run-cli.cjs): an ES module as the entry point starts Node's ES module
// loader, ~3–4 ms of every command on Node 20.
'use strict';
const { currentEntry, isStale, runCli } = require('../scripts/run-cli.cjs');

// A closed pipe (`berth ... | head`) is a normal end of output, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/** Resources a finished command may leave behind: the terminal's streams and the close of a file already read. */
const DONE = new Set(['PipeWrap', 'TTYWrap', 'CloseReq']);

/**
 * Ends the process as soon as the command is done, when nothing but its output streams is left. Letting Node drain
 * the event loop instead cost a warm synth ~10–15 ms: V8 finishes an incremental garbage collection in an idle task
 * there, in a process about to end. A command that leaves anything else running (a server, a child process, a socket,
 * a timer, a write in flight) ends the ordinary way.
 */
function exitWhenIdle() {
  const left = process.getActiveResourcesInfo();
  if (left.some((r) => !DONE.has(r)) || left.filter((r) => r !== 'CloseReq').length > 3) return;
  // Output still queued (pipes are asynchronous on some platforms) is written first.
  const queued = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
  let waiting = queued.length;
  const exit = () => process.exit();
  if (waiting === 0) exit();
  for (const s of queued) s.write('', () => --waiting === 0 && exit());
}

async function start() {
  const entry = isStale() ? await (await import('../scripts/build.mjs')).buildCli() : currentEntry();
  const { main } = runCli(entry, process.argv[2]);
  process.exitCode = await main(process.argv);
  exitWhenIdle();
}

// As a rejected top-level await would: Node prints the error and exits with 1 (main() reports users' errors itself).
start().catch((err) => {
  process.nextTick(() => {
    throw err;
  });
});
