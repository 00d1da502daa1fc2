import type { Construct } from 'constructs';
import { Application, Probe, StatelessApp, Volume, override, type ApplicationProps, type ProbeOptions, type ResourcesProps, type SecurityOptions } from 'berth';
import * as k8s from 'berth/k8s';
import type { BoutiqueConfig } from './config.js';

/**
 * What every Online Boutique pod runs as in the original manifests: uid/gid 1000 for the whole pod, volumes owned by
 * gid 1000, and `privileged: false` written out; the rest of the restricted defaults are Berth's own.
 */
const SECURITY: SecurityOptions = { podRunAsUser: 1000, podRunAsGroup: 1000, fsGroup: 1000, privileged: false };

/** Lets Istio's sidecar rewrite the HTTP probes, as the original asks for its HTTP pods (harmless without Istio). */
const ISTIO_PROBES = { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' };

/** The original's usual container resources. */
const SMALL: ResourcesProps = { cpu: { request: '100m', limit: '200m' }, memory: { request: '64Mi', limit: '128Mi' } };

/** One gRPC service of the shop, as the original manifests write each of them. */
interface GrpcServiceOptions {
  /** Port the server listens on. */
  readonly port: number;
  /** Pass the port as `PORT` (the cart service has it compiled in). */
  readonly portEnv?: boolean;
  /** Port of its Service, when it differs. */
  readonly servicePort?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly resources?: ResourcesProps;
  readonly readiness?: ProbeOptions;
  readonly liveness?: ProbeOptions;
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * Online Boutique (GoogleCloudPlatform/microservices-demo), ported from `release/kubernetes-manifests.yaml`: ten gRPC
 * services, the HTTP frontend with an internal and an external Service, Redis for the carts and a load generator
 * that waits for the frontend. test/unit/apps/boutique.test.ts diffs the dev env against the pinned original.
 */
export default class Boutique extends Application<BoutiqueConfig> {
  constructor(scope: Construct, id: string, props: ApplicationProps<BoutiqueConfig>) {
    const c = props.config;
    super(scope, id, {
      ...props,
      // The original's per-service policies, from who calls whom: each service accepts its callers on its port. The
      // frontend is the shop's entrance (frontend-external): everyone may reach it.
      networkPolicies: c.networkPolicies ? { ingressFromDependents: true, extra: [{ service: 'frontend' }] } : undefined,
    });
    const image = (name: string) => `${c.imageRepository}/${name}:${c.imageTag}`;

    const grpc = (name: string, o: GrpcServiceOptions) =>
      new StatelessApp(this, name, {
        image: image(name),
        containerName: 'server',
        ports: [{ port: o.port, name: 'grpc', servicePort: o.servicePort }],
        service: { name },
        env: { ...(o.portEnv === false ? {} : { PORT: String(o.port) }), ...o.env },
        readiness: Probe.grpc(o.readiness),
        liveness: Probe.grpc(o.liveness),
        resources: o.resources ?? SMALL,
        security: SECURITY,
        createServiceAccount: true,
        terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
      });
    const noProfiler = { DISABLE_PROFILER: '1' };

    const redis = new StatelessApp(this, 'redis-cart', {
      image: c.redisImage,
      containerName: 'redis',
      ports: [{ port: 6379, name: 'tcp-redis' }],
      service: { name: 'redis-cart' },
      readiness: Probe.tcp({ periodSeconds: 5 }),
      liveness: Probe.tcp({ periodSeconds: 5 }),
      volumes: [{ path: '/data', volume: Volume.emptyDir('redis-data') }],
      resources: { cpu: { request: '70m', limit: '125m' }, memory: { request: '200Mi', limit: '256Mi' } },
      security: SECURITY,
      // Added by the port: Redis metrics for a pod-scraping Prometheus, not part of the Service.
      sidecars: [
        {
          name: 'exporter',
          image: c.redisExporterImage ?? 'oliver006/redis_exporter:v1.67.0',
          ports: [{ port: 9121, name: 'metrics' }],
          readiness: Probe.http('/health'),
          resources: { cpu: { request: '10m', limit: '50m' }, memory: { request: '16Mi', limit: '32Mi' } },
          security: { privileged: false },
        },
      ],
    });
    const productCatalog = grpc('productcatalogservice', { port: 3550, env: noProfiler, terminationGracePeriodSeconds: 5 });
    const currency = grpc('currencyservice', { port: 7000, env: noProfiler, terminationGracePeriodSeconds: 5 });
    const cart = grpc('cartservice', {
      port: 7070,
      portEnv: false,
      env: { REDIS_ADDR: redis.addr },
      resources: { cpu: { request: '200m', limit: '300m' }, memory: { request: '64Mi', limit: '128Mi' } },
      readiness: { initialDelaySeconds: 15 },
      liveness: { initialDelaySeconds: 15, periodSeconds: 10 },
      terminationGracePeriodSeconds: 5,
    });
    const shipping = grpc('shippingservice', { port: 50051, env: noProfiler, readiness: { periodSeconds: 5 } });
    const payment = grpc('paymentservice', { port: 50051, env: noProfiler, terminationGracePeriodSeconds: 5 });
    const email = grpc('emailservice', {
      port: 8080,
      servicePort: 5000,
      env: noProfiler,
      readiness: { periodSeconds: 5 },
      liveness: { periodSeconds: 5 },
      terminationGracePeriodSeconds: 5,
    });
    const recommendation = grpc('recommendationservice', {
      port: 8080,
      env: { PRODUCT_CATALOG_SERVICE_ADDR: productCatalog.addr, ...noProfiler },
      resources: { cpu: { request: '100m', limit: '200m' }, memory: { request: '220Mi', limit: '450Mi' } },
      readiness: { periodSeconds: 5 },
      liveness: { periodSeconds: 5 },
      terminationGracePeriodSeconds: 5,
    });
    const ad = grpc('adservice', {
      port: 9555,
      resources: { cpu: { request: '200m', limit: '300m' }, memory: { request: '180Mi', limit: '300Mi' } },
      readiness: { initialDelaySeconds: 20, periodSeconds: 15 },
      liveness: { initialDelaySeconds: 20, periodSeconds: 15 },
      terminationGracePeriodSeconds: 5,
    });
    const checkout = grpc('checkoutservice', {
      port: 5050,
      env: {
        PRODUCT_CATALOG_SERVICE_ADDR: productCatalog.addr,
        SHIPPING_SERVICE_ADDR: shipping.addr,
        PAYMENT_SERVICE_ADDR: payment.addr,
        EMAIL_SERVICE_ADDR: email.addr,
        CURRENCY_SERVICE_ADDR: currency.addr,
        CART_SERVICE_ADDR: cart.addr,
      },
    });

    // The frontend answers its health check only with a session cookie, and each probe gets its own session.
    const health = (session: string) => Probe.http('/_healthz', { initialDelaySeconds: 10, headers: { Cookie: `shop_session-id=${session}` } });
    const external = c.frontend?.external ?? 'LoadBalancer';
    const frontend = new StatelessApp(this, 'frontend', {
      image: image('frontend'),
      containerName: 'server',
      replicas: c.frontend?.replicas ?? 1,
      // Added by the port: replicas on different nodes where possible, so one node going down leaves the shop up.
      spread: 'nodes',
      ports: [{ port: 8080, servicePort: 80 }],
      service: { name: 'frontend' },
      extraServices: external === 'none' ? {} : { external: { name: 'frontend-external', type: external } },
      podAnnotations: ISTIO_PROBES,
      env: {
        PORT: '8080',
        PRODUCT_CATALOG_SERVICE_ADDR: productCatalog.addr,
        CURRENCY_SERVICE_ADDR: currency.addr,
        CART_SERVICE_ADDR: cart.addr,
        RECOMMENDATION_SERVICE_ADDR: recommendation.addr,
        SHIPPING_SERVICE_ADDR: shipping.addr,
        CHECKOUT_SERVICE_ADDR: checkout.addr,
        AD_SERVICE_ADDR: ad.addr,
        // The optional shopping assistant is not part of these manifests; the frontend only calls it when enabled.
        SHOPPING_ASSISTANT_SERVICE_ADDR: 'shoppingassistantservice:80',
        ENABLE_PROFILER: '0',
      },
      readiness: health('x-readiness-probe'),
      liveness: health('x-liveness-probe'),
      resources: SMALL,
      security: SECURITY,
      createServiceAccount: true,
    });
    // A patch, for a field no prop covers: the frontend finds every backend through its *_SERVICE_ADDR variables, so it
    // needs none of the <NAME>_SERVICE_HOST / _PORT variables Kubernetes adds for each Service of the namespace.
    override(frontend.deployment, 'spec.template.spec.enableServiceLinks', false);

    if (c.loadGenerator?.enabled ?? true) {
      const frontendAddr = frontend.addr;
      new StatelessApp(this, 'loadgenerator', {
        image: image('loadgenerator'),
        containerName: 'main',
        podAnnotations: ISTIO_PROBES,
        env: { FRONTEND_ADDR: frontendAddr, USERS: String(c.loadGenerator?.users ?? 10), RATE: String(c.loadGenerator?.rate ?? 1) },
        resources: { cpu: { request: '300m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
        security: SECURITY,
        createServiceAccount: true,
        terminationGracePeriodSeconds: 5,
        initContainers: [
          {
            name: 'frontend-check',
            image: 'busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d',
            command: ['/bin/sh', '-exc', FRONTEND_CHECK],
            env: { FRONTEND_ADDR: frontendAddr },
            // As in the original: a shell loop that sleeps most of the time needs no reserved CPU or memory.
            resources: 'none',
            security: { privileged: false },
          },
        ],
      }).dependsOn(frontend);
    }

    if (c.networkPolicies) {
      // An escape-hatch object: the original's deny-all, which Berth's per-service policies do not render because it
      // is a decision about the whole namespace. Ingress only: Berth's policies leave egress open rather than deny it
      // here and reopen it per service as the original does. As a plain binding it still joins the release (labels,
      // prune, uninstall) at the release level, named boutique-deny-all.
      new k8s.KubeNetworkPolicy(this, 'deny-all', { spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    }
  }
}

/** The original's wait for the frontend: up to 12 tries, 10 s apart, until it answers 200. */
const FRONTEND_CHECK = `MAX_RETRIES=12
RETRY_INTERVAL=10
for i in $(seq 1 $MAX_RETRIES); do
  echo "Attempt $i: Pinging frontend: \${FRONTEND_ADDR}..."
  STATUSCODE=$(wget --server-response http://\${FRONTEND_ADDR} 2>&1 | awk '/^  HTTP/{print $2}')
  if [ $STATUSCODE -eq 200 ]; then
      echo "Frontend is reachable."
      exit 0
  fi
  echo "Error: Could not reach frontend - Status code: \${STATUSCODE}"
  sleep $RETRY_INTERVAL
done
echo "Failed to reach frontend after $MAX_RETRIES attempts."
exit 1
`;
