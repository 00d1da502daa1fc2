import { Construct, type IConstruct } from 'constructs';
import { Application } from './application.js';
import * as k8s from './imports/k8s-lib.js';
import type { Workload } from './workload.js';
import { constructError, propError } from './private/errors.js';
import { checkKnownKeys, NETWORK_POLICY_PROPS } from './private/known-keys.js';
import { objectMeta, releaseMetadata } from './private/metadata.js';
import { dns1123LabelProblem, objectName } from './private/naming.js';
import { checkPort } from './private/validate.js';
import { nonEmpty } from './private/values.js';

/** The label every namespace carries with its own name (Kubernetes 1.21+), so a policy can select one by name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** `a.b.c.d/n` or an IPv6 prefix `x:y::/n`: what the API server's `ipBlock.cidr` takes. */
const CIDR = /^((\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*\/\d{1,3})$/;

/** Options of `NetworkPeer.cidr`. */
export interface CidrPeerOptions {
  /**
   * Ranges inside the CIDR that are left out.
   * @default none
   */
  readonly except?: readonly string[];
}

/**
 * Who a network policy rule allows: pods of a service, pods with labels (in this or other namespaces), whole
 * namespaces, or an IP range.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export class NetworkPeer {
  /** The pods of a service of this release. */
  static service(service: Workload): NetworkPeer {
    return new NetworkPeer(() => ({ podSelector: { matchLabels: { ...service.selectorLabels } } }));
  }

  /**
   * Pods with all of `labels`: in the policy's namespace, or in the namespace `namespace` (`'*'`: any namespace).
   * `{}` is every pod.
   */
  static pods(labels: Readonly<Record<string, string>>, namespace?: string): NetworkPeer {
    return new NetworkPeer((scope, prop) => ({
      podSelector: { matchLabels: { ...labels } },
      ...(namespace === undefined ? {} : { namespaceSelector: namespaceSelector(scope, `${prop}.namespace`, namespace) }),
    }));
  }

  /** Every pod of the namespace `name` (`'*'`: of every namespace). */
  static namespace(name: string): NetworkPeer {
    return new NetworkPeer((scope, prop) => ({ namespaceSelector: namespaceSelector(scope, `${prop}.namespace`, name) }));
  }

  /**
   * Addresses in an IP range, e.g. `'10.0.0.0/8'`: for clients outside the cluster, or outside the pod network.
   * Pod IPs are ephemeral: select pods by labels instead.
   */
  static cidr(cidr: string, options: CidrPeerOptions = {}): NetworkPeer {
    return new NetworkPeer((scope, prop) => {
      checkKnownKeys(scope, prop, options, NETWORK_POLICY_PROPS.cidr);
      checkCidr(scope, `${prop}.cidr`, cidr);
      (options.except ?? []).forEach((e, i) => checkCidr(scope, `${prop}.except[${i}]`, e));
      return { ipBlock: { cidr, except: options.except && options.except.length > 0 ? [...options.except] : undefined } };
    });
  }

  private constructor(private readonly render: (scope: IConstruct, prop: string) => k8s.NetworkPolicyPeer) {}

  /** @internal */
  _render(scope: IConstruct, prop: string): k8s.NetworkPolicyPeer {
    return this.render(scope, prop);
  }
}

