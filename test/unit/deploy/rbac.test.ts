import { Testing } from 'cdk8s';
import Shop from '../../../apps/shop/index.js';
import prod from '../../../apps/shop/env/prod.js';
import { RELEASE_RULES, releaseRbac } from '../../../src/deploy/rbac.js';

/** The resource (plural) RBAC names a kind by. */
function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

function allows(apiVersion: string, kind: string, verb: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  return RELEASE_RULES.some((r) => r.apiGroups.includes(group) && r.resources.includes(resourceOf(kind)) && r.verbs.includes(verb));
}

describe('releaseRbac', () => {
  it('prints a Role in the namespace and a RoleBinding granting it to the service account: nothing cluster-scoped', () => {
    const [role, binding, ...rest] = releaseRbac('prod', { serviceAccount: 'ci' });
    expect(rest).toEqual([]);
    expect(role).toMatchObject({ kind: 'Role', metadata: { name: 'berth-deployer', namespace: 'prod' } });
    expect(binding).toMatchObject({
      kind: 'RoleBinding',
      metadata: { name: 'berth-deployer-ci', namespace: 'prod' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'berth-deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'prod' }],
    });
  });

  it('lets Berth apply, read and prune every kind the shop renders, plus the Secrets it generates and the ConfigMaps', () => {
    const objects = new Shop(Testing.app(), 'shop', { config: prod, release: { name: 'shop', namespace: 'prod', env: 'prod' } }).toJson() as { apiVersion: string; kind: string }[];
    const kinds = [...new Map(objects.map((o) => [`${o.apiVersion} ${o.kind}`, o])).values()];
    expect(kinds.length).toBeGreaterThan(8);
    const missing = kinds.flatMap((o) => ['get', 'list', 'watch', 'create', 'patch', 'delete'].filter((v) => !allows(o.apiVersion, o.kind, v)).map((v) => `${v} ${o.kind}`));
    expect(missing).toEqual([]);
    expect(allows('v1', 'Secret', 'patch')).toBe(true);
  });

  it('covers the revision store and the lock, and only reads pods, their logs and events', () => {
    expect(['get', 'create', 'update', 'delete'].every((v) => allows('coordination.k8s.io/v1', 'Lease', v))).toBe(true);
    expect(RELEASE_RULES.filter((r) => r.resources.some((x) => x === 'pods' || x === 'pods/log' || x === 'events')).flatMap((r) => r.verbs)).not.toContain('delete');
    expect(RELEASE_RULES.some((r) => r.resources.includes('pods/log') && r.verbs.includes('get'))).toBe(true);
  });
});
