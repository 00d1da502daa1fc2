import type { Secret } from 'berth';

/** CPU and memory of the database container. */
export interface PostgresqlResources {
  /**
   * CPU request; no CPU limit, so queries are never throttled on an idle node.
   * @default '250m'
   */
  readonly cpu?: string;
  /**
   * Memory request and limit (equal, so the pod is never the first to be evicted under memory pressure).
   * @default '512Mi'
   */
  readonly memory?: string;
}

/** Config of PostgreSQL: one server with its own persistent volume, a database and a user with a password. */
export interface PostgresqlConfig {
  /**
   * Container image, pinned by tag: the Debian-based official image (uid 999; the Alpine variants use uid 70).
   * @default 'postgres:17.2'
   */
  readonly image?: string;
  /**
   * Database created on first start (POSTGRES_DB).
   * @default 'app'
   * @pattern ^[a-z_][a-z0-9_]*$
   */
  readonly database?: string;
  /**
   * Owner of `database`, created on first start (POSTGRES_USER); also the superuser of this server.
   * @default 'app'
   * @pattern ^[a-z_][a-z0-9_]*$
   */
  readonly user?: string;
  /** Password of `user` (POSTGRES_PASSWORD), set on first start; later changes need `ALTER USER` as well. */
  readonly password: Secret;
  /** The server's persistent volume (`data-<release>-postgresql-0`), kept when the release is uninstalled. */
  readonly storage?: {
    /**
     * Size of the volume, a Kubernetes quantity.
     * @default '10Gi'
     */
    readonly size?: string;
    /**
     * StorageClass of the volume.
     * @default the cluster's default StorageClass
     */
    readonly storageClass?: string;
  };
  /** CPU and memory of the server. */
  readonly resources?: PostgresqlResources;
}
