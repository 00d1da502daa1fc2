// Deploy benchmarks against the local control plane, for one N: Berth, Helm (each version) and
// `kubectl apply --server-side` deploy the same system into their own namespace, through the scenarios
// first deploy → no-op redeploy → one-service change → rollback. Every step records its wall time and
// peak RSS, which objects it wrote (spec changes seen in the cluster), the API server's count of mutating
// requests during the step, and the size of the stored release.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailed, runOnce } from './measure.mjs';
import { BERTH, ROOT } from './tools.mjs';
import { berthSynthArgs, helmEnv } from './synth.mjs';
import { RELEASE } from '../spec.mjs';

const KINDS = 'deployments,services,configmaps,ingresses.networking.k8s.io,horizontalpodautoscalers.autoscaling,secrets';
const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE']);
// Reads are counted too (controllers use watches, so GET / LIST here are almost all the tool's): they show how a tool waits.
const READ_VERBS = new Set(['GET', 'LIST']);
// Leases are left out: the controller manager and scheduler renew theirs every few seconds.
const TOOL_RESOURCES = new Set(['deployments', 'services', 'configmaps', 'ingresses', 'horizontalpodautoscalers', 'secrets']);
const WAIT_TIMEOUT = '600s';
const KUBECTL_NS = `${RELEASE}-kubectl`;

class Kube {
  constructor(kubectl, kubeconfig) {
    this.kubectl = kubectl;
    this.kubeconfig = kubeconfig;
  }

  run(args, { input, allowFail = false } = {}) {
    const r = spawnSync(this.kubectl, ['--kubeconfig', this.kubeconfig, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 30 });
    if (r.status !== 0 && !allowFail) throw new Error(`kubectl ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    return r;
  }

  json(args) {
    return JSON.parse(this.run([...args, '-o', 'json']).stdout);
  }

  /** Deletes the namespace and waits until it is gone, then creates it empty. */
  freshNamespace(ns) {
    this.run(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=600s']);
    this.run(['create', 'namespace', ns]);
    // The root CA ConfigMap and the default ServiceAccount are written by controllers; let them land
    // before the first snapshot so they are not counted as the tool's writes.
    for (let i = 0; i < 50; i++) {
      if (this.run(['get', 'configmap', 'kube-root-ca.crt', '-n', ns], { allowFail: true }).status === 0) break;
      spawnSync('sleep', ['0.2']);
    }
  }

  /**
   * Identity → hash of the desired state of the benchmark's objects in a namespace: labels, annotations,
   * spec / data, without status and server bookkeeping, so controllers' status updates do not count.
   * A Deployment's `spec.replicas` is left out too: the HPA owns it here.
   */
  snapshot(ns) {
    const items = this.json(['get', KINDS, '-n', ns]).items;
    const out = new Map();
    for (const o of items) {
      if (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') continue;
      const { status, metadata, ...rest } = o;
      void status;
      const annotations = { ...metadata.annotations };
      delete annotations['deployment.kubernetes.io/revision'];
      if (o.kind === 'Deployment' && rest.spec) rest.spec = { ...rest.spec, replicas: undefined };
      const desired = JSON.stringify({ labels: metadata.labels, annotations, ...rest });
      out.set(`${o.kind}/${metadata.name}`, createHash('sha256').update(desired).digest('hex'));
    }
    return out;
  }

  /** Mutating requests the API server has served, by `VERB resource`, for the kinds a deploy tool writes. */
  writeCounters() {
    const text = this.run(['get', '--raw', '/metrics']).stdout;
    const counts = new Map();
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      let key;
      if (READ_VERBS.has(labels.verb) && (TOOL_RESOURCES.has(labels.resource) || labels.resource === 'pods')) key = `read ${labels.verb} ${labels.resource}`;
      else if (!WRITE_VERBS.has(labels.verb) || labels.subresource || !TOOL_RESOURCES.has(labels.resource)) continue;
      else key = `${labels.dry_run ? 'dry-run ' : ''}${labels.verb} ${labels.resource}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    return counts;
  }

  /** Size of the release records a tool keeps in Secrets: `{ secrets, bytes }` (bytes of `data`, decoded). */
  releaseStore(ns, selector) {
    const items = this.json(['get', 'secrets', '-n', ns, '-l', selector]).items;
    let bytes = 0;
    for (const s of items) for (const v of Object.values(s.data ?? {})) bytes += Buffer.from(v, 'base64').length;
    return { secrets: items.length, bytes };
  }

  /** Deletes a tool's namespace once its scenarios ran, so the next tool has the nodes' pod capacity. */
  deleteNamespace(ns) {
    this.run(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=600s']);
  }

  waitReady(ns) {
    this.run(['wait', '--for=condition=Available', 'deployments', '--all', '-n', ns, `--timeout=${WAIT_TIMEOUT}`]);
  }

  /**
   * Waits, untimed, until the namespace is at rest after a step: every Deployment an HPA targets scaled to at least the
   * HPA's minimum, and every Deployment's replicas all updated and available. A tool's readiness (Berth's, Helm's, or
   * `kubectl wait`'s Available condition) is met with 1 of 2 replicas, and the bench's HPAs (minReplicas 2) scale the
   * Deployments up only after that: without this, the next step waited for those scale-ups (at N=500, a no-op took
   * 20 s in half the runs), which measures the HPA controller, not the tool. Returns the milliseconds it waited.
   */
  settle(ns) {
    const started = Date.now();
    for (;;) {
      const items = this.json(['get', 'deployments,horizontalpodautoscalers.autoscaling', '-n', ns]).items;
      const minimum = new Map();
      for (const h of items) if (h.kind === 'HorizontalPodAutoscaler') minimum.set(h.spec.scaleTargetRef.name, h.spec.minReplicas ?? 1);
      const unsettled = items.filter((d) => {
        if (d.kind !== 'Deployment') return false;
        const want = d.spec.replicas ?? 1;
        const s = d.status ?? {};
        return (
          want < (minimum.get(d.metadata.name) ?? 0) ||
          (s.observedGeneration ?? 0) < d.metadata.generation ||
          (s.replicas ?? 0) !== want ||
          (s.updatedReplicas ?? 0) !== want ||
          (s.availableReplicas ?? 0) !== want
        );
      });
      if (unsettled.length === 0) return Date.now() - started;
      if (Date.now() - started > 600_000) throw new Error(`namespace ${ns} did not settle in 600 s: ${unsettled.slice(0, 5).map((d) => d.metadata.name).join(', ')} …`);
      spawnSync('sleep', ['0.5']);
    }
  }
}

function yamlFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(name) ? [p] : [];
    });
}

