/** Kinds of Service in front of the pods. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/**
 * One pod port a Service exposes, when it needs a Service port or node port of its own. A plain string names the
 * pod port and keeps its `servicePort`.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
 */
export interface ServicePortOptions {
  /**
   * Name of a port of the pod: of the main container (`ports`) or of a sidecar of the `sidecars` prop.
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
   */
  readonly name: string;
  /**
   * Port of this Service.
   * @default the port's `servicePort`, else its container port
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
   */
  readonly servicePort?: number;
  /**
   * Node port (30000-32767), only for Services of type `NodePort` or `LoadBalancer`.
   * @default for the main Service the port's `nodePort`; else chosen by Kubernetes
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
   */
  readonly nodePort?: number;
}

/**
 * A Service in front of a workload's pods: the main one (`service`) or another (`extraServices`, `addService()`).
 * The selector is always the workload's instance + name labels and cannot be changed.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/
 */
export interface ServiceOptions {
  /**
   * Exact name of the Service, for clients that expect a fixed host name (an image with `carts-db` compiled in).
   * A DNS-1035 label. The engine still refuses to take over an object of that name owned by another release, so two
   * releases in one namespace cannot both use it; `host`, `fqdn`, `url` and `addr` follow it.
   * @default `<release>-<service>` for the main Service, `<release>-<service>-<suffix>` for another
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names
   */
  readonly name?: string;
  /**
   * How the Service is reached: inside the cluster only, on a port of every node, or through a cloud load balancer.
   * @default 'ClusterIP'
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly type?: ServiceType;
  /**
   * The pod ports this Service exposes, by name, in this order.
   * @default every port of the main container, then the sidecar ports with `expose: true`
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
   */
  readonly ports?: readonly (string | ServicePortOptions)[];
  /**
   * No cluster IP: DNS answers with the addresses of the pods themselves. Type `ClusterIP` only; cannot be switched
   * on an existing Service (`clusterIP` is immutable).
   * @default false
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
   */
  readonly headless?: boolean;
  /**
   * Annotations on this Service only (e.g. `prometheus.io/scrape`, cloud load balancer settings), besides the
   * workload's `annotations`.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Labels on this Service only, besides the workload's `labels`. The `app.kubernetes.io/*` labels Berth sets are
   * reserved.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * `Local` keeps the client's source IP and sends outside traffic only to pods on the node it arrived at. Type
   * `NodePort` or `LoadBalancer` only.
   * @default Kubernetes' default, 'Cluster'
   * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy
   */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  /**
   * Client CIDRs the load balancer accepts, e.g. `['203.0.113.0/24']`. Type `LoadBalancer` only.
   * @default every address
   * @see https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/
   */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * Load balancer implementation to use, a qualified name such as `service.k8s.aws/nlb`. Type `LoadBalancer` only;
   * immutable once set.
   * @default the cloud provider's default
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class
   */
  readonly loadBalancerClass?: string;
  /**
   * `ClientIP` sends every connection from one client address to the same pod.
   * @default 'None'
   * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity
   */
  readonly sessionAffinity?: 'None' | 'ClientIP';
  /**
   * How long a `ClientIP` affinity lasts, 1 to 86400 seconds.
   * @default Kubernetes' default, 10800 (3 hours)
   * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#session-stickiness-timeout
   */
  readonly sessionAffinityTimeoutSeconds?: number;
  /**
   * Publish the addresses of pods that are not ready: for peers that must find each other before they are ready.
   * @default false (true for a StatefulApp's headless Service)
   * @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * IPv4 / IPv6 dual-stack behaviour.
   * @default Kubernetes' default, 'SingleStack'
   * @see https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services
   */
  readonly ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
}

/** Options of a StatefulApp's headless Service, the one behind the pods' stable DNS names. */
export interface HeadlessServiceOptions {
  /**
   * Exact name of the headless Service; pods are then `<statefulset>-<n>.<name>`.
   * @default `<release>-<service>-headless`
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
   */
  readonly name?: string;
  /**
   * The pod ports it lists, by name.
   * @default every port of the pod the main Service exposes
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
   */
  readonly ports?: readonly (string | ServicePortOptions)[];
  /**
   * Annotations on this Service only.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Labels on this Service only; the `app.kubernetes.io/*` labels Berth sets are reserved.
   * @default none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Publish the DNS names of replicas that are not ready yet, so peers find each other while they start.
   * @default true
   * @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
   */
  readonly publishNotReadyAddresses?: boolean;
}

/** The Service props of the kinds that have Services (StatelessApp, StatefulApp). */
export interface ServiceProps {
  /**
   * The main Service, `<release>-<service>`, created when the workload has ports: its name, type, ports, metadata
   * and traffic settings. `host`, `port`, `url` and `addr` point at it.
   * @default a ClusterIP Service over every port
   * @see https://kubernetes.io/docs/concepts/services-networking/service/
   */
  readonly service?: ServiceOptions;
  /**
   * More Services over the same pods, keyed by a suffix (a DNS-1123 label): `{ external: { type: 'LoadBalancer' } }`
   * gives `<release>-<service>-external`. See also `addService()`.
   * @default none
   * @see https://kubernetes.io/docs/concepts/services-networking/service/
   */
  readonly extraServices?: Readonly<Record<string, ServiceOptions>>;
}
