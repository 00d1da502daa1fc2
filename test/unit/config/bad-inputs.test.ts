/**
 * Bad config for the shop, generated from its schema with fast-check and fed through the whole synth pipeline
 * (values file or --set → merge over the dev env → validation → render): every one is refused with a UserError that
 * names the config path and where it was set, without a stack trace, an "internal error" or a secret value.
 * Fixed seed, so a failure reproduces; `FC_RUNS=1000` runs more.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { extractSchema } from '../../../src/config/schema.js';
import { formatPath, type JsonSchema } from '../../../src/config/json-schema.js';
import { setPath, type PathSegment } from '../../../src/config/values.js';
import { UserError } from '../../../src/errors.js';
import { synthesize } from '../../../src/synth/synthesize.js';

jest.setTimeout(120_000);

const SEED = 14;
const RUNS = Number(process.env.FC_RUNS) || 200;
const root = resolve('.');
let dir: string;
let fields: Field[];
let counter = 0;

interface Field {
  readonly path: PathSegment[];
  readonly schema: JsonSchema;
  readonly required: boolean;
  readonly secret: boolean;
}

/** Every field of the schema, objects included, with whether its parent requires it. */
function collect(schema: JsonSchema, path: PathSegment[], required: boolean, secret = false): Field[] {
  const here: Field[] = path.length ? [{ path, schema, required, secret: secret || schema['x-berth-secret'] === true }] : [];
  const children = Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    collect(child, [...path, key], (schema.required ?? []).includes(key), child['x-berth-secret'] === true),
  );
  return [...here, ...children];
}

beforeAll(() => {
  mkdirSync(join(root, '.cache'), { recursive: true });
  dir = mkdtempSync(join(root, '.cache', 'test-bad-inputs-'));
  fields = collect(extractSchema(join(root, 'apps/shop/index.ts')), [], true);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONTROL = fc.integer({ min: 0, max: 31 }).filter((c) => ![9, 10, 13].includes(c)).map((c) => String.fromCharCode(c));
const text = fc.string({ maxLength: 12 });
const wrongShape = fc.constantFrom<unknown>(true, 7, [1, 2], { x: 1 });

/** Values the field must refuse, by its type and tags. */
function badValues(f: Field): fc.Arbitrary<unknown> {
  const s = f.schema;
  const type = s.type;
  const options: Array<fc.Arbitrary<unknown>> = [];
  if (type === 'integer' || type === 'number') {
    options.push(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY));
    if (type === 'integer') options.push(fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)));
    if (s.minimum !== undefined) options.push(fc.integer({ min: -1_000_000, max: s.minimum - 1 }));
    options.push(text.map((t) => `n${t}`), fc.constantFrom<unknown>(true, [1], { n: 1 }));
  } else if (type === 'string' && s.enum) {
    options.push(text.filter((t) => !s.enum!.includes(t)), fc.constantFrom<unknown>(1, false, ['info']));
  } else if (type === 'string') {
    if (s.minLength === 1) options.push(fc.constant(''));
    options.push(fc.tuple(text, CONTROL, text).map(([a, c, b]) => `${a}${c}${b}`));
    options.push(text.map((t) => `${t}\ud800`));
    if (s.format === 'uri') options.push(fc.constantFrom('not a url', 'example.com/api', '//no-scheme', ''));
    options.push(fc.constantFrom<unknown>(12, true, ['a'], { a: 'b' }));
  } else if (type === 'boolean') {
    options.push(fc.constantFrom<unknown>('yes', 'true', 0, 1, ['true'], Number.NaN));
  } else if (type === 'object') {
    options.push(wrongShape.filter((v) => typeof v !== 'object' || Array.isArray(v)));
    options.push(
      fc
        .constantFrom('__proto__', 'constructor', 'prototype', 'replicaz', 'Image', 'x-extra')
        .map((key) => ({ unknownKey: key })),
    );
  }
  if (f.required) options.push(fc.constant(null));
  return fc.oneof(...options);
}

type Channel = 'file' | 'set';

interface Case {
  readonly field: Field;
  readonly value: unknown;
  readonly channel: Channel;
}

/** The overlay a case writes and the display path its message must name. */
function overlayOf(c: Case): { path: PathSegment[]; overlay: Record<string, unknown> } {
  const v = c.value as { unknownKey?: string } | null;
  if (v && typeof v === 'object' && !Array.isArray(v) && v.unknownKey !== undefined) {
    const path = [...c.field.path, v.unknownKey];
    return { path, overlay: setPath({}, path, 'x', 'test') };
  }
  return { path: c.field.path, overlay: setPath({}, c.field.path, c.value, 'test') };
}

