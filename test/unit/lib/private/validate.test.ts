import { parseQuantity } from '../../../../lib/private/validate.js';

describe('parseQuantity', () => {
  test('reads binary and decimal suffixes and millis', () => {
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('1.5')).toBe(1.5);
  });

  test('rejects what Kubernetes rejects', () => {
    for (const bad of ['12x', 'Mi', '1 Gi', '-1', '1gi', '']) expect(parseQuantity(bad)).toBeUndefined();
  });
});
