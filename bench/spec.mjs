// The benchmark system: N identical web services, each a Deployment, Service, ConfigMap, HPA and Ingress.
// Every generator (Berth app, cdk8s-plus project, Helm chart) renders from this one description, so the
// three tools deploy the same objects under the same names.

export const RELEASE = 'bench';
export const NAMESPACE_PREFIX = 'bench';
export const IMAGE = 'registry.local/bench/web';
export const TAG = '1.0.0';
/** The tag the one-service-change scenario moves a single service to. */
export const CHANGED_TAG = '1.0.1';
export const PORT = 8080;

export function serviceName(i) {
  return `svc-${String(i).padStart(3, '0')}`;
}

/** The service whose image changes in the one-service-change scenario. */
export const CHANGED_SERVICE = serviceName(7);

export function services(n) {
  return Array.from({ length: n }, (_, i) => {
    const name = serviceName(i);
    return {
      name,
      image: IMAGE,
      tag: TAG,
      port: PORT,
      minReplicas: 2,
      maxReplicas: 5,
      cpuTarget: 70,
      cpuRequest: '100m',
      memoryRequest: '128Mi',
      host: `${name}.bench.local`,
      config: {
        LOG_LEVEL: 'info',
        UPSTREAM_URL: `http://${RELEASE}-${serviceName((i + 1) % n)}:80`,
        FEATURE_FLAGS: 'search,checkout',
      },
    };
  });
}
