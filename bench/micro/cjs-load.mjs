#!/usr/bin/env node
// Micro-benchmark behind the fixed cost of a small synth: loading cdk8s + cdk8s-plus-27 (CommonJS) from an ES
// module with `import` (Node runs cjs-module-lexer over every file to find named exports) versus `require`
// through createRequire (no lexing). Each variant runs in fresh processes.
//   node bench/micro/cjs-load.mjs [reps]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const reps = Number(process.argv[2] ?? 7);
const variants = {
  'import (ESM → CJS, lexed)': "const t=process.hrtime.bigint(); await import('cdk8s'); await import('cdk8s-plus-27'); console.log(Number(process.hrtime.bigint()-t)/1e6)",
  'createRequire (CJS, not lexed)':
    "import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/x.js'); const t=process.hrtime.bigint(); require('cdk8s'); require('cdk8s-plus-27'); console.log(Number(process.hrtime.bigint()-t)/1e6)",
};
for (const [name, code] of Object.entries(variants)) {
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    ms.push(Number(r.stdout.trim()));
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} median ${ms[ms.length >> 1].toFixed(0)} ms  min ${ms[0].toFixed(0)} ms`);
}
