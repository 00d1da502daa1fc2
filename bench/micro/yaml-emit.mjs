#!/usr/bin/env node
// Micro-benchmark behind the synth profile's biggest hot spot of 2026-11-24 22:10: turning the ManifestSet's plain
// JSON objects into YAML text. Compares the `yaml` package as src/synth/write.ts called it then, js-yaml as it
// calls it now, and a direct emitter for JSON-shaped data (below); checks that the emitter's text parses back to
// the same objects.
//
//   node bench/micro/yaml-emit.mjs <dir with berth synth output> [reps]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { dump } from 'js-yaml';
import { parseAllDocuments, stringify } from 'yaml';

// When a string can be written plain: what YAML 1.1 readers (kubectl, sigs.k8s.io/yaml) and YAML 1.2 readers
// would both read back as the same string. Everything else is double-quoted (JSON string syntax is valid YAML).
const NON_STRING =
  /^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?|[-+]?0[bB][01_]+|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO][0-7_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|=|<<)$/;

function scalar(s) {
  const plain =
    s !== '' &&
    !/^[\s]|[\s]$/.test(s) &&
    !/[\x00-\x1f\x7f]/.test(s) &&
    !/^[[\]{}#&*!|>'"%@`,]/.test(s) &&
    !/^[-?:](?:\s|$)/.test(s) &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.endsWith(':') &&
    !NON_STRING.test(s);
  return plain ? s : JSON.stringify(s);
}

function value(v) {
  if (typeof v === 'string') return scalar(v);
  if (v === null) return 'null';
  return String(v);
}

/** YAML block style for JSON data (objects, arrays, strings, finite numbers, booleans, null). */
export function emit(v, indent = '') {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    let out = '';
    for (const item of v) {
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length) {
        // The first key goes on the dash line, the rest align under it.
        const body = emit(item, `${indent}  `);
        out += `${indent}- ${body.slice(indent.length + 2)}`;
      } else if (Array.isArray(item) && item.length) {
        out += `${indent}-\n${emit(item, `${indent}  `)}`;
      } else {
        out += `${indent}- ${item !== null && typeof item === 'object' ? (Array.isArray(item) ? '[]' : '{}') : value(item)}\n`;
      }
    }
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}\n';
    let out = '';
    for (const k of keys) {
      const x = v[k];
      const key = scalar(k);
      if (x !== null && typeof x === 'object') {
        if (Array.isArray(x) ? x.length === 0 : Object.keys(x).length === 0) out += `${indent}${key}: ${Array.isArray(x) ? '[]' : '{}'}\n`;
        else out += `${indent}${key}:\n${emit(x, Array.isArray(x) ? indent + '  ' : indent + '  ')}`;
      } else {
        out += `${indent}${key}: ${value(x)}\n`;
      }
    }
    return out;
  }
  return `${value(v)}\n`;
}

function load(dir) {
  const objects = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) objects.push(doc.toJS());
  }
  return objects;
}

function time(label, reps, fn) {
  const samples = [];
  let out;
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    out = fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} median ${samples[samples.length >> 1].toFixed(1)} ms  min ${samples[0].toFixed(1)} ms`);
  return out;
}

const [dir, repsArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/micro/yaml-emit.mjs <dir with berth synth output> [reps]');
  process.exit(1);
}
const reps = Number(repsArg ?? 5);
const objects = load(dir);
console.log(`${objects.length} objects`);
const viaYaml = time('yaml.stringify (write.ts before bf95b2f)', reps, () =>
  objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n'),
);
const viaYaml11 = time('yaml.stringify, version 1.1 (quotes yes/no/on/off)', reps, () =>
  objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' })).join('---\n'),
);
const viaJsYaml = time('js-yaml dump (as src/synth/write.ts since bf95b2f)', reps, () =>
  objects.map((o) => dump(o, { lineWidth: -1, noRefs: true })).join('---\n'),
);
const direct = time('direct JSON-to-YAML emitter', reps, () => objects.map((o) => emit(o)).join('---\n'));
time('JSON.stringify (floor)', reps, () => objects.map((o) => JSON.stringify(o)).join('\n'));

const back = parseAllDocuments(direct).map((d) => d.toJS());
const same = back.length === objects.length && back.every((o, i) => isDeepStrictEqual(o, objects[i]));
console.log(`direct emitter round-trips to the same objects: ${same}; identical text to yaml.stringify: ${direct === viaYaml}, to version 1.1: ${direct === viaYaml11}, to js-yaml: ${direct === viaJsYaml}`);
if (!same) process.exitCode = 1;
if (direct !== viaYaml) {
  const a = viaYaml.split('\n');
  const b = direct.split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  console.log(`first difference at line ${i + 1}:\n  yaml:   ${JSON.stringify(a[i])}\n  direct: ${JSON.stringify(b[i])}`);
}

// Strings that trip YAML writers: the direct emitter must agree with `yaml` (version 1.1) on every one.
const tricky = ['yes', 'on', 'No', 'y', '0755', '1e3', '1_000', '0x1F', '2024-01-01', '1:20', '.5', '-', '-x', ':x', 'a: b', 'a #b', 'a:', '', ' lead', 'trail ', 'x\ny', '*', '&a', '!t', '%p', '@a', '`b', ',c', '[a]', '{a}', '"q"', "'q'", 'true', 'NULL', '~', '=', '<<', '1.0.0', '10m', 'http://a:80/x?y=1#z', 'search,checkout', 'ünï', 'tab\there', '.inf', '-.inf', '.nan', '+1', '-0', '0o17', '0b101'];
const mismatch = tricky.filter((t) => emit({ k: t }) !== stringify({ k: t }, { lineWidth: 0, version: '1.1' }));
const broken = tricky.filter((t) => parseAllDocuments(emit({ k: t }))[0].toJS().k !== t);
console.log(`tricky strings: ${tricky.length}, text differs from yaml 1.1 on: ${JSON.stringify(mismatch)}, round-trip broken on: ${JSON.stringify(broken)}`);
if (broken.length) process.exitCode = 1;
