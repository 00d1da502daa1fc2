import { createHash } from 'node:crypto';
import { maskSecretValues } from '../../../src/deploy/values.js';
import type { KubeObject } from '../../../src/synth/manifest-set.js';

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'shop-db-secret' },
  data: { POSTGRES_PASSWORD: Buffer.from('hunter2').toString('base64') },
  stringData: { API_KEY: 'k-123' },
};
const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-db-config' }, data: { POSTGRES_USER: 'shop' } };
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('maskSecretValues', () => {
  it('replaces every config string that reaches a Secret by its sha256, at any depth', () => {
    const config = { db: { user: 'shop', password: 'hunter2' }, payments: [{ key: 'k-123' }], replicas: 3 };
    expect(maskSecretValues(config, [configMap, secret])).toEqual({
      db: { user: 'shop', password: sha('hunter2') },
      payments: [{ key: sha('k-123') }],
      replicas: 3,
    });
  });

  it('keeps values that only reach ConfigMaps, and never masks the empty string', () => {
    const empty: KubeObject = { ...secret, data: { X: '' }, stringData: undefined };
    expect(maskSecretValues({ user: 'shop', blank: '' }, [configMap, empty])).toEqual({ user: 'shop', blank: '' });
  });

  it('passes undefined config through', () => {
    expect(maskSecretValues(undefined, [secret])).toBeUndefined();
  });
});
