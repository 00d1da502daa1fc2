import * as k8s from '../imports/k8s-lib.js';
import type { ServiceConfig, ServiceSecretConfig } from '../config.js';
import type { Workload } from '../workload.js';
import { configHash } from './hash.js';
import { objectMeta } from './metadata.js';
import { objectName } from './naming.js';

/** What the pod template needs to know about the objects `createConfigObjects` made. */
export interface ConfigObjects {
  /** Hash of `config` and `secretConfig` together; '' when both are empty. */
  readonly configHash: string;
  /** `<release>-<service>-config`, when `config` has keys. */
  readonly configMapName?: string;
  /** `<release>-<service>-secret`, when `secretConfig` has keys. */
  readonly secretName?: string;
}

/**
 * The ConfigMap of `config` and the Secret of `secretConfig`, each only when it has keys. The hash goes on the pod
 * template, so changing this service's config rolls this service's pods and no others.
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
  return { configHash: hasConfig || hasSecret ? configHash({ config, secretConfig }) : '', configMapName, secretName };
}