/** A port, or a range of ports, a rule allows. */
export interface NetworkPolicyPortSpec {
  /**
   * Port number or the name of a container port.
   * @default every port
   */
  readonly port?: number | string;
  /**
   * Last port of a range that starts at `port` (a number).
   * @default just `port`
   */
  readonly endPort?: number;
  /**
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** One rule: traffic from (ingress) or to (egress) any of `peers`, on any of `ports`. */
export interface NetworkPolicyRule {
  /**
   * Who the rule allows.
   * @default everyone
   */
  readonly peers?: readonly NetworkPeer[];
  /**
   * Ports the rule allows (on the selected pods for ingress, on the peers for egress).
   * @default every port
   */
  readonly ports?: readonly NetworkPolicyPortSpec[];
}

/** An explicit ingress rule of one service, beside those `networkPolicies` derives from the dependency graph. */
export interface ServiceIngressRule extends NetworkPolicyRule {
  /** The service (its name) whose pods the rule lets traffic into. */
  readonly service: string;
}

/** Where the cluster's Ingress controller runs, so that services behind an Ingress still get its traffic. */
export interface IngressControllerPeer {
  /** Its namespace, e.g. `'ingress-nginx'`. */
  readonly namespace: string;
  /**
   * Labels of its pods, e.g. `{ 'app.kubernetes.io/name': 'ingress-nginx' }`.
   * @default every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/**
 * A NetworkPolicy per service derived from the dependency graph: each service's pods accept connections on its
 * Service's ports only from its own pods and from the services that depend on it (`dependsOn`) or hold its address
 * in config, env or args (`db.host`, `orders.url`); services with an Ingress also from the Ingress controller; plus
 * the `extra` rules. Egress is left open. Enforcement needs a network plugin that supports NetworkPolicy.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface NetworkPoliciesOptions {
  /** Allow each service's dependents in, and nothing else but `ingressController` and `extra`. */
  readonly ingressFromDependents: true;
  /**
   * The Ingress controller's pods. Required when a service has an Ingress.
   * @default none
   */
  readonly ingressController?: IngressControllerPeer;
  /**
   * More ingress rules, per service: clients outside the release (monitoring, other namespaces, a load balancer's
   * addresses for a `LoadBalancer` or `NodePort` Service).
   * @default none
   */
  readonly extra?: readonly ServiceIngressRule[];
}

export interface NetworkPolicyProps {
  /** The pods the policy applies to: a service of this application, or pod labels (`{}`: every pod of the namespace). */
  readonly selector: Workload | Readonly<Record<string, string>>;
  /**
   * What may connect to the selected pods. Once set, anything else is refused: `[]` refuses all ingress.
   * @default ingress is not restricted by this policy
   */
  readonly ingress?: readonly NetworkPolicyRule[];
  /**
   * Where the selected pods may connect. Once set, anything else is refused, DNS included: allow the cluster's DNS
   * (`NetworkPeer.namespace('kube-system')` on port 53 UDP and TCP) when the pods resolve names.
   * @default egress is not restricted by this policy
   */
  readonly egress?: readonly NetworkPolicyRule[];
}

/**
 * A Kubernetes NetworkPolicy with the release's labels. Policies only add allowances: pods selected by any policy
 * accept (or send) only what one of the policies allows. Enforcement needs a network plugin that supports
 * NetworkPolicy (Calico, Cilium, ...); without one the object is accepted and has no effect.
 *
 * ```ts
 * new NetworkPolicy(this, 'db-from-api', { selector: db, ingress: [{ peers: [NetworkPeer.service(api)], ports: [{ port: 5432 }] }] });
 * ```
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPolicy extends Construct {
  /** The rendered object. */
  readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** `<release>-<id>`. */
  readonly resourceName: string;

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, NETWORK_POLICY_PROPS.policy);
    const idProblem = dns1123LabelProblem(id);
    if (idProblem) throw propError(this, 'id', id, idProblem);
    if (props.ingress === undefined && props.egress === undefined) {
      throw constructError(this, "sets neither 'ingress' nor 'egress': a policy without either restricts nothing; set 'ingress: []' to refuse all ingress");
    }
    const app = Application.of(this);
    const service = isWorkload(props.selector) ? props.selector : undefined;
    // A policy over a service belongs to it (its file, its wave, `--only`); one over labels to the release.
    const meta = service ?? releaseMetadata(app, 'network-policy');
    this.resourceName = objectName([app.release.name, id]);
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: objectMeta(meta, this.resourceName),
      spec: renderPolicySpec(this, service ? { ...service.selectorLabels } : { ...(props.selector as Record<string, string>) }, props),
    });
  }
}

