import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadKubeconfig } from '../../../src/kube/kubeconfig.js';
import { KubeClient } from '../../../src/kube/client.js';
import { UserError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-kubeconfig-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const main = write(
  'main.yaml',
  `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.crt}
- name: insecure
  cluster: {server: "https://10.0.0.1", insecure-skip-tls-verify: true}
users:
- name: certs
  user: {client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')}}
- name: tok
  user: {tokenFile: token}
- name: plugin
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}
contexts:
- name: dev
  context: {cluster: local, user: certs, namespace: shop-dev}
- name: ci
  context: {cluster: insecure, user: tok}
- name: eks
  context: {cluster: insecure, user: plugin}
`,
);
write('ca.crt', 'CA');
write('token', 'secret-token\n');

describe('loadKubeconfig', () => {
  it('selects the current context, its namespace, and reads certificates relative to the file', async () => {
    const kc = loadKubeconfig({ kubeconfig: main });
    expect([kc.context, kc.server, kc.namespace, kc.needsClientNode]).toEqual(['dev', 'https://127.0.0.1:6443', 'shop-dev', false]);
    const opts = await kc.requestOptions();
    expect([String(opts.ca), String(opts.cert), String(opts.key), opts.rejectUnauthorized]).toEqual(['CA', 'CERT', 'KEY', true]);
  });

  it('uses a token file and insecure-skip-tls-verify, with namespace default', async () => {
    const kc = loadKubeconfig({ kubeconfig: main, context: 'ci' });
    expect(kc.namespace).toBe('default');
    const opts = await kc.requestOptions();
    expect(opts.headers).toEqual({ Authorization: 'Bearer secret-token' });
    expect(opts.rejectUnauthorized).toBe(false);
  });

  it('leaves exec plugins to @kubernetes/client-node', () => {
    expect(loadKubeconfig({ kubeconfig: main, context: 'eks' }).needsClientNode).toBe(true);
  });

  it('runs an exec credential plugin of a two-file KUBECONFIG as kubectl does: first file wins, relative command from its directory', async () => {
    const plugin = (token: string) =>
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`;
    const first = mkdtempSync(join(dir, 'first-'));
    const second = mkdtempSync(join(dir, 'second-'));
    mkdirSync(join(first, 'bin'));
    writeFileSync(join(first, 'bin', 'cred.sh'), plugin('token-from-first'), { mode: 0o755 });
    const execUser = `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/cred.sh, interactiveMode: Never}}`;
    const a = join(first, 'config');
    writeFileSync(a, `current-context: cloud\nclusters:\n- name: shared\n  cluster: {server: "https://first.example:6443"}\nusers:\n- name: plugin\n  user: ${execUser}\ncontexts:\n- name: cloud\n  context: {cluster: shared, user: plugin, namespace: apps}\n`);
    // The second file repeats the cluster, user and context names with other values and names another current
    // context: kubectl ignores all of it (first file wins); client-node's own loader would throw on the duplicates.
    const b = join(second, 'config');
    writeFileSync(b, `current-context: other\nclusters:\n- name: shared\n  cluster: {server: "https://second.example:6443"}\nusers:\n- name: plugin\n  user: {token: token-from-second}\ncontexts:\n- name: cloud\n  context: {cluster: shared, user: plugin, namespace: wrong}\n- name: other\n  context: {cluster: shared, user: plugin}\n`);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [a, b].join(delimiter);
    try {
      const kc = loadKubeconfig();
      expect([kc.context, kc.server, kc.namespace, kc.needsClientNode]).toEqual(['cloud', 'https://first.example:6443', 'apps', true]);
      const opts = await kc.requestOptions();
      expect((opts.headers as Record<string, string>).Authorization).toBe('Bearer token-from-first');
    } finally {
      process.env.KUBECONFIG = saved;
    }
  });

  it('merges a KUBECONFIG list with the first file winning', () => {
    const other = write('other.yaml', `current-context: ci\ncontexts:\n- name: dev\n  context: {cluster: insecure, user: tok}\n`);
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [main, other].join(delimiter);
    try {
      const kc = loadKubeconfig();
      expect(kc.context).toBe('dev');
      expect(kc.server).toBe('https://127.0.0.1:6443');
      expect(kc.files).toEqual([main, other]);
    } finally {
      process.env.KUBECONFIG = saved;
    }
  });

  it('names an unknown context and lists the known ones', () => {
    expect(() => loadKubeconfig({ kubeconfig: main, context: 'prod' })).toThrow('context prod is not in the kubeconfig');
    try {
      loadKubeconfig({ kubeconfig: main, context: 'prod' });
    } catch (err) {
      expect((err as { hint: string }).hint).toBe('known contexts: dev, ci, eks');
    }
  });

  it('names a missing kubeconfig file', () => {
    expect(() => loadKubeconfig({ kubeconfig: join(dir, 'nope.yaml') })).toThrow(`kubeconfig ${join(dir, 'nope.yaml')} does not exist`);
  });

  it('names a certificate file that cannot be read', async () => {
    const broken = write('broken.yaml', `current-context: x\nclusters:\n- name: c\n  cluster: {server: "https://h", certificate-authority: missing.crt}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n`);
    await expect(loadKubeconfig({ kubeconfig: broken }).requestOptions()).rejects.toThrow(/cannot read the certificate authority .*missing\.crt of context x/);
  });
});

describe('KubeClient credentials', () => {
  it('names certificates that cannot be used before connecting, with where to look', async () => {
    // CA 'CA', certificate 'CERT', key 'KEY': not PEM. The context is built once, before any connection is made.
    const client = await KubeClient.connect({ kubeconfig: main });
    const err = await client.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^cannot use the certificates of the kubeconfig: /);
    expect((err as UserError).hint).toContain('client-key(-data)');
  });
});
