/**
 * Case 4: no secret value can be read back from anything Berth prints or stores. apps/shop is deployed with known
 * values for its three secret-marked fields (payments.providerApiKey, db.password, backup.secretAccessKey — `Secret`
 * in apps/shop/config.ts), db.password is rotated, then the release is rolled back. Every CLI output (stdout and
 * stderr) and every stored revision (decoded: chunks, gzip, JSON) is then searched for each value as plain text, as
 * base64 (at each of the three alignments inside a longer base64 string) and as an unsalted sha256 hex digest
 * (which a dictionary reverses).
 *
 * Allowed: `--show-secrets` output may show the values the live Secrets hold right now (that is what the flag is
 * for); a rotated-out value shown there is history leaking. Everything else may show no value at all.
 * One test per output or payload, so the failing ones are named.
 */
import { createHash, randomBytes } from 'node:crypto';
import { recordCase } from './results.js';
import { berth, client, ensureCluster, store } from './harness.js';
import { testNamespaces } from '../integration/harness.js';
import type { KubeObject } from '../../src/model/manifest-set.js';

const RELEASE = 'shop';
const id = randomBytes(6).toString('hex');
/** Distinctive values, so a match is a leak and never a coincidence. */
const SECRET = {
  providerApiKey: `Rel-${id}-provider-api-key`,
  dbPassword: `Rel-${id}-db-password-one`,
  dbPasswordRotated: `Rel-${id}-db-password-two`,
  secretAccessKey: `Rel-${id}-s3-secret-key`,
} as const;
const FIELD: Record<keyof typeof SECRET, string> = {
  providerApiKey: 'payments.providerApiKey',
  dbPassword: 'db.password (before rotation)',
  dbPasswordRotated: 'db.password (after rotation)',
  secretAccessKey: 'backup.secretAccessKey',
};

/** Every form a value can be recovered from: plain, base64 at the three alignments, sha256 hex. */
function forms(value: string): { form: string; text: string }[] {
  const b64 = (s: Buffer) => s.toString('base64');
  const v = Buffer.from(value);
  // Inside a longer base64 string the value's bytes start at offset 0, 1 or 2 of a 3-byte group; drop the
  // characters that also depend on the neighbouring bytes.
  const aligned = [0, 1, 2].map((pad) => {
    const text = b64(Buffer.concat([Buffer.alloc(pad), v])).replace(/=+$/, '');
    const skip = pad === 0 ? 0 : pad + 1;
    return text.slice(skip, text.length - 2);
  });
  return [
    { form: 'plain', text: value },
    ...aligned.map((text, pad) => ({ form: `base64${pad ? ` (offset ${pad})` : ''}`, text })),
    { form: 'sha256', text: createHash('sha256').update(value).digest('hex') },
  ];
}

function leaks(text: string, forbidden: readonly (keyof typeof SECRET)[]): string[] {
  const found: string[] = [];
  for (const key of forbidden) {
    for (const f of forms(SECRET[key])) if (text.includes(f.text)) found.push(`${FIELD[key]} as ${f.form}`);
  }
  return found;
}

const namespace = testNamespaces();
let ns: string;
/** Output name → stdout + stderr. */
const outputs = new Map<string, string>();
/** Keys of SECRET whose value a live Secret holds after the scenario. */
let live: (keyof typeof SECRET)[] = [];
const checks: { check: string; leaks: string[] }[] = [];

const setSecrets = (db: string) => [
  '--set', `payments.providerApiKey=${SECRET.providerApiKey}`,
  '--set', `db.password=${db}`,
  '--set', `backup.secretAccessKey=${SECRET.secretAccessKey}`,
];

