import { canonicalJson, configHash } from '../../../../lib/private/hash.js';

describe('configHash', () => {
  test('ignores key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(configHash({ b: 1, a: 2 })).toBe(configHash({ a: 2, b: 1 }));
  });

  test('is 16 hex characters and changes with any value', () => {
    const h = configHash({ config: { A: '1' } });
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash({ config: { A: '2' } })).not.toBe(h);
    expect(configHash({ config: { A: 1 } })).not.toBe(h);
  });
});
