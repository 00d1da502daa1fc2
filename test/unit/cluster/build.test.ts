import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBinaries,
  formatSeconds,
  kubernetesLdflags,
  kubernetesWrapperGoMod,
  missingBinaries,
  parseGoVersion,
  removeAbandonedTmpFiles,
  stagingModulesFromGoMod,
  sumdbUnreachable,
} from '../../../src/cluster/build.js';
import { UserError } from '../../../src/errors.js';

const KUBERNETES_GO_MOD = `module k8s.io/kubernetes

go 1.24.0

require (
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/cri-api => ./staging/src/k8s.io/cri-api
	github.com/example/other => github.com/example/other v1.2.3
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
`;

describe('stagingModulesFromGoMod', () => {
  it('takes every k8s.io module replaced by a ./staging path, in block and single-line form', () => {
    expect(stagingModulesFromGoMod(KUBERNETES_GO_MOD)).toEqual(['k8s.io/api', 'k8s.io/client-go', 'k8s.io/cri-api', 'k8s.io/kms']);
  });

  it('ignores replaces that point at versions', () => {
    expect(stagingModulesFromGoMod('replace k8s.io/foo => k8s.io/foo v0.1.0\n')).toEqual([]);
  });
});

describe('kubernetesWrapperGoMod', () => {
  it('requires kubernetes and pins each staging module to the matching v0 version', () => {
    const mod = kubernetesWrapperGoMod(['k8s.io/api', 'k8s.io/client-go']);
    expect(mod).toContain('require k8s.io/kubernetes v1.34.4');
    expect(mod).toContain('replace k8s.io/api => k8s.io/api v0.34.4');
    expect(mod).toContain('replace k8s.io/client-go => k8s.io/client-go v0.34.4');
  });
});

describe('kubernetesLdflags', () => {
  it('stamps the semver version, major and minor into component-base and client-go', () => {
    const flags = kubernetesLdflags('v1.34.4');
    expect(flags).toContain('-X k8s.io/component-base/version.gitVersion=v1.34.4');
    expect(flags).toContain('-X k8s.io/component-base/version.gitMinor=34');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitMajor=1');
  });

  it('refuses a version that is not semver', () => {
    expect(() => kubernetesLdflags('1.34')).toThrow("Kubernetes version '1.34' is not semver");
  });
});

describe('parseGoVersion', () => {
  it('reads major and minor from `go version`', () => {
    expect(parseGoVersion('go version go1.26.8 linux/amd64')).toEqual([1, 26]);
    expect(parseGoVersion('bash: go: not found')).toBeUndefined();
  });
});

describe('sumdbUnreachable', () => {
  it('recognises a checksum database that cannot be reached', () => {
    expect(sumdbUnreachable('verifying go.etcd.io/etcd@v3.6.16: Get "https://sum.golang.org/lookup/x": dial tcp: lookup sum.golang.org: no such host')).toBe(true);
    expect(sumdbUnreachable('compile: syntax error')).toBe(false);
  });
});

describe('formatSeconds', () => {
  it('prints seconds below a minute and minutes with seconds above', () => {
    expect(formatSeconds(6.84)).toBe('6.8s');
    expect(formatSeconds(384.67)).toBe('6m25s');
    expect(formatSeconds(119.6)).toBe('2m00s');
  });
});

describe('ensureBinaries', () => {
  it('fails with a UserError naming Go when binaries are missing and go is not on PATH', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'berth-build-'));
    const env = { XDG_CACHE_HOME: cache, PATH: '/nonexistent' };
    expect(missingBinaries(env)).toContain('kube-apiserver');
    const err = await ensureBinaries({ env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('building the local control plane needs Go, and `go` is not on PATH');
    expect((err as UserError).hint).toContain(join(cache, 'berth', 'cluster'));
  });
});

describe('removeAbandonedTmpFiles', () => {
  it('removes temporary outputs of dead builds and keeps those of a live one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-tmp-'));
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'kubectl.tmp-999999999'), '');
    writeFileSync(join(dir, 'bin', `kubectl.tmp-${process.pid}`), '');
    mkdirSync(join(dir, 'bin.tmp-999999998'));
    writeFileSync(join(dir, 'bin', 'kubectl'), '');
    expect(removeAbandonedTmpFiles(dir).sort()).toEqual([join(dir, 'bin', 'kubectl.tmp-999999999'), join(dir, 'bin.tmp-999999998')].sort());
    expect(existsSync(join(dir, 'bin', `kubectl.tmp-${process.pid}`))).toBe(true);
    expect(existsSync(join(dir, 'bin', 'kubectl'))).toBe(true);
  });
});

describe('ensureBinaries with a failing go', () => {
  it('reports which build failed with the tail of the go output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-fakego-'));
    const script = [
      '#!/bin/sh',
      'if [ "$1" = version ]; then echo "go version go1.26.0 linux/amd64"; exit 0; fi',
      'for i in $(seq 1 40); do echo "noise line $i" >&2; done',
      'echo "go: go.etcd.io/etcd/server/v3@v3.6.16: reading https://proxy.golang.org: 404 Not Found" >&2',
      'exit 1',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'go'), script, { mode: 0o755 });
    const env = { XDG_CACHE_HOME: join(dir, 'cache'), PATH: `${dir}:/usr/bin:/bin`, HOME: dir };
    const lines: string[] = [];
    const err = await ensureBinaries({ env, onProgress: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).message;
    expect(message).toMatch(/^building go mod tidy for etcd v3\.6\.16 failed \(go mod exited with 1\):/);
    expect(message).toContain('404 Not Found');
    expect(message).not.toContain('noise line 10\n');
    expect(lines[0]).toBe('resolving modules of etcd v3.6.16 (go mod tidy) ...');
  });
});
