// Generates Berth's Kubernetes bindings from the OpenAPI spec of the Kubernetes version the local control plane
// runs, with cdk8s-cli's own `cdk8s import k8s` code generator:
//
//   lib/imports/k8s.ts       every kind of the API (for users: `import * as k8s from 'berth/k8s'`)
//   lib/imports/k8s-lib.ts   only the kinds lib/ renders, with the types they reach, so that lib does not load
//                            (nor type-check) the whole API on every synth
//
//   node scripts/gen-k8s-bindings.mjs           write both files
//   node scripts/gen-k8s-bindings.mjs --check   exit 1 if either file differs from what this script generates
//
// `cdk8s import k8s` downloads a JSON schema that cdk8s converted from Kubernetes' swagger.json with
// openapi2jsonschema --kubernetes; that site is not reachable from every machine and has no schema for each
// patch release. Here the swagger.json comes from the pinned k8s.io/kubernetes module through the Go module
// proxy (its checksum verified by `go mod download`), is converted the same way, and is handed to cdk8s-cli's
// ImportKubernetesApi in place of its download, so the code is what `cdk8s import k8s@<version>` generates.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KUBERNETES_VERSION = '1.34.4';
const GO_MODULE = `k8s.io/kubernetes@v${KUBERNETES_VERSION}`;

/**
 * The kinds lib/ renders (and the one it names in its types: PersistentVolumeClaim, the element type of
 * StatefulSet volumeClaimTemplates, which keeps its KubePersistentVolumeClaimProps name this way). A kind lib
 * starts rendering is added here; the type check fails until it is.
 */
const LIB_KINDS = [
  'io.k8s.api.apps.v1.DaemonSet',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.apps.v1.StatefulSet',
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'io.k8s.api.batch.v1.CronJob',
  'io.k8s.api.batch.v1.Job',
  'io.k8s.api.core.v1.ConfigMap',
  'io.k8s.api.core.v1.PersistentVolumeClaim',
  'io.k8s.api.core.v1.Secret',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.core.v1.ServiceAccount',
  'io.k8s.api.networking.v1.Ingress',
  'io.k8s.api.networking.v1.NetworkPolicy',
  'io.k8s.api.policy.v1.PodDisruptionBudget',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = {
  full: join(root, 'lib', 'imports', 'k8s.ts'),
  lib: join(root, 'lib', 'imports', 'k8s-lib.ts'),
};

// cdk8s-cli exports only its plugin API, so its internals are loaded by file path.
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('cdk8s-cli/package.json'));
const cliRequire = createRequire(join(cliDir, 'package.json'));
const cliUtil = cliRequire('./lib/util.js');
const { ImportKubernetesApi } = cliRequire('./lib/import/k8s.js');
const { Language } = cliRequire('./lib/import/base.js');
const generator = `cdk8s-cli ${cliRequire('./package.json').version}, json2jsii ${cliRequire('json2jsii/package.json').version}`;

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** swagger.json of the pinned module, from the Go module cache (filled through the Go module proxy). */
function readSwagger() {
  const out = execFileSync('go', ['mod', 'download', '-json', GO_MODULE], {
    // Outside any Go module, so no go.mod is read or written; GOTOOLCHAIN=local never downloads a Go toolchain.
    cwd: tmpdir(),
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
  });
  const { Dir, Error: error } = JSON.parse(out);
  if (error) throw new Error(`go mod download ${GO_MODULE}: ${error}`);
  return readFileSync(join(Dir, 'api', 'openapi-spec', 'swagger.json'), 'utf8');
}

/**
 * The `_definitions.json` that openapi2jsonschema --kubernetes makes of a swagger.json, which is the input
 * `cdk8s import k8s` expects: IntOrString and Quantity become string-or-number unions (json2jsii renders them
 * as the IntOrString / Quantity classes with fromString / fromNumber) and each kind's `kind` property gets
 * its value as an enum.
 */
function toCdk8sSchema(swagger) {
  const definitions = structuredClone(swagger.definitions);
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  for (const def of Object.values(definitions)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      const kind = def.properties?.kind;
      if (kind && !(kind.enum ??= []).includes(gvk.kind)) kind.enum.push(gvk.kind);
    }
  }
  return { definitions };
}

/**
 * Keeps only `kinds` as API objects: every other definition loses its group-version-kind, so the generator
 * emits no construct for it, and json2jsii renders only the types the kept kinds reach.
 */
function onlyKinds(schema, kinds) {
  const missing = kinds.filter((k) => !schema.definitions[k]?.['x-kubernetes-group-version-kind']);
  if (missing.length > 0) throw new Error(`not kinds of Kubernetes ${KUBERNETES_VERSION}: ${missing.join(', ')}`);
  const definitions = Object.fromEntries(
    Object.entries(schema.definitions).map(([name, def]) => {
      if (kinds.includes(name) || !def['x-kubernetes-group-version-kind']) return [name, def];
      const { 'x-kubernetes-group-version-kind': _, ...rest } = def;
      return [name, rest];
    }),
  );
  return { definitions };
}