function diffSnapshots(before, after) {
  const written = [];
  for (const [key, marker] of after) if (before.get(key) !== marker) written.push(key);
  for (const key of before.keys()) if (!after.has(key)) written.push(`${key} (deleted)`);
  return written.sort();
}

/** Requests during a step: real writes, server-side dry runs and reads counted apart. */
function diffCounters(before, after) {
  const byVerb = {};
  let total = 0;
  let dryRun = 0;
  let reads = 0;
  for (const [key, v] of after) {
    const d = v - (before.get(key) ?? 0);
    if (d <= 0) continue;
    byVerb[key] = d;
    if (key.startsWith('dry-run ')) dryRun += d;
    else if (key.startsWith('read ')) reads += d;
    else total += d;
  }
  return { total, dryRun, reads, byVerb };
}

/** Summary of written objects: count, and which services/kinds when few. */
function summariseWritten(written) {
  const workload = written.filter((k) => !k.startsWith('Secret/'));
  const secrets = written.filter((k) => k.startsWith('Secret/'));
  const byKind = {};
  for (const k of workload) byKind[k.split('/')[0]] = (byKind[k.split('/')[0]] ?? 0) + 1;
  return { objects: workload.length, byKind, releaseSecrets: secrets.length, list: written.length <= 12 ? written : undefined };
}

/**
 * The scenarios for one tool. `steps` maps scenario → `{ cmd, args, env, ready }` where `ready` says
 * whether the command itself waits for readiness (otherwise `kubectl wait` runs after it, timed separately).
 */
