/**
 * Helpers for integration tests against the local control plane that global-setup.ts starts.
 *
 *   const ns = await createTestNamespace('deploy');          // unique, e.g. deploy-k3x9q2
 *   await applyYaml(manifest, ns);
 *   await waitFor(async () => (await getJson('deployment', 'web', ns)).status?.availableReplicas === 3);
 *   await deleteNamespace(ns);
 *
 * Failure injection (kwok stages, src/cluster/kwok-config.ts): a pod annotated
 * `berth.dev/test-never-ready: "true"` runs but never becomes Ready; `berth.dev/test-fail: "true"` makes it
 * crash-loop (restartPolicy Always) or fail (Never / OnFailure). PVCs bind through the default StorageClass.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { execFile } from '../../src/cluster/exec.js';
import { binaryPath } from '../../src/cluster/paths.js';

export { ANNOTATION_FAIL, ANNOTATION_IMAGE_PULL_FAIL, ANNOTATION_NEVER_READY, IMAGE_PULL_FAIL_MESSAGE, STORAGE_CLASS } from '../../src/cluster/kwok-config.js';

/** A parsed kubectl JSON object; tests read fields freely and assert on them. */
export type Json = any;

/** The kubeconfig of the test cluster (set by global-setup.ts for every test worker). */
export function testKubeconfig(): string {
  const path = process.env.BERTH_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      'BERTH_TEST_KUBECONFIG is not set: integration tests must run through `npm run test:integration`, whose jest globalSetup starts the cluster',
    );
  }
  return path;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built kubectl (never the one on PATH) against the test cluster; does not throw on failure. */