/** Runs ImportKubernetesApi as `cdk8s import k8s@<version>` does, with `schema` as the downloaded file. */
async function generate(schema) {
  const download = cliUtil.download;
  const outdir = mkdtempSync(join(tmpdir(), 'berth-k8s-'));
  const log = console.log;
  cliUtil.download = async () => JSON.stringify(schema);
  console.log = () => {}; // import() prints the module name
  try {
    await new ImportKubernetesApi({ apiVersion: KUBERNETES_VERSION }).import({ outdir, targetLanguage: Language.TYPESCRIPT });
    return withoutUndefinedFields(withoutQuadraticCopies(readFileSync(join(outdir, 'k8s.ts'), 'utf8')));
  } finally {
    cliUtil.download = download;
    console.log = log;
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * json2jsii drops undefined values with `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r,
 * [i[0]]: f(i[1]) }), {})`: one new object per defined entry, each a copy of the one before, so an object of k fields
 * costs k copies (k² property writes). Every object of every synth goes through these functions, some several times
 * (a pod spec, each container, labels and annotations), and at 2,500 objects the copies cost ~25 ms plus their GC
 * (issue 15). Each such expression becomes a call of one loop that builds the same object: the same keys in the same
 * order, `f` called on the same values in the same order, an own `__proto__` key kept as a key (as the object literal
 * does). Anything else json2jsii writes is left as it is; a generator whose output no longer has the pattern fails
 * here rather than silently going slow.
 */
const REDUCE = /Object\.entries\(([^()]*)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: (.*?) \}\), \{\}\)/g;
const DEFINED_ENTRIES = `
/**
 * \`Object.entries(o).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: map(i[1]) }), {})\` without a copy
 * per entry (scripts/gen-k8s-bindings.mjs).
 */
function definedEntries<V, R = V>(o: { [key: string]: V }, map?: (v: V) => R): Record<string, R | V> {
  const out: Record<string, R | V> = {};
  const keys = Object.keys(o);
  // every value read before the first map() call, as Object.entries() reads them
  const values = keys.map((k) => o[k]!);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = values[i]!;
    if (v === undefined) continue;
    const value = map ? map(v) : v;
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}
`;

/**
 * A struct's function builds \`const result = { 'field': value, ... }\` with every field of the type (a PodSpec has 40,
 * most of them undefined) and then copies the defined ones: it becomes one assignment per defined field, in the same
 * order, each value computed in the same order. Only the exact shape json2jsii writes is rewritten.
 */
const STRUCT = /  const result = \{\n((?:    '[^']+': .*,\n)*)  \};\n  \/\/ filter undefined values\n  return definedEntries\(result\);/g;
const FIELD = /^    '([^']+)': (.*),$/;

function withoutUndefinedFields(code) {
  let count = 0;
  const out = code.replace(STRUCT, (_all, body) => {
    const fields = body.split('\n').filter((line) => line !== '').map((line) => {
      const m = FIELD.exec(line);
      if (!m || m[1] === '__proto__') throw new Error(`json2jsii writes a struct field this script does not know: ${line}`);
      return `  if ((v = ${m[2]}) !== undefined) result['${m[1]}'] = v;`;
    });
    count++;
    return ['  const result: Record<string, any> = {};', '  let v: any;', ...fields, '  return result;'].join('\n');
  });
  if (count === 0) throw new Error('json2jsii no longer writes the struct functions this script rewrites: read its output again');
  return out;
}

function withoutQuadraticCopies(code) {
  let count = 0;
  const out = code.replace(REDUCE, (_all, expr, value) => {
    count++;
    if (value === 'i[1]') return `definedEntries(${expr})`;
    if (value.includes('i[0]') || /\bv\b/.test(value)) throw new Error(`json2jsii writes a reduce this script does not know: ${value}`);
    return `definedEntries(${expr}, (v) => ${value.replaceAll('i[1]', 'v')})`;
  });
  if (count === 0) throw new Error('json2jsii no longer writes the reduce this script replaces: read its output again');
  if (out.includes('.reduce((r, i) =>')) throw new Error('json2jsii writes a reduce this script does not know: read its output again');
  return `${out}${DEFINED_ENTRIES}`;
}

/**
 * The header test/unit/lib/imports.test.ts checks: the body's hash catches a hand edit, the generator version
 * a cdk8s-cli upgrade that was not followed by a regeneration.
 */
function withHeader(body, { swaggerSha, kinds }) {
  return [
    '// Generated by scripts/gen-k8s-bindings.mjs; do not edit. Regenerate: node scripts/gen-k8s-bindings.mjs',
    `// kubernetes: ${KUBERNETES_VERSION} (${GO_MODULE} api/openapi-spec/swagger.json, sha256 ${swaggerSha})`,
    `// generator: ${generator}`,
    `// kinds: ${kinds}`,
    `// body sha256: ${sha256(body)}`,
    body,
  ].join('\n');
}

async function main() {
  const check = process.argv.includes('--check');
  const swaggerText = readSwagger();
  const swaggerSha = sha256(swaggerText);
  const schema = toCdk8sSchema(JSON.parse(swaggerText));
  const files = {
    [OUTPUTS.full]: withHeader(await generate(schema), { swaggerSha, kinds: 'all' }),
    [OUTPUTS.lib]: withHeader(await generate(onlyKinds(schema, LIB_KINDS)), { swaggerSha, kinds: LIB_KINDS.join(' ') }),
  };
  let stale = false;
  for (const [path, text] of Object.entries(files)) {
    const name = path.slice(root.length + 1);
    if (!check) {
      writeFileSync(path, text);
      console.log(`wrote ${name} (${(text.length / 1e6).toFixed(2)} MB)`);
    } else if (readFileSync(path, 'utf8') !== text) {
      stale = true;
      console.error(`${name} is not what scripts/gen-k8s-bindings.mjs generates; run it and commit the result`);
    }
  }
  if (stale) process.exitCode = 1;
}

await main();
