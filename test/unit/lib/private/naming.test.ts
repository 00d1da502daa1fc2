import { dns1035Problem, dns1123SubdomainProblem, objectName, shortHash } from '../../../../lib/private/naming.js';

describe('objectName', () => {
  test('joins release, service and suffix with dashes', () => {
    expect(objectName(['shop-prod', 'api'])).toBe('shop-prod-api');
    expect(objectName(['shop-prod', 'api', 'config'])).toBe('shop-prod-api-config');
  });

  test('keeps names of exactly 63 characters as they are', () => {
    const name = objectName(['r', 'a'.repeat(61)]);
    expect(name).toBe(`r-${'a'.repeat(61)}`);
    expect(name).toHaveLength(63);
  });

  test('truncates longer names to 63 characters ending in a stable hash of the full name', () => {
    const parts = ['a-very-long-release-name-for-production', 'an-equally-long-service-name', 'config'];
    const name = objectName(parts);
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^a-very-long-release-name-for-production-an-equally-lon-[0-9a-f]{8}$/);
    expect(name.endsWith(shortHash(parts.join('-')))).toBe(true);
    expect(objectName(parts)).toBe(name);
  });

  test('gives different truncated names to names that differ only at the end', () => {
    const a = objectName(['r'.repeat(40), 's'.repeat(30), 'config']);
    const b = objectName(['r'.repeat(40), 's'.repeat(30), 'secret']);
    expect(a).not.toBe(b);
    expect(a.slice(0, 54)).toBe(b.slice(0, 54));
  });

  test('does not leave a dash before the hash when the cut falls on one', () => {
    const name = objectName(['a'.repeat(53), 'b'.repeat(20)], 63);
    expect(name).not.toMatch(/--/);
    expect(name).toMatch(/^a{53}-[0-9a-f]{8}$/);
  });

  test('honours a smaller limit for controller names', () => {
    expect(objectName(['r'.repeat(30), 's'.repeat(30)], 52)).toHaveLength(52);
  });
});

describe('DNS checks', () => {
  test('accepts DNS-1035 labels', () => {
    expect(dns1035Problem('db-proxy')).toBeUndefined();
    expect(dns1035Problem('a1')).toBeUndefined();
  });

  test('names the offending characters', () => {
    expect(dns1035Problem('my_api')).toBe(
      "is not a DNS-1035 label (contains '_'): use lower-case letters, digits and '-', start with a letter and end with a letter or digit",
    );
    expect(dns1035Problem('Api')).toContain("contains 'A'");
  });

  test('rejects a leading digit, a trailing dash, empty and long names', () => {
    expect(dns1035Problem('1api')).toContain('does not start with a letter');
    expect(dns1035Problem('api-')).toContain("ends with '-'");
    expect(dns1035Problem('')).toBe('must not be empty');
    expect(dns1035Problem('a'.repeat(64))).toBe('is 64 characters long; the limit is 63');
  });

  test('checks host names as DNS-1123 subdomains', () => {
    expect(dns1123SubdomainProblem('shop.example.com')).toBeUndefined();
    expect(dns1123SubdomainProblem('shop..example.com')).toContain('is not a DNS-1123 subdomain');
  });
});
