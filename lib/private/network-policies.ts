import { ApiObject, Lazy } from 'cdk8s';
import * as k8s from '../imports/k8s-lib.js';
import type { Application } from '../application.js';
import type { ServicePort } from '../contract.js';
import { renderRule, type NetworkPoliciesOptions, type NetworkPolicyRule, type ServiceIngressRule } from '../network-policy.js';
import type { Workload } from '../workload.js';
import { propError } from './errors.js';
import { describeGraph } from './graph.js';
import { objectMeta } from './metadata.js';
import { dns1123LabelProblem } from './naming.js';
import { nonEmpty } from './values.js';

/**
 * The policies of `Application({ networkPolicies })`: one per service, created with the service and rendered at
 * synth from the dependency graph (lib/private/graph.ts), once every service and every address in config exists.
 */
class DependencyPolicies {
  private graph?: { readonly services: number; readonly value: ReturnType<typeof describeGraph> };

  constructor(
    private readonly app: Application,
    private readonly options: NetworkPoliciesOptions,
  ) {
    if (options.ingressFromDependents !== true) {
      throw propError(app, 'networkPolicies.ingressFromDependents', options.ingressFromDependents, 'must be true (what the option does); leave networkPolicies out for no policies');
    }
    const controller = options.ingressController;
    if (controller !== undefined) {
      const problem = typeof controller.namespace === 'string' ? dns1123LabelProblem(controller.namespace) : 'must be a namespace name';
      if (problem) throw propError(app, 'networkPolicies.ingressController.namespace', controller.namespace, problem);
    }
    // Checked now, so that a bad extra rule fails at the line that built the app rather than at render.
    (options.extra ?? []).forEach((rule, i) => extraRule(app, rule, i));
    app.node.addValidation({ validate: () => this.unknownServices() });
  }

  /** Gives `workload` its policy. The spec is lazy: dependents and addresses are only known once the app is built. */
  add(workload: Workload): void {
    const policy = new k8s.KubeNetworkPolicy(workload, 'NetworkPolicy', {
      metadata: objectMeta(workload, workload.resourceName),
      spec: Lazy.any({ produce: () => this.spec(workload) }),
    });
    policy.node.addValidation({
      validate: () =>
        hasIngress(workload) && this.options.ingressController === undefined
          ? [
              `${workload.node.path}: has an Ingress, and 'networkPolicies.ingressController' is not set, so its policy would refuse the Ingress controller's traffic: set it, e.g. { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }`,
            ]
          : [],
    });
  }

  /**
   * Its own pods and its dependents on the Service's ports, the Ingress controller on the same ports, then the extra
   * rules. A service without ports accepts only what the extra rules allow.
   */
  private spec(workload: Workload): k8s.NetworkPolicySpec {
    const graph = this.describe();
    const ports = (graph.get(workload.name)?.ports ?? []).map(policyPort);
    const pods = (w: Workload): k8s.NetworkPolicyPeer => ({ podSelector: { matchLabels: { ...w.selectorLabels } } });
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (ports.length > 0) {
      const dependents = this.app.services.filter((s) => s !== workload && graph.get(s.name)?.edges.some((e) => e.to === workload.name));
      ingress.push({ from: [pods(workload), ...dependents.map(pods)], ports });
      const controller = this.options.ingressController;
      if (controller && hasIngress(workload)) {
        const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': controller.namespace } };
        const podSelector = controller.podLabels ? { podSelector: { matchLabels: { ...controller.podLabels } } } : {};
        ingress.push({ from: [{ namespaceSelector, ...podSelector }], ports });
      }
    }
    (this.options.extra ?? []).forEach((rule, i) => {
      if (rule.service === workload.name) ingress.push(extraRule(this.app, rule, i));
    });
    // No rules at all (a service without ports): absent rather than [], which the API server would drop on every apply.
    return { podSelector: { matchLabels: { ...workload.selectorLabels } }, policyTypes: ['Ingress'], ingress: nonEmpty(ingress) };
  }

  /** The graph of the app's services, computed once per render (each object renders itself for it). */
  private describe(): ReturnType<typeof describeGraph> {
    const services = this.app.services;
    if (this.graph?.services !== services.length) {
      const own = services.map((w) => ({ name: w.name, node: w.node, dependencies: w.dependencies.filter((d) => services.includes(d)) }));
      this.graph = { services: services.length, value: describeGraph(own) };
    }
    return this.graph.value;
  }

  private unknownServices(): string[] {
    const names = this.app.services.map((s) => s.name);
    return (this.options.extra ?? []).flatMap((rule, i) =>
      names.includes(rule.service)
        ? []
        : [`${this.app.node.path}: 'networkPolicies.extra[${i}].service' ('${rule.service}') is not a service of the application; services: ${[...names].sort().join(', ')}`],
    );
  }
}

const policies = new WeakMap<Application, DependencyPolicies>();

/** Called by the Workload constructor: gives the workload its policy when its application asks for policies. */
export function addDependencyPolicy(app: Application, options: NetworkPoliciesOptions | undefined, workload: Workload): void {
  if (options === undefined) return;
  let p = policies.get(app);
  if (!p) policies.set(app, (p = new DependencyPolicies(app, options)));
  p.add(workload);
}

function extraRule(app: Application, rule: ServiceIngressRule, i: number): k8s.NetworkPolicyIngressRule {
  const plain: NetworkPolicyRule = { peers: rule.peers, ports: rule.ports };
  return renderRule(app, `networkPolicies.extra[${i}]`, plain, 'from');
}

/** Pods accept a Service's traffic on its target port: a policy applies after the Service's address translation. */
function policyPort(p: ServicePort): k8s.NetworkPolicyPort {
  const port = p.targetPort ?? p.port;
  return { port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port), protocol: p.protocol ?? 'TCP' };
}

function hasIngress(workload: Workload): boolean {
  return workload.node.findAll().some((c) => ApiObject.isApiObject(c) && c.kind === 'Ingress');
}