async function runScenarios({ kube, ns, tool, steps, storeSelector, log }) {
  const out = { tool, namespace: ns, steps: {} };
  for (const [name, step] of Object.entries(steps)) {
    const before = kube.snapshot(ns);
    const counters = kube.writeCounters();
    const r = await runOnce(step.cmd, step.args, { cwd: step.cwd ?? ROOT, env: step.env, input: step.input });
    if (r.code !== 0) {
      const err = new CommandFailed(`${tool} ${name}`, r);
      log(`  ${tool.padEnd(22)} ${name.padEnd(20)} FAILED: ${err.message.split('\n').slice(0, 6).join('\n      ')}`);
      out.steps[name] = { failed: err.message };
      kube.deleteNamespace(ns);
      return out;
    }
    let waitMs = 0;
    if (!step.waits) {
      const w = Date.now();
      kube.waitReady(ns);
      waitMs = Date.now() - w;
    }
    const writes = diffCounters(counters, kube.writeCounters());
    const written = summariseWritten(diffSnapshots(before, kube.snapshot(ns)));
    const store = storeSelector ? kube.releaseStore(ns, storeSelector) : undefined;
    out.steps[name] = { loadAverage: Math.round(loadavg()[0] * 100) / 100, wallMs: r.wallMs, waitMs, totalMs: r.wallMs + waitMs, peakRssMiB: r.rssMiB, written, apiWrites: writes, releaseStore: store };
    log(
      `  ${tool.padEnd(22)} ${name.padEnd(20)} ${String(r.wallMs + waitMs).padStart(6)} ms` +
        `${waitMs ? ` (${r.wallMs} + wait ${waitMs})` : ''}  RSS ${r.rssMiB ?? '?'} MiB  objects written ${written.objects}` +
        `  API writes ${writes.total} (+${writes.dryRun} dry-run, ${writes.reads} reads)${store ? `  store ${store.secrets} secrets ${store.bytes} B` : ''}`,
    );
    log(`      written: ${JSON.stringify(written.list ?? written.byKind)}  API writes: ${JSON.stringify(writes.byVerb)}`);
    const settleMs = kube.settle(ns);
    out.steps[name].settleMs = settleMs;
    if (settleMs > 1000) log(`      then ${settleMs} ms (untimed) until every Deployment was at its HPA's minimum and fully available`);
  }
  kube.deleteNamespace(ns);
  return out;
}

/**
 * The deploy scenarios at every size of `sets`, `reps` times each (a fresh namespace per tool and repetition).
 * Each entry: `{ tool, n, rep, namespace, steps }`, or `{ tool, n, skipped }`.
 */
export async function deployBenchmarks({ sets, reps = 1, tools, cluster, log, only }) {
  const results = [];
  for (const paths of sets) {
    for (let rep = 1; rep <= reps; rep++) {
      log(`deploy N=${paths.n} (${5 * paths.n} objects), repetition ${rep} of ${reps}`);
      results.push(...(await deployOnce({ paths, rep, tools, cluster, log, only })));
    }
  }
  return results;
}

