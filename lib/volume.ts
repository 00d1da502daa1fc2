import type * as k8s from './imports/k8s-lib.js';

export interface ConfigMapVolumeOptions {
  /**
   * Only these keys, each at the given relative path.
   * @default every key as a file of the same name
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#configmap
   */
  readonly items?: Readonly<Record<string, string>>;
  /**
   * File mode of the projected files.
   * @default 0o644
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#configmap
   */
  readonly defaultMode?: number;
}

export interface SecretVolumeOptions extends ConfigMapVolumeOptions {}

export interface EmptyDirOptions {
  /**
   * `Memory` for a tmpfs, counted against the container's memory limit.
   * @default node disk
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#secret
   */
  readonly medium?: 'Memory';
  /**
   * Size limit, a Kubernetes quantity such as `256Mi`.
   * @default no limit
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#secret
   */
  readonly sizeLimit?: string;
}

export interface PvcVolumeOptions {
  /**
   * Mount the claim read-only.
   * @default false
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#persistentvolumeclaim
   */
  readonly readOnly?: boolean;
}

type VolumeSource =
  | { readonly type: 'configMap'; readonly ref: string; readonly options: ConfigMapVolumeOptions }
  | { readonly type: 'secret'; readonly ref: string; readonly options: SecretVolumeOptions }
  | { readonly type: 'emptyDir'; readonly options: EmptyDirOptions }
  | { readonly type: 'pvc'; readonly ref: string; readonly options: PvcVolumeOptions };

/**
 * A pod volume, mounted into the workload's container with `volumes: [{ path, volume }]`.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/
 */
export class Volume {
  /** The keys of an existing ConfigMap as files. */
  static fromConfigMap(name: string, configMapName: string, options: ConfigMapVolumeOptions = {}): Volume {
    return new Volume(name, { type: 'configMap', ref: configMapName, options });
  }

  /** The keys of an existing Secret as files (created out of band; Berth never embeds secret values). */
  static fromSecret(name: string, secretName: string, options: SecretVolumeOptions = {}): Volume {
    return new Volume(name, { type: 'secret', ref: secretName, options });
  }

  /** Scratch space that lives as long as the pod; the usual answer to a read-only root filesystem. */
  static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    return new Volume(name, { type: 'emptyDir', options });
  }

  /** An existing PersistentVolumeClaim. For per-replica storage use StatefulApp's `storage`. */
  static fromPvc(name: string, claimName: string, options: PvcVolumeOptions = {}): Volume {
    return new Volume(name, { type: 'pvc', ref: claimName, options });
  }

  private constructor(
    /** Volume name inside the pod, a DNS-1123 label. */
    readonly name: string,
    private readonly source: VolumeSource,
  ) {}

  /** @internal The factory and the options it was given, for the check of unknown keys. */
  get _source(): { readonly type: VolumeSource['type']; readonly options: object } {
    return this.source;
  }

  /** @internal */
  get _sizeLimit(): string | undefined {
    return this.source.type === 'emptyDir' ? this.source.options.sizeLimit : undefined;
  }

  /** @internal */
  _render(quantity: (q: string) => k8s.Quantity): k8s.Volume {
    const s = this.source;
    const items = (o: ConfigMapVolumeOptions) =>
      o.items ? Object.entries(o.items).map(([key, path]) => ({ key, path })) : undefined;
    switch (s.type) {
      case 'configMap':
        return { name: this.name, configMap: { name: s.ref, items: items(s.options), defaultMode: s.options.defaultMode } };
      case 'secret':
        return { name: this.name, secret: { secretName: s.ref, items: items(s.options), defaultMode: s.options.defaultMode } };
      case 'emptyDir':
        return {
          name: this.name,
          emptyDir: {
            medium: s.options.medium,
            sizeLimit: s.options.sizeLimit === undefined ? undefined : quantity(s.options.sizeLimit),
          },
        };
      case 'pvc':
        return { name: this.name, persistentVolumeClaim: { claimName: s.ref, readOnly: s.options.readOnly } };
    }
  }
}
