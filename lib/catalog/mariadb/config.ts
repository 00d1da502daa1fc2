import type { Secret } from 'berth';

/** CPU and memory of the database container. */
export interface MariadbResources {
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

/** Config of MariaDB: one server with its own persistent volume, a database and a user with a password. */
export interface MariadbConfig {
  /**
   * Container image, pinned by tag: the official image (uid 999).
   * @default 'mariadb:11.4.4'
   */
  readonly image?: string;
  /**
   * Database created on first start (MARIADB_DATABASE).
   * @default 'app'
   * @pattern ^[A-Za-z0-9_]+$
   */
  readonly database?: string;
  /**
   * User created on first start with all privileges on `database` (MARIADB_USER).
   * @default 'app'
   * @pattern ^[A-Za-z0-9_]+$
   */
  readonly user?: string;
  /** Password of `user` (MARIADB_PASSWORD), set on first start. */
  readonly password: Secret;
  /** Password of MariaDB's `root` user (MARIADB_ROOT_PASSWORD), set on first start. */
  readonly rootPassword: Secret;
  /** The server's persistent volume (`data-<release>-mariadb-0`), kept when the release is uninstalled. */
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
  readonly resources?: MariadbResources;
}