async function run(name: string, args: string[], expectCode = 0): Promise<void> {
  const r = await berth(args);
  outputs.set(name, `${r.stdout}\n${r.stderr}`);
  if (r.exit.code !== expectCode) {
    throw new Error(`berth ${args.join(' ')} exited ${r.exit.code}, expected ${expectCode}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

const NS = () => ['-n', ns];
/** The read-only commands run after the scenario; in parallel, four at a time, since each is a separate process. */
const READS: [string, () => string[]][] = [
  ['history', () => ['history', RELEASE, ...NS()]],
  ['history -o json', () => ['history', RELEASE, ...NS(), '-o', 'json']],
  ['status', () => ['status', RELEASE, ...NS()]],
  ['status -o json', () => ['status', RELEASE, ...NS(), '-o', 'json']],
  ['list', () => ['list', ...NS()]],
  ...[1, 2, 3].flatMap((n): [string, () => string[]][] => [
    [`get values --revision ${n}`, () => ['get', 'values', RELEASE, ...NS(), '--revision', String(n)]],
    [`get values --revision ${n} -o json`, () => ['get', 'values', RELEASE, ...NS(), '--revision', String(n), '-o', 'json']],
    [`get manifest --revision ${n}`, () => ['get', 'manifest', RELEASE, ...NS(), '--revision', String(n)]],
    [`get manifest --revision ${n} --show-secrets`, () => ['get', 'manifest', RELEASE, ...NS(), '--revision', String(n), '--show-secrets']],
  ]),
  ['diff-revisions 1 2', () => ['diff-revisions', RELEASE, '1', '2', ...NS()]],
  ['diff-revisions 1 2 -o json', () => ['diff-revisions', RELEASE, '1', '2', ...NS(), '-o', 'json']],
  ['logs', () => ['logs', RELEASE, ...NS()]],
  ['events', () => ['events', RELEASE, ...NS()]],
  ['graph -r -o json', () => ['graph', '-r', RELEASE, ...NS(), '-o', 'json']],
  ['graph (app) -o json', () => ['graph', 'shop', '--env', 'dev', ...setSecrets(SECRET.dbPasswordRotated), '-o', 'json']],
];
const SCENARIO = ['deploy (install)', 'diff (rotation)', 'diff (rotation) -o json', 'diff (rotation) -o markdown', 'deploy (rotation)', 'rollback', 'deploy with a refused secret value'];

beforeAll(async () => {
  await ensureCluster();
  ns = await namespace('rel-secrets');
  const deploy = (db: string) => ['deploy', 'shop', '-r', RELEASE, ...NS(), '--env', 'dev', ...setSecrets(db)];
  await run('deploy (install)', deploy(SECRET.dbPassword));
  const diff = ['diff', 'shop', '-r', RELEASE, ...NS(), '--env', 'dev', ...setSecrets(SECRET.dbPasswordRotated)];
  await run('diff (rotation)', diff);
  await run('diff (rotation) -o json', [...diff, '-o', 'json']);
  await run('diff (rotation) -o markdown', [...diff, '-o', 'markdown']);
  await run('deploy (rotation)', deploy(SECRET.dbPasswordRotated));
  await run('rollback', ['rollback', RELEASE, ...NS()]);
  // A secret value the schema refuses (a list where a string is wanted): refused (exit 1), and the error must not echo it.
  await run('deploy with a refused secret value', [...deploy(SECRET.dbPasswordRotated), '--set', `payments.providerApiKey=[${SECRET.providerApiKey}]`], 1);
  const queue = [...READS];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await run(next[0], next[1]());
    }),
  );
  const secrets = await (await client()).list<KubeObject & { data?: Record<string, string> }>('v1', 'Secret', { namespace: ns });
  const liveText = secrets
    .filter((s) => s.metadata.labels?.owner !== 'berth')
    .flatMap((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString('utf8')))
    .join('\n');
  live = (Object.keys(SECRET) as (keyof typeof SECRET)[]).filter((k) => liveText.includes(SECRET[k]));
}, 600_000);

afterAll(() => {
  const failed = checks.filter((c) => c.leaks.length > 0);
  recordCase({
    id: 'secret-leak',
    title: 'Secret values in CLI output and stored revisions',
    trials: checks.length,
    passed: checks.length - failed.length,
    failed: failed.length,
    figure: { label: 'outputs and payloads showing a secret value', value: failed.length, unit: '' },
    summary: failed.length === 0 ? 'no value found anywhere' : `found in: ${failed.map((c) => `${c.check} (${[...new Set(c.leaks)].join(', ')})`).join('; ')}`,
    details: checks,
  });
});

const ALL = Object.keys(SECRET) as (keyof typeof SECRET)[];

for (const name of [...SCENARIO, ...READS.map(([n]) => n)]) {
  it(`${name}: shows no secret value${name.includes('--show-secrets') ? ' other than the live ones' : ''}`, () => {
    const text = outputs.get(name);
    expect(text).toBeDefined();
    const forbidden = name.includes('--show-secrets') ? ALL.filter((k) => !live.includes(k)) : ALL;
    const found = leaks(text!, forbidden);
    checks.push({ check: name, leaks: found });
    expect(found).toEqual([]);
  });
}

for (const n of [1, 2, 3]) {
  it(`stored revision ${n} (decoded payload and head metadata) holds no secret value`, async () => {
    const rev = await (await store(ns)).get(RELEASE, n);
    const head = await (await client()).read<KubeObject & { data?: unknown }>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `berth.release.v1.${RELEASE}.v${n}`, namespace: ns },
    });
    const found = leaks(`${JSON.stringify(rev)}\n${JSON.stringify(head?.metadata)}`, ALL);
    checks.push({ check: `stored revision ${n}`, leaks: found });
    expect(found).toEqual([]);
  });
}
