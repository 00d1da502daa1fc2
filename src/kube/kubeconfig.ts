import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.js';

/**
 * Reads kubeconfig files the way kubectl does (KUBECONFIG list merged, first value wins; paths relative to the file
 * that names them; in-cluster service account as the last resort) and turns the selected context into Node TLS
 * options. This is the only reading of kubeconfig files: for what this file does not handle itself (exec credential
 * plugins, auth providers, proxies) @kubernetes/client-node gets the one context already resolved here, never the
 * files, since its own merge differs from kubectl's (the last current-context wins, duplicate names throw). Loading
 * client-node costs over a second of CPU at every start, so it is imported only for those users.
 */

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

interface UserEntry {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
}

interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface Named<T> {
  name: string;
  value: T;
  /** Directory of the file it came from: relative paths resolve against it. */
  dir: string;
}

export interface Kubeconfig {
  /** Files read, in KUBECONFIG order; empty for the in-cluster config. */
  readonly files: readonly string[];
  readonly contexts: readonly string[];
  readonly context: string;
  readonly server: string;
  readonly namespace: string;
  /** When the user or cluster needs @kubernetes/client-node (exec plugin, auth provider, proxy). */
  readonly needsClientNode: boolean;
  /**
   * TLS options and headers for node:https; re-read on each call (token files rotate, exec plugins hand out
   * short-lived credentials).
   */
  requestOptions(): Promise<https.RequestOptions>;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The kubeconfig files kubectl would read: --kubeconfig, else $KUBECONFIG (a path list), else ~/.kube/config. */
export function kubeconfigFiles(explicit?: string): string[] {
  if (explicit) return [explicit];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

export function loadKubeconfig(options: { kubeconfig?: string; context?: string } = {}): Kubeconfig {
  if (options.kubeconfig && !existsSync(options.kubeconfig)) {
    throw new UserError(`kubeconfig ${options.kubeconfig} does not exist`, {
      hint: 'pass the path of an existing file with --kubeconfig, or start the local cluster with `berth cluster up`',
    });
  }
  const files = kubeconfigFiles(options.kubeconfig).filter((f) => existsSync(f));
  if (files.length === 0) {
    if (!options.context && process.env.KUBERNETES_SERVICE_HOST && existsSync(`${SERVICE_ACCOUNT}/token`)) return inCluster();
    throw new UserError(`no kubeconfig found (looked at ${kubeconfigFiles(options.kubeconfig).join(', ')})`, {
      hint: 'pass one with --kubeconfig or KUBECONFIG, or start the local cluster with `berth cluster up`',
    });
  }
  const clusters = new Map<string, Named<ClusterEntry>>();
  const users = new Map<string, Named<UserEntry>>();
  const contexts = new Map<string, Named<ContextEntry>>();
  let current: string | undefined;
  for (const file of files) {
    let doc: Record<string, unknown>;
    try {
      doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new UserError(`cannot read the kubeconfig ${file}: ${(err as Error).message}`, { hint: 'check the file is a valid kubeconfig (kubectl config view)' });
    }
    const dir = dirname(file);
    collect(doc.clusters, 'cluster', dir, clusters);
    collect(doc.users, 'user', dir, users);
    collect(doc.contexts, 'context', dir, contexts);
    if (!current && typeof doc['current-context'] === 'string' && doc['current-context']) current = doc['current-context'];
  }
  const contextName = options.context ?? current;
  if (!contextName) {
    throw new UserError(`the kubeconfig ${files.join(', ')} has no current context`, {
      hint: contexts.size > 0 ? `pick one with --context: ${[...contexts.keys()].join(', ')}` : 'the kubeconfig has no contexts',
    });
  }
  const context = contexts.get(contextName);
  if (!context) {
    throw new UserError(`context ${contextName} is not in the kubeconfig`, {
      hint: contexts.size > 0 ? `known contexts: ${[...contexts.keys()].join(', ')}` : 'the kubeconfig has no contexts',
    });
  }
  const cluster = clusters.get(context.value.cluster ?? '');
  if (!cluster?.value.server) {
    throw new UserError(`context ${contextName} names cluster '${context.value.cluster ?? ''}', which is not in the kubeconfig or has no server`, {
      hint: 'fix the clusters section of the kubeconfig (kubectl config view)',
    });
  }
  const user = users.get(context.value.user ?? '') ?? { name: '', value: {}, dir: '' };
  const c = cluster.value;
  const u = user.value;
  const file = (dir: string, path: string) => (isAbsolute(path) ? path : join(dir, path));
  const bytes = (data: string | undefined, path: string | undefined, dir: string, what: string): Buffer | undefined => {
    if (data) return Buffer.from(data, 'base64');
    if (!path) return undefined;
    try {
      return readFileSync(file(dir, path));
    } catch (err) {
      throw new UserError(`cannot read ${what} ${file(dir, path)} of context ${contextName}: ${(err as Error).message}`, {
        hint: 'fix the path in the kubeconfig',
      });
    }
  };
  const needsClientNode = Boolean(u.exec || u['auth-provider'] || c['proxy-url']);
  return {
    files,
    contexts: [...contexts.keys()],
    context: contextName,
    server: c.server!,
    namespace: context.value.namespace || 'default',
    needsClientNode,
    async requestOptions() {
      if (needsClientNode) return clientNodeOptions(contextName, context.value.namespace, cluster, user);
      const headers: Record<string, string> = {};
      const token = u.token ?? (u.tokenFile ? bytes(undefined, u.tokenFile, user.dir, 'the token file')!.toString('utf8').trim() : undefined);
      if (token) headers.Authorization = `Bearer ${token}`;
      return {
        ca: bytes(c['certificate-authority-data'], c['certificate-authority'], cluster.dir, 'the certificate authority'),
        cert: bytes(u['client-certificate-data'], u['client-certificate'], user.dir, 'the client certificate'),
        key: bytes(u['client-key-data'], u['client-key'], user.dir, 'the client key'),
        rejectUnauthorized: !c['insecure-skip-tls-verify'],
        servername: c['tls-server-name'],
        auth: u.username ? `${u.username}:${u.password ?? ''}` : undefined,
        headers,
      };
    },
  };
}

/**
 * Credentials through @kubernetes/client-node, from the context resolved above: file paths made absolute against the
 * file that named them, and an exec plugin's relative command too, as kubectl does ("relative command paths are
 * interpreted as relative to the directory of the config file").
 */
async function clientNodeOptions(
  contextName: string,
  namespace: string | undefined,
  cluster: Named<ClusterEntry>,
  user: Named<UserEntry>,
): Promise<https.RequestOptions> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const c = cluster.value;
  const u = user.value;
  const abs = (dir: string, path: string | undefined) => (path && !isAbsolute(path) ? join(dir, path) : path);
  const exec = u.exec as { command?: string } | undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: c.server!.replace(/\/$/, ''),
        caData: c['certificate-authority-data'],
        caFile: abs(cluster.dir, c['certificate-authority']),
        skipTLSVerify: c['insecure-skip-tls-verify'] === true,
        tlsServerName: c['tls-server-name'],
        proxyUrl: c['proxy-url'],
      },
    ],
    users: [
      {
        name: user.name || 'user',
        authProvider: u['auth-provider'],
        exec: exec?.command?.includes('/') ? { ...exec, command: abs(user.dir, exec.command) } : exec,
        certData: u['client-certificate-data'],
        certFile: abs(user.dir, u['client-certificate']),
        keyData: u['client-key-data'],
        keyFile: abs(user.dir, u['client-key']),
        token: u.token ?? (u.tokenFile ? readFileSync(abs(user.dir, u.tokenFile)!, 'utf8').trim() : undefined),
        username: u.username,
        password: u.password,
      },
    ],
    contexts: [{ name: contextName, cluster: cluster.name, user: user.name || 'user', namespace }],
    currentContext: contextName,
  });
  const opts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new UserError(`cannot use the credentials of context ${contextName}: ${(err as Error).message}`, {
      hint: 'check the user and cluster entries of this context in the kubeconfig (kubectl config view)',
    });
  }
  return opts;
}

function collect<T>(list: unknown, key: string, dir: string, into: Map<string, Named<T>>): void {
  if (!Array.isArray(list)) return;
  for (const entry of list as Record<string, unknown>[]) {
    const name = entry?.name;
    if (typeof name === 'string' && !into.has(name)) into.set(name, { name, value: (entry[key] ?? {}) as T, dir });
  }
}

function inCluster(): Kubeconfig {
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  const namespaceFile = `${SERVICE_ACCOUNT}/namespace`;
  return {
    files: [],
    contexts: ['in-cluster'],
    context: 'in-cluster',
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : 'default',
    needsClientNode: false,
    async requestOptions() {
      return {
        ca: readFileSync(`${SERVICE_ACCOUNT}/ca.crt`),
        headers: { Authorization: `Bearer ${readFileSync(`${SERVICE_ACCOUNT}/token`, 'utf8').trim()}` },
      };
    },
  };
}
