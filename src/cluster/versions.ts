/**
 * Pinned versions of the local control plane. Changing one means a new cache directory, so old and new
 * builds never mix (see paths.ts).
 */

export const KUBERNETES_VERSION = 'v1.34.4';
/** The staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.<minor>.<patch>. */
export const KUBERNETES_STAGING_VERSION = 'v0.34.4';
export const ETCD_VERSION = 'v3.6.16';
export const KWOK_VERSION = 'v0.8.0';

/** One Go build product: a component (a cache directory) and the binaries in it. */
export interface Component {
  /** Cache directory stem: `<name>-<version>`. */
  readonly name: 'kubernetes' | 'etcd' | 'kwok';
  readonly version: string;
  readonly binaries: readonly string[];
}

export const COMPONENTS: readonly Component[] = [
  { name: 'etcd', version: ETCD_VERSION, binaries: ['etcd'] },
  {
    name: 'kubernetes',
    version: KUBERNETES_VERSION,
    binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'],
  },
  { name: 'kwok', version: KWOK_VERSION, binaries: ['kwok', 'kwokctl'] },
];
