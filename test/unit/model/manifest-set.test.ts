import { compareNames } from '../../../src/model/manifest-set.js';

describe('compareNames', () => {
  it("compares lowercase names, digits, '-' and '.' without the collator exactly as the collator does", () => {
    const alphabet = [...'-.0123456789abcdefghijklmnopqrstuvwxyz'];
    let level = [''];
    const all = [''];
    for (let length = 1; length <= 3; length++) {
      level = level.flatMap((s) => alphabet.map((c) => s + c));
      all.push(...level);
    }
    const collator = new Intl.Collator('en');
    const shuffled = all.map((_, i) => all[(i * 7919) % all.length]!);
    expect([...shuffled].sort(compareNames)).toEqual([...shuffled].sort(collator.compare));
    const sign = (n: number) => Math.sign(n);
    for (const [a, b] of [['svc-10', 'svc-9'], ['a.b', 'a-b'], ['a', 'a-'], ['web', 'Web'], ['é', 'e'], ['x_y', 'x-y']]) {
      expect(sign(compareNames(a!, b!))).toBe(sign(collator.compare(a!, b!)));
      expect(sign(compareNames(b!, a!))).toBe(sign(collator.compare(b!, a!)));
    }
  });
});
