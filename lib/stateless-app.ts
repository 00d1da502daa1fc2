import { Lazy } from 'cdk8s';
import * as k8s from './imports/k8s-lib.js';
import type { Construct } from 'constructs';
import type { ServiceOptions, ServiceProps, ServiceType } from './service.js';
import { Workload, type WorkloadProps } from './workload.js';
import { propError } from './private/errors.js';
import { checkKnownKeys, ROLLING_UPDATE_OPTIONS } from './private/known-keys.js';
import { dns1123SubdomainProblem } from './private/naming.js';
import { intOrString } from './private/values.js';
import { checkInt, checkIntOrPercent } from './private/validate.js';

export interface RollingUpdateOptions {
  /**
   * Pods created above `replicas` during an update: a count or a percentage.
   * @default '25%'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
   */
  readonly maxSurge?: number | string;
  /**
   * Pods that may be unavailable during an update: a count or a percentage.
   * @default '25%'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
   */
  readonly maxUnavailable?: number | string;
}

/**
 * How a Deployment replaces its pods.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class DeploymentStrategy {
  /** Replace pods gradually, keeping the service up. */
  static rollingUpdate(options: RollingUpdateOptions = {}): DeploymentStrategy {
    return new DeploymentStrategy('RollingUpdate', options);
  }

  /** Stop all old pods before starting new ones: for apps that cannot run two versions at once. */
  static recreate(): DeploymentStrategy {
    return new DeploymentStrategy('Recreate', {});
  }

  private constructor(
    /** `RollingUpdate` or `Recreate`. */
    readonly type: 'RollingUpdate' | 'Recreate',
    /** Surge and unavailability limits of a rolling update. */
    readonly options: RollingUpdateOptions,
  ) {}
}

export interface IngressOptions {
  /**
   * Host name the Ingress answers for, e.g. `shop.example.com`.
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly host: string;
  /**
   * URL path prefixes routed to the service.
   * @default ['/']
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly paths?: readonly string[];
  /**
   * Secret (type kubernetes.io/tls) holding the certificate for `host`, created out of band or by cert-manager.
   * @default no TLS
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly tlsSecret?: string;
  /**
   * IngressClass to use.
   * @default the cluster's default class
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly className?: string;
  /**
   * Annotations for the ingress controller.
   * @default none
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AutoscalingOptions {
  /**
   * Fewest replicas.
   * @default 1
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly minReplicas?: number;
  /**
   * Most replicas.
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, percent of the CPU request.
   * @default 80 when no target is given
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory use, percent of the memory request.
   * @default none
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly memoryUtilization?: number;
}

export interface DisruptionBudgetOptions {
  /**
   * Pods that must stay up during voluntary disruptions (node drains): a count or a percentage.
   * @default 1 when neither field is set
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
   */
  readonly minAvailable?: number | string;
  /**
   * Pods that may be down during voluntary disruptions: a count or a percentage. Excludes `minAvailable`.
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
   */
  readonly maxUnavailable?: number | string;
}

export interface StatelessAppProps extends WorkloadProps, ServiceProps {
  /**
   * Number of pods. Not rendered when `autoscaling` is set: the autoscaler owns it.
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly replicas?: number;
  /**
   * How pods are replaced on update.
   * @default DeploymentStrategy.rollingUpdate() (25% surge, 25% unavailable)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly strategy?: DeploymentStrategy;
  /**
   * Type of the Service created when `ports` is set.
   * @deprecated use `service: { type }`, which sits beside the Service's other options
   * @default 'ClusterIP'
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly serviceType?: ServiceType;
  /**
   * Route outside HTTP traffic to the first port.
   * @default no Ingress
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly ingress?: IngressOptions;
  /**
   * Scale between min and max replicas on CPU / memory use (autoscaling/v2).
   * @default fixed `replicas`
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Limit voluntary disruptions with a PodDisruptionBudget.
   * @default no budget
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
   */
  readonly disruptionBudget?: DisruptionBudgetOptions;
}

/**
 * A stateless service: a Deployment, a Service when it has ports, and optionally an Ingress, a
 * HorizontalPodAutoscaler and a PodDisruptionBudget. Everything is named `<release>-<service>`.
 */
export class StatelessApp extends Workload {
  /** The Deployment `<release>-<service>`. */
  readonly deployment: k8s.KubeDeployment;
  /** The main Service, `<release>-<service>` or `service.name`, when the workload has ports. */
  readonly service?: k8s.KubeService;
  /** The Ingress, when `ingress` is set. */
  readonly ingress?: k8s.KubeIngress;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget, when `disruptionBudget` is set. */
  readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  private readonly extras: Record<string, k8s.KubeService> = {};

