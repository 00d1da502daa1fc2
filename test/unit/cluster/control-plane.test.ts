import { serverOf, validateClusterName, validateNodeCount } from '../../../src/cluster/control-plane.js';
import { cacheRoot, kubeconfigPath } from '../../../src/cluster/paths.js';
import { UserError } from '../../../src/errors.js';

describe('cluster names and node counts', () => {
  it('accept DNS-label names and reject others with the fix in the hint', () => {
    expect(validateClusterName('berth-test')).toBe('berth-test');
    expect(() => validateClusterName('Bad_Name')).toThrow(UserError);
    expect(() => validateClusterName('Bad_Name')).toThrow("cluster name 'Bad_Name' is not valid");
  });

  it('reject a node count that is not a whole number from 1 to 100', () => {
    expect(validateNodeCount(3)).toBe(3);
    expect(() => validateNodeCount(0)).toThrow('--nodes 0 is not valid');
    expect(() => validateNodeCount(Number('x'))).toThrow('--nodes NaN is not valid');
  });
});

describe('paths', () => {
  it('live under XDG_CACHE_HOME when set, else ~/.cache', () => {
    expect(cacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/berth');
    expect(cacheRoot({})).toMatch(/\.cache\/berth$/);
    expect(kubeconfigPath('dev', { XDG_CACHE_HOME: '/x' })).toBe('/x/berth/kwok/clusters/dev/kubeconfig.yaml');
  });
});

describe('serverOf', () => {
  it('reads the server URL of a kubeconfig', () => {
    expect(serverOf('clusters:\n- cluster:\n    server: https://127.0.0.1:32768\n  name: x\n')).toBe('https://127.0.0.1:32768');
    expect(serverOf('apiVersion: v1\n')).toBeUndefined();
  });
});
