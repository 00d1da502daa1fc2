import type { Secret } from 'berth';

/** Config of Redis: one server with a password and an append-only file on its own persistent volume. */
export interface RedisConfig {
  /**
   * Container image, pinned by tag: the official Debian-based image (uid 999).
   * @default 'redis:7.4.1'
   */
  readonly image?: string;
  /** Password clients authenticate with (`requirepass`; `AUTH <password>`). */
  readonly password: Secret;
  /**
   * Memory Redis may use for data (`maxmemory`); keep it well below `resources.memory`, which also holds buffers
   * and the fork for rewrites.
   * @default '256mb'
   * @pattern ^[0-9]+(b|kb|mb|gb)?$
   */
  readonly maxMemory?: string;
  /**
   * What Redis does at `maxMemory`: `noeviction` refuses writes (a store), `allkeys-lru` drops old keys (a cache).
   * @default 'noeviction'
   */
  readonly maxMemoryPolicy?: 'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'volatile-lru' | 'volatile-lfu' | 'allkeys-random' | 'volatile-random' | 'volatile-ttl';
  /**
   * Keep an append-only file on the volume, so data survives restarts; off makes Redis a pure cache.
   * @default true
   */
  readonly appendOnly?: boolean;
  /** The server's persistent volume (`data-<release>-redis-0`), kept when the release is uninstalled. */
  readonly storage?: {
    /**
     * Size of the volume, a Kubernetes quantity.
     * @default '2Gi'
     */
    readonly size?: string;
    /**
     * StorageClass of the volume.
     * @default the cluster's default StorageClass
     */
    readonly storageClass?: string;
  };
  /** CPU and memory of the server. */
  readonly resources?: {
    /**
     * CPU request; no CPU limit.
     * @default '100m'
     */
    readonly cpu?: string;
    /**
     * Memory request and limit.
     * @default '512Mi'
     */
    readonly memory?: string;
  };
}
