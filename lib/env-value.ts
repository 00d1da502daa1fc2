import type * as k8s from './imports/k8s-lib.js';

export interface EnvRefOptions {
  /**
   * Start the container even when the referenced object or key does not exist.
   * @default false
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
   */
  readonly optional?: boolean;
}

/**
 * The value of one environment variable. A plain string in `env` is a literal; use these factories for the rest.
 * For config from the application's typed config object, prefer the workload's `config` / `secretConfig`
 * props: they are rendered into the service's own ConfigMap / Secret and roll the pods when they change.
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
 */
export class EnvValue {
  /** A literal value. */
  static fromValue(value: string | number | boolean): EnvValue {
    return new EnvValue({ value: String(value) });
  }

  /** A key of an existing ConfigMap. */
  static fromConfigMap(configMapName: string, key: string, options: EnvRefOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: options.optional } } }, options);
  }

  /** A key of an existing Secret (created out of band): the value never appears in the manifests. */
  static fromSecret(secretName: string, key: string, options: EnvRefOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional: options.optional } } }, options);
  }

  /** A field of the pod itself, e.g. `spec.nodeName` or `status.podIP`. */
  static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(
    private readonly spec: Omit<k8s.EnvVar, 'name'>,
    /** @internal The options of a reference, for the check of unknown keys. */
    readonly _options?: EnvRefOptions,
  ) {}

  /** @internal */
  _render(name: string): k8s.EnvVar {
    return { name, ...this.spec };
  }
}
