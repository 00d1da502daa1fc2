/**
 * One topology spread constraint of the `spread` prop: `'nodes'` (`kubernetes.io/hostname`), `'zones'`
 * (`topology.kubernetes.io/zone`) or options.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export type Spread = 'nodes' | 'zones' | SpreadOptions;

/**
 * A spread of the service's pods over one topology.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#spread-constraint-definition
 */
export interface SpreadOptions {
  /**
   * `'nodes'`, `'zones'` or a node label key, e.g. `'topology.kubernetes.io/region'`.
   * @see https://kubernetes.io/docs/reference/labels-annotations-taints/
   */
  readonly across: 'nodes' | 'zones' | (string & {});
  /**
   * The most the number of the service's pods may differ between two domains.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * `ScheduleAnyway`: a preference the scheduler weighs; `DoNotSchedule`: a rule, pods that would break it stay
   * Pending (after losing a zone, or with fewer nodes than replicas).
   * @default 'ScheduleAnyway'
   */
  readonly whenUnsatisfiable?: 'ScheduleAnyway' | 'DoNotSchedule';
  /**
   * With `DoNotSchedule`: count at least this many domains, even empty ones.
   * @default none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#spread-constraint-definition
   */
  readonly minDomains?: number;
}

/**
 * Pod anti-affinity between the service's own pods: `'preferred'` or `'required'` on nodes, or options.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
 */
export type AntiAffinity = 'preferred' | 'required' | AntiAffinityOptions;

export interface AntiAffinityOptions {
  /**
   * `required` is a rule (pods that would share a domain stay Pending); `preferred` a preference.
   * @default 'preferred'
   */
  readonly mode?: 'preferred' | 'required';
  /**
   * `'nodes'`, `'zones'` or a node label key.
   * @default 'nodes'
   */
  readonly across?: 'nodes' | 'zones' | (string & {});
}

/**
 * How a pod resolves names.
 * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
 */
export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

/**
 * Resolver settings of a pod, merged with those of its `dnsPolicy`.
 * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
 */
export interface DnsConfig {
  /**
   * IP addresses of name servers, at most 3.
   * @default none
   */
  readonly nameservers?: readonly string[];
  /**
   * Search domains, at most 32.
   * @default none
   */
  readonly searches?: readonly string[];
  /**
   * Resolver options, e.g. `{ ndots: '2', 'single-request-reopen': '' }` (an empty value is an option without one).
   * @default none
   */
  readonly options?: Readonly<Record<string, string>>;
}

/**
 * One `/etc/hosts` entry of the pods.
 * @see https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
 */
export interface HostAlias {
  /** IPv4 or IPv6 address. */
  readonly ip: string;
  /** Host names for it. */
  readonly hostnames: readonly string[];
}