/** @internal The spec of a policy over the pods with `matchLabels`; `prop` prefixes the messages (`networkPolicies.`). */
export function renderPolicySpec(
  scope: IConstruct,
  matchLabels: Record<string, string>,
  rules: Pick<NetworkPolicyProps, 'ingress' | 'egress'>,
  prop = '',
): k8s.NetworkPolicySpec {
  const policyTypes = [...(rules.ingress ? ['Ingress'] : []), ...(rules.egress ? ['Egress'] : [])];
  const render = (direction: 'ingress' | 'egress') =>
    rules[direction]?.map((rule, i) => renderRule(scope, `${prop}${direction}[${i}]`, rule, direction === 'ingress' ? 'from' : 'to'));
  const ingress = render('ingress') as k8s.NetworkPolicyIngressRule[] | undefined;
  const egress = render('egress') as k8s.NetworkPolicyEgressRule[] | undefined;
  // The API server stores an empty list or map as absent, so an applied one changes the object on every apply (a new
  // generation; `kubectl diff --server-side` never clean). Absent means the same here: every pod of the namespace,
  // and no traffic allowed in a direction `policyTypes` names.
  return {
    podSelector: Object.keys(matchLabels).length > 0 ? { matchLabels } : {},
    policyTypes,
    ingress: ingress && nonEmpty(ingress),
    egress: egress && nonEmpty(egress),
  };
}

/** @internal One rule; `prop` is its path in messages (`ingress[0]`, `networkPolicies.extra[1]`). */
export function renderRule(scope: IConstruct, prop: string, rule: NetworkPolicyRule, side: 'from' | 'to'): k8s.NetworkPolicyIngressRule & k8s.NetworkPolicyEgressRule {
  checkKnownKeys(scope, prop, rule, NETWORK_POLICY_PROPS.rule);
  const peers = rule.peers?.map((p, i) => {
    if (!(p instanceof NetworkPeer)) throw propError(scope, `${prop}.peers[${i}]`, p, "must be a NetworkPeer, e.g. NetworkPeer.service(api) or NetworkPeer.cidr('10.0.0.0/8')");
    return p._render(scope, `${prop}.peers[${i}]`);
  });
  if (peers !== undefined && peers.length === 0) {
    throw propError(scope, `${prop}.peers`, [], "is empty, which Kubernetes reads as 'everyone': leave 'peers' out to allow everyone, or name the peers");
  }
  const ports = rule.ports?.map((p, i) => renderPort(scope, `${prop}.ports[${i}]`, p));
  return { [side]: peers, ports: ports && ports.length > 0 ? ports : undefined };
}

function renderPort(scope: IConstruct, prop: string, p: NetworkPolicyPortSpec): k8s.NetworkPolicyPort {
  checkKnownKeys(scope, prop, p, NETWORK_POLICY_PROPS.port);
  if (typeof p.port === 'number') checkPort(scope, `${prop}.port`, p.port);
  else if (p.port !== undefined && (typeof p.port !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.port) || p.port.length > 15)) {
    throw propError(scope, `${prop}.port`, p.port, "must be a port number or the name of a container port (at most 15 lower-case letters, digits and '-'), e.g. 'http'");
  }
  if (p.endPort !== undefined) {
    if (typeof p.port !== 'number') throw propError(scope, `${prop}.endPort`, p.endPort, "needs a numeric 'port' to start the range");
    checkPort(scope, `${prop}.endPort`, p.endPort);
    if (p.endPort < p.port) throw propError(scope, `${prop}.endPort`, p.endPort, `is below 'port' (${p.port}): the range is port..endPort`);
  }
  if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
    throw propError(scope, `${prop}.protocol`, p.protocol, "must be 'TCP', 'UDP' or 'SCTP'");
  }
  return {
    port: p.port === undefined ? undefined : typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port),
    endPort: p.endPort,
    protocol: p.protocol ?? 'TCP',
  };
}

function namespaceSelector(scope: IConstruct, prop: string, namespace: string): k8s.LabelSelector {
  if (namespace === '*') return {};
  const problem = typeof namespace === 'string' ? dns1123LabelProblem(namespace) : 'must be a namespace name';
  if (problem) throw propError(scope, prop, namespace, `${problem}, or '*' for every namespace`);
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}

function checkCidr(scope: IConstruct, prop: string, cidr: unknown): void {
  if (typeof cidr !== 'string' || !CIDR.test(cidr)) {
    throw propError(scope, prop, cidr, "must be an IP range in CIDR notation, e.g. '10.0.0.0/8' or 'fd00::/8'");
  }
}

/** A service of the application, told apart from a label map without importing the class (which imports this). */
function isWorkload(x: unknown): x is Workload {
  return typeof x === 'object' && x !== null && 'selectorLabels' in x && 'application' in x;
}