async function deployOnce({ paths, rep, tools, cluster, log, only }) {
  const wanted = (tool) => !only || only.some((o) => tool.startsWith(o));
  const { kubeconfig } = cluster;
  const { n } = paths;
  const results = [];
  const skip = (tool, reason) => {
    log(`  ${tool.padEnd(22)} skipped: ${reason}`);
    results.push({ tool, n, rep, skipped: reason });
  };
  if (!tools.kubectl.available) {
    skip('all deploy benchmarks', tools.kubectl.reason);
    return results;
  }
  if (!kubeconfig) {
    skip('all deploy benchmarks', cluster.reason);
    return results;
  }
  const kube = new Kube(tools.kubectl.path, kubeconfig);
  const kenv = { KUBECONFIG: kubeconfig };

  // The manifests kubectl applies: Berth's synth output when Berth can synth, else Helm's rendering.
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-deploy-'));
  const manifests = { default: join(work, 'default'), change: join(work, 'change') };
  let manifestSource;
  try {
    const canSynth = tools.berth.available && tools.berth.commands.includes('synth');
    const firstHelm = Object.entries(tools.helm).find(([, h]) => h.available);
    for (const env of ['default', 'change']) {
      if (canSynth) {
        const r = await runOnce(process.execPath, berthSynthArgs(paths, manifests[env], env, KUBECTL_NS), { cwd: ROOT });
        if (r.code !== 0) throw new CommandFailed('berth synth', r);
        manifestSource = 'berth synth';
      } else if (firstHelm) {
        const values = env === 'default' ? 'values.yaml' : 'values-change.yaml';
        const r = await runOnce(firstHelm[1].path, ['template', RELEASE, paths.helm, '-n', KUBECTL_NS, '-f', join(paths.helm, values)], { env: helmEnv() });
        if (r.code !== 0) throw new CommandFailed('helm template', r);
        mkdirSync(manifests[env], { recursive: true });
        writeFileSync(join(manifests[env], 'all.yaml'), r.stdout);
        manifestSource = `helm template ${firstHelm[0]}`;
      }
    }

    // kubectl apply --server-side: the floor for applying these objects (no release record, no ownership checks).
    if (!wanted('kubectl')) {
      // not selected with --deploy-tools
    } else if (!manifestSource) skip('kubectl apply', 'neither berth synth nor a helm build is available to render the manifests');
    else {
      const ns = KUBECTL_NS;
      kube.freshNamespace(ns);
      // Only the manifests: berth synth also writes the config schema (schema.json) beside them.
      const apply = (dir) => ({
        cmd: tools.kubectl.path,
        args: ['apply', '--server-side', '--field-manager=bench', '-n', ns, ...yamlFiles(dir).flatMap((f) => ['-f', f])],
        env: kenv,
        waits: false,
      });
      const r = await runScenarios({
        kube,
        ns,
        tool: 'kubectl apply --server-side',
        steps: { first: apply(manifests.default), noop: apply(manifests.default), change: apply(manifests.change), rollback: apply(manifests.default) },
        log,
      });
      results.push({ ...r, n, rep, manifests: manifestSource, note: 'wall = apply, then kubectl wait for Available, timed separately' });
    }

    // Helm upgrade --install --wait, each version
    for (const [version, helm] of Object.entries(tools.helm)) {
      const tool = `helm ${version}`;
      if (!wanted(tool)) continue;
      if (!helm.available) {
        skip(tool, helm.reason);
        continue;
      }
      const ns = `${RELEASE}-helm-${version.split('.')[0]}`;
      kube.freshNamespace(ns);
      const upgrade = (values) => ({
        cmd: helm.path,
        args: ['upgrade', '--install', RELEASE, paths.helm, '-n', ns, '-f', join(paths.helm, values), '--wait', `--timeout=${WAIT_TIMEOUT.replace('s', '')}s`],
        env: helmEnv(kenv),
        waits: true,
      });
      const r = await runScenarios({
        kube,
        ns,
        tool,
        steps: {
          first: upgrade('values.yaml'),
          noop: upgrade('values.yaml'),
          change: upgrade('values-change.yaml'),
          rollback: { cmd: helm.path, args: ['rollback', RELEASE, '-n', ns, '--wait', `--timeout=${WAIT_TIMEOUT}`], env: helmEnv(kenv), waits: true },
        },
        storeSelector: `owner=helm,name=${RELEASE}`,
        log,
      });
      results.push({ ...r, n, rep });
    }

    // Berth deploy
    const berthCommands = tools.berth.commands ?? [];
    if (!wanted('berth')) {
      // not selected with --deploy-tools
    } else if (!tools.berth.available) skip('berth', tools.berth.reason);
    else if (!berthCommands.includes('deploy')) skip('berth', 'the berth CLI has no deploy command yet');
    else {
      // Under the Node running the bench, and under the LTS Node too where there is one (tools.node24).
      const runtimes = [[process.execPath, 'berth', `${RELEASE}-berth`], ...(tools.node24?.available ? [[tools.node24.path, `berth (Node ${tools.node24.version})`, `${RELEASE}-berth-lts`]] : [])];
      for (const [node, tool, ns] of runtimes) {
        kube.freshNamespace(ns);
        const deploy = (env) => ({
          cmd: node,
          args: [BERTH, 'deploy', paths.berthApp, '-r', RELEASE, '-n', ns, '--env', env, `--timeout=${WAIT_TIMEOUT}`],
          env: kenv,
          waits: true,
        });
        const steps = { first: deploy('default'), noop: deploy('default'), change: deploy('change') };
        if (berthCommands.includes('rollback')) {
          steps.rollback = { cmd: node, args: [BERTH, 'rollback', RELEASE, '-n', ns, `--timeout=${WAIT_TIMEOUT}`], env: kenv, waits: true };
        }
        const r = await runScenarios({ kube, ns, tool, steps, storeSelector: `owner=berth,release=${RELEASE}`, log });
        if (!steps.rollback) r.steps.rollback = { skipped: 'the berth CLI has no rollback command yet' };
        results.push({ ...r, n, rep });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