export async function kubectlResult(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return execFile(binaryPath('kubectl'), ['--kubeconfig', testKubeconfig(), ...args], {
    input: options.input,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** Runs kubectl and returns stdout; throws with the command and stderr when it exits non-zero. */
export async function kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const res = await kubectlResult(args, options);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited with ${res.code}: ${res.stderr.trim()}`);
  return res.stdout;
}

/** Creates a namespace with a unique name `<prefix>-<random>` and returns the name. */
export async function createTestNamespace(prefix: string): Promise<string> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'test';
  const name = `${base}-${randomBytes(4).toString('hex').slice(0, 6)}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

/** Deletes a namespace without waiting for its contents to go (the namespace controller finishes it). */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=false']);
}

/** Applies objects or a YAML string (server-side apply) into a namespace. */
export async function applyYaml(manifest: string | object | readonly object[], namespace?: string): Promise<void> {
  const yaml =
    typeof manifest === 'string'
      ? manifest
      : (Array.isArray(manifest) ? manifest : [manifest]).map((o) => stringify(o)).join('---\n');
  await kubectl(['apply', '--server-side', '--field-manager', 'berth-test', ...(namespace ? ['-n', namespace] : []), '-f', '-'], {
    input: yaml,
  });
}

/** `kubectl get <kind> <name> -o json`, or undefined when it does not exist. */
export async function getJson(kind: string, name: string, namespace?: string): Promise<Json | undefined> {
  const res = await kubectlResult(['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])]);
  if (res.code !== 0) {
    if (/NotFound/.test(res.stderr)) return undefined;
    throw new Error(`kubectl get ${kind} ${name} failed: ${res.stderr.trim()}`);
  }
  return JSON.parse(res.stdout);
}

/** `kubectl get <kind> -o json` items, optionally filtered by a label selector. */
export async function listJson(kind: string, namespace?: string, selector?: string): Promise<Json[]> {
  const out = await kubectl([
    'get',
    kind,
    '-o',
    'json',
    ...(namespace ? ['-n', namespace] : ['-A']),
    ...(selector ? ['-l', selector] : []),
  ]);
  return (JSON.parse(out) as { items: unknown[] }).items;
}

export interface WaitOptions {
  /** @default 60000 */
  readonly timeoutMs?: number;
  /** @default 250 */
  readonly intervalMs?: number;
  /** Describes what is awaited, for the timeout error. */
  readonly what?: string;
}

/** Polls `check` until it returns a truthy value, and returns that value; throws after the timeout. */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs ?? 60_000} ms waiting for ${options.what ?? 'a condition'}${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
  }
}

/** Waits until a Deployment has `replicas` available and updated replicas, returns its final object. */
export async function waitForDeploymentAvailable(name: string, namespace: string, replicas: number, options: WaitOptions = {}): Promise<Json> {
  return waitFor(
    async () => {
      const d = await getJson('deployment', name, namespace);
      const s = d?.status ?? {};
      return s.availableReplicas === replicas && s.updatedReplicas === replicas && s.observedGeneration >= d.metadata.generation ? d : undefined;
    },
    { what: `deployment ${namespace}/${name} to have ${replicas} available replicas`, ...options },
  );
}

/** Waits until a StatefulSet has `replicas` ready replicas. */
export async function waitForStatefulSetReady(name: string, namespace: string, replicas: number, options: WaitOptions = {}): Promise<Json> {
  return waitFor(
    async () => {
      const s = await getJson('statefulset', name, namespace);
      return s?.status?.readyReplicas === replicas && s.status.currentReplicas === replicas ? s : undefined;
    },
    { what: `statefulset ${namespace}/${name} to have ${replicas} ready replicas`, ...options },
  );
}

/** Waits until a pod condition (Ready, PodScheduled, ...) has the given status; returns the pod. */
export async function waitForPodCondition(name: string, namespace: string, type: string, status: 'True' | 'False', options: WaitOptions = {}): Promise<Json> {
  return waitFor(
    async () => {
      const p = await getJson('pod', name, namespace);
      const c = (p?.status?.conditions ?? []).find((x: { type: string }) => x.type === type);
      return c?.status === status ? p : undefined;
    },
    { what: `pod ${namespace}/${name} condition ${type}=${status}`, ...options },
  );
}

/**
 * Namespaces for one test file: `const namespace = testNamespaces();` at the top level, then
 * `await namespace('deploy')` in tests (or `namespace.track(ns)` for one a test lets Berth create); every
 * namespace it knows is deleted after the file's tests.
 */
export function testNamespaces(): ((prefix: string) => Promise<string>) & { track(ns: string): void } {
  const made: string[] = [];
  afterAll(async () => {
    for (const ns of made) await deleteNamespace(ns);
  });
  const create = async (prefix: string) => {
    const ns = await createTestNamespace(prefix);
    made.push(ns);
    return ns;
  };
  return Object.assign(create, { track: (ns: string) => void made.push(ns) });
}

/**
 * A kubeconfig file that acts as ServiceAccount `account` of `namespace` (a TokenRequest token, as `kubectl create token`
 * makes), for tests of what a user with only some rights can do.
 */
export async function serviceAccountKubeconfig(namespace: string, account: string): Promise<string> {
  const token = (await kubectl(['create', 'token', account, '-n', namespace, '--duration', '1h'])).trim();
  const cluster = JSON.parse(await kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])).clusters[0].cluster;
  const path = join(tmpdir(), `berth-${account}-${namespace}-${process.pid}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: cluster.server, 'certificate-authority': cluster['certificate-authority'] } }],
      users: [{ name: account, user: { token } }],
      contexts: [{ name: account, context: { cluster: 'test', user: account, namespace } }],
      'current-context': account,
    }),
  );
  return path;
}

/** Runs a command in a PID namespace of its own (with its own /proc): a container or CI runner sharing this host. */
export const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc'] as const;

/** Whether this kernel lets us make a PID namespace (root, or user namespaces allowed); the reason when not. */
export async function pidNamespaces(): Promise<string | undefined> {
  const res = await execFile(UNSHARE[0], [...UNSHARE.slice(1), 'true'], { timeoutMs: 10_000 }).catch((err: Error) => ({ code: -1, stdout: '', stderr: err.message }));
  return res.code === 0 ? undefined : `unshare --pid --fork --mount-proc refused (exit ${res.code}): ${res.stderr.trim()}`;
}

/** Sets a never-ready pod's Ready conditions to True, as a kubelet would once its probe passes. */
export async function makeReady(pod: { metadata: { name: string }; status: { conditions: { type: string; status: string }[]; containerStatuses?: { ready: boolean }[] } }, ns: string): Promise<void> {
  const conditions = pod.status.conditions.map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'True' } : c));
  const containerStatuses = (pod.status.containerStatuses ?? []).map((c) => ({ ...c, ready: true }));
  await kubectl(['patch', 'pod', pod.metadata.name, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions, containerStatuses } })]);
}
