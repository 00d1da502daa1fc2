import { recoverSecretValues } from '../../../src/model/secret-data.js';
import { digestOfBytes } from '../../../src/model/secrets.js';

const key = Buffer.alloc(32, 7);
const secret = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'r-db-secret' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

describe('recoverSecretValues', () => {
  it('brings back each secret value whose digest a live Secret value has, and leaves the rest as they are', () => {
    const recorded = { image: 'web:1', db: { password: digestOfBytes(key, 'pw-one') }, tokens: [digestOfBytes(key, 't1')] };
    const { values, unrecovered } = recoverSecretValues(recorded, [secret({ PASSWORD: 'pw-one', TOKEN: 't1' })], key);
    expect(values).toEqual({ image: 'web:1', db: { password: 'pw-one' }, tokens: ['t1'] });
    expect(unrecovered).toEqual([]);
  });

  it('names the paths no live value matches and leaves them out (rotated, or under another key)', () => {
    const recorded = { db: { password: digestOfBytes(key, 'old') }, other: digestOfBytes(Buffer.alloc(32, 1), 'pw-one') };
    const { values, unrecovered } = recoverSecretValues(recorded, [secret({ PASSWORD: 'pw-one' })], key);
    expect(values).toEqual({ db: {} });
    expect(unrecovered).toEqual(['db.password', 'other']);
  });
});
