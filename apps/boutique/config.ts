/** How the frontend is reached from outside the cluster. */
export type ExternalAccess = 'LoadBalancer' | 'NodePort' | 'none';

/** The frontend: the web shop users see. */
export interface FrontendConfig {
  /**
   * Number of frontend pods, spread across nodes.
   * @default 1
   * @integer
   * @minimum 1
   */
  readonly replicas?: number;
  /**
   * The Service `frontend-external` in front of the frontend: a cloud load balancer, a node port, or none.
   * @default 'LoadBalancer'
   */
  readonly external?: ExternalAccess;
}

/** The load generator: simulated shoppers browsing and buying through the frontend. */
export interface LoadGeneratorConfig {
  /**
   * Run it at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Number of simulated users.
   * @default 10
   * @integer
   * @minimum 1
   */
  readonly users?: number;
  /**
   * Users started per second.
   * @default 1
   * @integer
   * @minimum 1
   */
  readonly rate?: number;
}

/** Config of Online Boutique, ported from its published manifests (test/fixtures/boutique). */
export interface BoutiqueConfig {
  /** Repository the Online Boutique images are pulled from, without the image name. */
  readonly imageRepository: string;
  /** Tag of every Online Boutique image, e.g. 'v0.10.6'. */
  readonly imageTag: string;
  /** Image of the carts' Redis, pinned by tag or digest. */
  readonly redisImage: string;
  /**
   * Image of the Redis metrics exporter beside Redis (added by the port; not in the original manifests).
   * @default 'oliver006/redis_exporter:v1.67.0'
   */
  readonly redisExporterImage?: string;
  /** The frontend. */
  readonly frontend?: FrontendConfig;
  /** The load generator. */
  readonly loadGenerator?: LoadGeneratorConfig;
  /**
   * The original's network policies (its `network-policies` kustomize component): each service reachable only by the
   * services that call it (Berth's `networkPolicies`, from the dependency graph), the frontend by everyone, and
   * `deny-all` for ingress to every other pod of the namespace, other releases' included. Egress stays open. Needs a
   * network plugin that enforces NetworkPolicies.
   * @default false
   */
  readonly networkPolicies?: boolean;
}
