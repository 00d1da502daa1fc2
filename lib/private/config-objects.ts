import * as k8s from '../imports/k8s-lib.js';
import type { ServiceConfig, ServiceSecretConfig } from '../config.js';
import type { Workload } from '../workload.js';
import { CONTEXT_RELEASE_KEY } from '../contract.js';
import { configHash, secretConfigHash } from './hash.js';
import { objectMeta } from './metadata.js';
import { objectName } from './naming.js';

/** What the pod template needs to know about the objects `createConfigObjects` made. */
export interface ConfigObjects {
  /** Hash of `config` and of the names of `secretConfig`'s keys; '' when both are empty. */
  readonly configHash: string;
  /** Keyed hash of `secretConfig`, when it has keys and the release key is in the context. */
  readonly secretHash?: string;
  /** `<release>-<service>-config`, when `config` has keys. */
  readonly configMapName?: string;
  /** `<release>-<service>-secret`, when `secretConfig` has keys. */
  readonly secretName?: string;
}

/**
 * The ConfigMap of `config` and the Secret of `secretConfig`, each only when it has keys. The hashes go on the pod
 * template, so changing this service's config rolls this service's pods and no others. The plain hash never covers a
 * secret value (it would be as reversible as an unsalted password hash, on an object many more people can read);
 * secret values are covered by a keyed hash under the release key, which only a render for a cluster has.
 */
export function createConfigObjects(workload: Workload, config: ServiceConfig, secretConfig: ServiceSecretConfig): ConfigObjects {
  const release = workload.application.release;
  const hasConfig = Object.keys(config).length > 0;
  const hasSecret = Object.keys(secretConfig).length > 0;
  let configMapName: string | undefined;
  let secretName: string | undefined;
  if (hasConfig) {
    configMapName = objectName([release.name, workload.name, 'config']);
    new k8s.KubeConfigMap(workload, 'Config', {
      metadata: objectMeta(workload, configMapName),
      data: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])),
    });
  }
  if (hasSecret) {
    secretName = objectName([release.name, workload.name, 'secret']);
    new k8s.KubeSecret(workload, 'Secret', {
      metadata: objectMeta(workload, secretName),
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(secretConfig).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
    });
  }
  // Without secret config the input is exactly what it always was, so those hashes (and synth output) do not change.
  const plain = hasSecret ? configHash({ config, secretKeys: Object.keys(secretConfig).sort() }) : hasConfig ? configHash({ config, secretConfig }) : '';
  const key = workload.node.tryGetContext(CONTEXT_RELEASE_KEY) as string | undefined;
  const secretHash = hasSecret && key ? secretConfigHash(Buffer.from(key, 'hex'), secretConfig) : undefined;
  return { configHash: plain, secretHash, configMapName, secretName };
}
