#!/usr/bin/env node
// Runs the bundled CLI, rebuilding it first when the sources are newer (a fresh clone, or a developer's edit).
import { pathToFileURL } from 'node:url';
import { isStale, buildCli, entry } from '../scripts/build.mjs';

// A closed pipe (`berth ... | head`) is a normal end of output, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

if (isStale()) await buildCli();
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
