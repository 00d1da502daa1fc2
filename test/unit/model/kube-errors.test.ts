import { ApiResponseError, forbiddenRule, toClusterError, unreachable } from '../../../src/model/kube-errors.js';
import { backoffDelay, isRetryableStatus, isTransientNetworkError } from '../../../src/kube/retry.js';

const subject = { verb: 'apply', what: 'Deployment/shop-api', namespace: 'dev', server: 'https://127.0.0.1:6443', context: 'berth' };

describe('toClusterError', () => {
  it('names the object and every invalid field of a 422', () => {
    const err = toClusterError(
      new ApiResponseError(422, {
        kind: 'Status',
        reason: 'Invalid',
        message: 'Deployment.apps "shop-api" is invalid',
        details: { causes: [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }, { field: 'spec.template.spec.containers[0].image', message: 'Required value' }] },
      }),
      subject,
    );
    expect(err.message).toBe(
      'Deployment/shop-api in namespace dev is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0; spec.template.spec.containers[0].image: Required value',
    );
    expect(err.status).toBe(422);
  });

  it('explains 401 with the server and context', () => {
    const err = toClusterError(new ApiResponseError(401, { message: 'Unauthorized' }), subject);
    expect(err.message).toContain('the Kubernetes API at https://127.0.0.1:6443 (context berth) rejected the credentials (401 Unauthorized)');
    expect(err.hint).toMatch(/credentials/);
  });

  it('explains 403 with the server message and an RBAC hint', () => {
    const err = toClusterError(new ApiResponseError(403, { message: 'deployments.apps is forbidden: User "bob" cannot patch resource' }), subject);
    expect(err.message).toBe('not allowed to apply Deployment/shop-api in namespace dev (403 Forbidden): deployments.apps is forbidden: User "bob" cannot patch resource');
    expect(err.hint).toBe(`the user of context ${subject.context} needs RBAC permission for this; ask a cluster admin or pick another --context`);
  });

  it('names the rule to add to the namespace\'s Role when the authorizer says what was refused', () => {
    const message = 'deployments.apps "shop-api" is forbidden: User "system:serviceaccount:dev:ci" cannot patch resource "deployments" in API group "apps" in the namespace "dev"';
    const err = toClusterError(new ApiResponseError(403, { message }), subject);
    expect(err.message).toBe(`not allowed to apply Deployment/shop-api in namespace dev (403 Forbidden): ${message}`);
    expect(err.hint).toBe(
      `the user of context ${subject.context} needs RBAC permission for this: add the rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]} ` +
        'to a Role in namespace dev bound to it (berth rbac -n dev prints the Role and RoleBinding Berth needs there)',
    );
  });

  it('names a ClusterRole rule for a cluster-scoped refusal, and the subresource as the authorizer does', () => {
    const cluster = toClusterError(new ApiResponseError(403, { message: 'namespaces "dev" is forbidden: User "ci" cannot get resource "namespaces" in API group "" at the cluster scope' }), subject);
    expect(cluster.hint).toBe(`the user of context ${subject.context} needs RBAC permission for this: add the rule {apiGroups: [""], resources: ["namespaces"], verbs: ["get"]} to a ClusterRole bound to it, or pick another --context`);
    expect(forbiddenRule('pods "a" is forbidden: User "ci" cannot get resource "pods/log" in API group "" in the namespace "dev"')).toEqual({
      verb: 'get',
      resource: 'pods/log',
      apiGroup: '',
      namespace: 'dev',
    });
  });

  it('explains an apply conflict with another field manager', () => {
    const err = toClusterError(new ApiResponseError(409, { reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas' }), subject);
    expect(err.message).toContain('conflict with another field manager');
    expect(err.message).toContain('.spec.replicas');
  });

  it('keeps a non-JSON body as the message', () => {
    expect(toClusterError(new ApiResponseError(502, 'Bad Gateway'), subject).message).toBe('cannot apply Deployment/shop-api in namespace dev: Bad Gateway (HTTP 502)');
  });
});

describe('unreachable', () => {
  it('names the server, the context and the socket error', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const err = unreachable(cause, subject);
    expect(err.message).toBe('cannot reach the Kubernetes API at https://127.0.0.1:6443 (context berth): connect ECONNREFUSED 127.0.0.1:6443');
    expect(err.hint).toMatch(/cluster running/);
  });
});

describe('retry policy', () => {
  it('retries throttling and server errors, not client errors', () => {
    expect([429, 500, 503, 504].map(isRetryableStatus)).toEqual([true, true, true, true]);
    expect([400, 404, 409, 422, 501].map(isRetryableStatus)).toEqual([false, false, false, false, false]);
  });

  it('treats refused and reset connections as transient', () => {
    expect(isTransientNetworkError(Object.assign(new Error(), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error(), { code: 'CERT_HAS_EXPIRED' }))).toBe(false);
  });

  it('doubles the delay per attempt up to the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { baseDelayMs: 100, maxDelayMs: 1000 }, mid))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
