import type { KubeObject } from '../model/manifest-set.js';

/** One rule of a Role. @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface RbacOptions {
  /** The ServiceAccount the RoleBinding grants the Role to. @default 'berth-deployer' */
  readonly serviceAccount?: string;
}

export const DEFAULT_RBAC_NAME = 'berth-deployer';

/**
 * Everything Berth does to the objects of an app: read (plan, status), watch (readiness), server-side apply, prune
 * and uninstall.
 */
const WRITE = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];

/**
 * The rules the whole release lifecycle (deploy, diff, status, history, rollback, uninstall, logs, events) needs
 * inside one namespace, and nothing cluster-scoped: the namespace is not read when that is forbidden (its
 * RoleBinding is proof enough that it exists), and discovery is open to every authenticated user.
 * The app kinds are those the construct library renders; an app that renders more kinds needs rules for them too.
 */
export const RELEASE_RULES: readonly PolicyRule[] = [
  // Revisions are Secrets (written as chunks by apply, heads by create, status by merge patch); the lock is a Lease.
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  // Readiness names the pod that is not ready and the newest warning event; `berth logs` and `berth events` read them.
  { apiGroups: [''], resources: ['pods', 'events'], verbs: READ },
  // Which pods belong to a release: their ReplicaSet's owner (Deployments) is how `berth logs` and `status` know.
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
];

/** The Role with `RELEASE_RULES` in `namespace` and the RoleBinding that grants it to a ServiceAccount there. */
export function releaseRbac(namespace: string, options: RbacOptions = {}): KubeObject[] {
  const subject = options.serviceAccount ?? DEFAULT_RBAC_NAME;
  const labels = { 'app.kubernetes.io/managed-by': 'berth' };
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: DEFAULT_RBAC_NAME, namespace, labels },
      rules: RELEASE_RULES.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: subject === DEFAULT_RBAC_NAME ? DEFAULT_RBAC_NAME : `${DEFAULT_RBAC_NAME}-${subject}`, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: DEFAULT_RBAC_NAME },
      subjects: [{ kind: 'ServiceAccount', name: subject, namespace }],
    },
  ];
}