  constructor(scope: Construct, id: string, props: StatelessAppProps) {
    super(scope, id, props, 'stateless');
    checkInt(this, 'replicas', props.replicas, 0);
    const strategy = props.strategy ?? DeploymentStrategy.rollingUpdate();
    checkKnownKeys(this, 'strategy', strategy.options, ROLLING_UPDATE_OPTIONS);
    checkIntOrPercent(this, 'strategy.maxSurge', strategy.options.maxSurge);
    checkIntOrPercent(this, 'strategy.maxUnavailable', strategy.options.maxUnavailable);
    if (strategy.options.maxSurge === 0 && strategy.options.maxUnavailable === 0) {
      throw propError(this, 'strategy.maxUnavailable', 0, "cannot be 0 when 'strategy.maxSurge' is 0 too: the rollout could never proceed");
    }
    if (props.serviceType && this.ports.length === 0) {
      throw propError(this, 'serviceType', props.serviceType, "needs 'ports': a Service is only created for a workload with ports");
    }
    if (props.serviceType !== undefined && props.service?.type !== undefined) {
      throw propError(this, 'serviceType', props.serviceType, "conflicts with 'service.type': set only 'service.type' ('serviceType' is its older spelling)");
    }
    if (props.service && this.ports.length === 0) {
      throw propError(this, 'service', props.service, "needs 'ports': a Service is only created for a workload with ports");
    }

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: this.workloadMetadata(this.resourceName),
      spec: Lazy.any({
        produce: (): k8s.DeploymentSpec => ({
          replicas: props.autoscaling ? undefined : (props.replicas ?? 1),
          selector: { matchLabels: { ...this.selectorLabels } },
          strategy:
            strategy.type === 'Recreate'
              ? { type: 'Recreate' }
              : {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    maxSurge: intOrString(strategy.options.maxSurge ?? '25%'),
                    maxUnavailable: intOrString(strategy.options.maxUnavailable ?? '25%'),
                  },
                },
          template: this.renderPodTemplate(),
        }),
      }),
    });
    if (this.ports.length > 0) {
      const type = props.service?.type ?? props.serviceType;
      this.service = this.createService('Service', this.resourceName, { ...props.service, type }, { prop: 'service', main: true });
    }
    for (const [suffix, options] of Object.entries(props.extraServices ?? {})) {
      this.extras[suffix] = this.createExtraService(suffix, options, `extraServices.${suffix}`);
    }
    if (props.ingress) this.ingress = this.createIngress(props.ingress);
    if (props.autoscaling) this.autoscaler = this.createAutoscaler(props.autoscaling);
    if (props.disruptionBudget) this.disruptionBudget = this.createDisruptionBudget(props.disruptionBudget);
  }

  /** The Services besides the main one, by suffix: those of `extraServices` and `addService()`. */
  get extraServices(): Readonly<Record<string, k8s.KubeService>> {
    return { ...this.extras };
  }

  /**
   * Adds another Service over the same pods, `<release>-<service>-<suffix>` unless `options.name` is set: e.g. a
   * LoadBalancer for outside traffic beside the ClusterIP one.
   */
  addService(suffix: string, options: ServiceOptions = {}): k8s.KubeService {
    const service = this.createExtraService(suffix, options, `addService('${suffix}')`);
    this.extras[suffix] = service;
    return service;
  }

  private createIngress(o: IngressOptions): k8s.KubeIngress {
    if (this.ports.length === 0) throw propError(this, 'ingress.host', o.host, "needs 'ports': the Ingress routes to the first port");
    const hostProblem = dns1123SubdomainProblem(o.host.replace(/^\*\./, 'wildcard.'));
    if (hostProblem) throw propError(this, 'ingress.host', o.host, `${hostProblem}, e.g. 'shop.example.com'`);
    const paths = o.paths ?? ['/'];
    if (paths.length === 0) throw propError(this, 'ingress.paths', paths, "must list at least one path, e.g. ['/']");
    for (const [i, path] of paths.entries()) {
      if (!path.startsWith('/')) throw propError(this, `ingress.paths[${i}]`, path, "must start with '/'");
    }
    return new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        ...this.metadata(this.resourceName),
        annotations: { ...o.annotations, ...this.annotations },
      },
      spec: {
        ingressClassName: o.className,
        tls: o.tlsSecret ? [{ hosts: [o.host], secretName: o.tlsSecret }] : undefined,
        rules: [
          {
            host: o.host,
            http: {
              paths: paths.map((path) => ({
                path,
                pathType: 'Prefix',
                backend: { service: { name: this.host, port: { name: this.firstServicePortName } } },
              })),
            },
          },
        ],
      },
    });
  }

  private createAutoscaler(o: AutoscalingOptions): k8s.KubeHorizontalPodAutoscalerV2 {
    const min = o.minReplicas ?? 1;
    checkInt(this, 'autoscaling.minReplicas', min, 1);
    checkInt(this, 'autoscaling.maxReplicas', o.maxReplicas, 1);
    if (o.maxReplicas < min) {
      throw propError(this, 'autoscaling.maxReplicas', o.maxReplicas, `must be >= 'autoscaling.minReplicas' (${min})`);
    }
    checkInt(this, 'autoscaling.cpuUtilization', o.cpuUtilization, 1);
    checkInt(this, 'autoscaling.memoryUtilization', o.memoryUtilization, 1);
    const cpu = o.cpuUtilization ?? (o.memoryUtilization === undefined ? 80 : undefined);
    const metric = (name: string, averageUtilization: number): k8s.MetricSpecV2 => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization } },
    });
    const metrics: k8s.MetricSpecV2[] = [];
    if (cpu !== undefined) metrics.push(metric('cpu', cpu));
    if (o.memoryUtilization !== undefined) metrics.push(metric('memory', o.memoryUtilization));
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: this.metadata(this.resourceName),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
        minReplicas: min,
        maxReplicas: o.maxReplicas,
        metrics,
      },
    });
  }

  private createDisruptionBudget(o: DisruptionBudgetOptions): k8s.KubePodDisruptionBudget {
    if (o.minAvailable !== undefined && o.maxUnavailable !== undefined) {
      throw propError(this, 'disruptionBudget.maxUnavailable', o.maxUnavailable, "conflicts with 'disruptionBudget.minAvailable': set only one");
    }
    checkIntOrPercent(this, 'disruptionBudget.minAvailable', o.minAvailable);
    checkIntOrPercent(this, 'disruptionBudget.maxUnavailable', o.maxUnavailable);
    const minAvailable = o.maxUnavailable === undefined ? (o.minAvailable ?? 1) : undefined;
    return new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata(this.resourceName),
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        minAvailable: minAvailable === undefined ? undefined : intOrString(minAvailable),
        maxUnavailable: o.maxUnavailable === undefined ? undefined : intOrString(o.maxUnavailable),
      },
    });
  }
}
