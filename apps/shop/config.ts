import type { Secret } from 'berth';

/** How much logging every service does. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** CPU and memory of one service's container. */
export interface ResourceConfig {
  /** CPU request, e.g. '250m'. */
  readonly cpu: string;
  /** Memory request and limit, e.g. '256Mi'. */
  readonly memory: string;
}

/** A business API behind the gateway, scaled by a HorizontalPodAutoscaler. */
export interface ApiConfig {
  /** Container image, pinned by tag. */
  readonly image: string;
  /**
   * Fewest replicas the autoscaler keeps.
   * @default 1
   * @integer
   * @minimum 1
   */
  readonly minReplicas?: number;
  /**
   * Most replicas the autoscaler starts.
   * @integer
   * @minimum 1
   */
  readonly maxReplicas: number;
  /**
   * Target average CPU use in percent of the request.
   * @default 80
   * @integer
   * @minimum 1
   */
  readonly cpuTarget?: number;
  /** CPU and memory per replica. */
  readonly resources: ResourceConfig;
}

/** Config of the shop: a web shop with a gateway, three business APIs, PostgreSQL, Redis and jobs around them. */
export interface ShopConfig {
  /**
   * Log level of every service.
   * @default 'info'
   */
  readonly logLevel?: LogLevel;
  /** The public entry point: an HTTP gateway behind an Ingress. */
  readonly gateway: {
    /** Container image, pinned by tag. */
    readonly image: string;
    /**
     * Number of gateway pods.
     * @default 1
     * @integer
     * @minimum 0
     */
    readonly replicas?: number;
    /** Host name of the Ingress, e.g. 'shop.example.com'. */
    readonly host: string;
    /**
     * Secret holding the TLS certificate for `host`, created out of band.
     * @default no TLS
     */
    readonly tlsSecret?: string;
    /**
     * Gateway pods that must stay up during node drains.
     * @default no PodDisruptionBudget
     * @integer
     * @minimum 0
     */
    readonly minAvailable?: number;
    /** CPU and memory per pod. */
    readonly resources: ResourceConfig;
  };
  /** Order placement and history. */
  readonly orders: ApiConfig;
  /** Product catalogue, read-heavy, cached in Redis. */
  readonly catalog: ApiConfig & {
    /**
     * Seconds catalogue entries stay in the cache.
     * @default 300
     * @integer
     * @minimum 0
     */
    readonly cacheTtlSeconds?: number;
  };
  /** Payments, talking to an external payment provider. */
  readonly payments: ApiConfig & {
    /**
     * Base URL of the payment provider's API.
     * @format uri
     */
    readonly providerUrl: string;
    /** API key at the payment provider. */
    readonly providerApiKey: Secret;
  };
  /** PostgreSQL. */
  readonly db: {
    /** Container image, pinned by tag. */
    readonly image: string;
    /**
     * Number of database pods (a primary; more only with replication configured in the image).
     * @default 1
     * @integer
     * @minimum 0
     */
    readonly replicas?: number;
    /** Database name. */
    readonly database: string;
    /** Database user of the services. */
    readonly user: string;
    /** Password of `user`. */
    readonly password: Secret;
    /** Size of each replica's volume, e.g. '10Gi'. */
    readonly storageSize: string;
    /**
     * StorageClass of the volumes.
     * @default the cluster's default StorageClass
     */
    readonly storageClass?: string;
    /** CPU and memory per pod. */
    readonly resources: ResourceConfig;
  };
  /** Redis, used as a cache (no persistence). */
  readonly cache: {
    /** Container image, pinned by tag. */
    readonly image: string;
    /** Redis `maxmemory`, e.g. '200mb'; keep it below the memory limit. */
    readonly maxMemory: string;
    /** CPU and memory per pod. */
    readonly resources: ResourceConfig;
  };
  /** PgBouncer between the APIs and PostgreSQL. */
  readonly dbProxy: {
    /** Container image, pinned by tag. */
    readonly image: string;
    /**
     * Number of proxy pods.
     * @default 1
     * @integer
     * @minimum 0
     */
    readonly replicas?: number;
    /**
     * Server connections per database/user pair.
     * @default 20
     * @integer
     * @minimum 1
     */
    readonly poolSize?: number;
  };
  /** Nightly dump of the database to object storage. */
  readonly backup: {
    /** Container image with pg_dump and an S3 client, pinned by tag. */
    readonly image: string;
    /**
     * Cron schedule.
     * @default '0 2 * * *'
     */
    readonly schedule?: string;
    /**
     * Time zone of `schedule`.
     * @default 'Etc/UTC'
     */
    readonly timeZone?: string;
    /** S3 bucket the dumps go to. */
    readonly bucket: string;
    /**
     * S3 endpoint URL.
     * @format uri
     */
    readonly endpoint: string;
    /** S3 access key id. */
    readonly accessKeyId: string;
    /** S3 secret access key. */
    readonly secretAccessKey: Secret;
    /**
     * Pause the backups.
     * @default false
     */
    readonly suspend?: boolean;
  };
  /** Node metrics exporter on every node. */
  readonly nodeAgent: {
    /** Container image, pinned by tag. */
    readonly image: string;
    /**
     * Run in the node's network namespace, to report the node's interfaces.
     * @default false
     */
    readonly hostNetwork?: boolean;
  };
}