function setFlags(path: PathSegment[], value: unknown): string[] {
  const key = path.map((p) => (typeof p === 'number' ? `[${p}]` : p.replace(/\./g, '\\.'))).join('.');
  // A flow-style YAML scalar or collection, as a user would type it (`.nan`, `"a\u0000b"`, `[1, 2]`).
  return [`${key}=${stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd()}`];
}

async function refusal(files: string[], set: string[]): Promise<UserError | string> {
  try {
    await synthesize({ app: 'shop', env: 'dev', values: { files, set } });
    return 'accepted';
  } catch (err) {
    return err instanceof UserError ? err : `not a UserError: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  }
}

function checkMessage(err: UserError | string, path: string, origin: string, secretText?: string): void {
  if (typeof err === 'string') throw new Error(`expected a refusal naming ${path}, got ${err}`);
  const message = `${err.message}\n${err.hint ?? ''}`;
  expect(message).not.toMatch(/internal error/);
  expect(message).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(err.message).toContain(path);
  expect(err.message).toContain(origin);
  if (secretText !== undefined && secretText.length >= 4) expect(err.message).not.toContain(secretText);
}

describe('generated bad inputs for the shop', () => {
  it(`refuses every one of ${RUNS} bad values from a values file or --set, naming the path and where it was set`, async () => {
    const cases = fc
      .constantFrom(...fields.map((_, i) => i))
      .chain((i) => fc.record({ field: fc.constant(fields[i]!), value: badValues(fields[i]!), channel: fc.constantFrom<Channel>('file', 'set') }));
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { path, overlay } = overlayOf(c);
        const display = formatPath(path);
        let files: string[] = [];
        let set: string[] = [];
        let origin: string;
        if (c.channel === 'file') {
          const file = join(dir, `bad-${counter++}.yaml`);
          writeFileSync(file, stringify(overlay, { lineWidth: 0 }));
          files = [file];
          origin = `${relative(process.cwd(), file)}:`;
        } else {
          set = setFlags(path, overlayOf(c).path === c.field.path ? c.value : 'x');
          origin = `--set ${set[0]!.split('=')[0]}`;
        }
        checkMessage(await refusal(files, set), display, origin, c.field.secret && typeof c.value === 'string' ? c.value : undefined);
        refused++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(refused).toBe(RUNS);
  });

  it('refuses values files that are not one UTF-8 YAML document with the file and line', async () => {
    const corruptions = fc.oneof(
      fc.record({ kind: fc.constant('byte'), byte: fc.constantFrom(0x80, 0xc0, 0xe9, 0xfe, 0xff), line: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('control'), byte: fc.constantFrom(0, 1, 8, 27, 127), line: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constantFrom('alias', 'merge', 'second document', 'circular'), byte: fc.constant(0), line: fc.integer({ min: 0, max: 2 }) }),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(corruptions, async ({ kind, byte, line }) => {
        const lines = ['orders:', '  maxReplicas: 3', '  image: ghcr.io/x/orders:1'];
        let bytes: Buffer;
        if (kind === 'byte' || kind === 'control') {
          const parts = lines.map((l) => Buffer.from(`${l}\n`));
          parts[line] = Buffer.concat([parts[line]!.subarray(0, parts[line]!.length - 1), Buffer.from([byte]), Buffer.from('\n')]);
          bytes = Buffer.concat(parts);
        } else {
          const extra = {
            alias: ['catalog:', '  image: *nowhere'],
            merge: ['catalog:', '  <<: *defaults'],
            'second document': ['---', 'catalog: {}'],
            circular: ['catalog: &c', '  resources: *c'],
          }[kind]!;
          bytes = Buffer.from([...lines.slice(0, line + 1), ...extra, ...lines.slice(line + 1)].join('\n') + '\n');
        }
        const file = join(dir, `corrupt-${counter++}.yaml`);
        writeFileSync(file, bytes);
        const err = await refusal([file], []);
        checkMessage(err, `${relative(process.cwd(), file)}:`, ':');
        expect((err as UserError).message).toMatch(new RegExp(`${relative(process.cwd(), file).replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
        refused++;
      }),
      { seed: SEED, numRuns: 50 },
    );
    expect(refused).toBe(50);
  });
});
