#!/usr/bin/env node
// Runs the bundled CLI, rebuilding it first when the sources are newer (a fresh clone, or a developer's edit).
import { buildCli, currentEntry, isStale, runCli } from '../scripts/build.mjs';

// A closed pipe (`berth ... | head`) is a normal end of output, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const entry = isStale() ? await buildCli() : currentEntry();
const { main } = runCli(entry, process.argv[2]);
process.exitCode = await main(process.argv);
