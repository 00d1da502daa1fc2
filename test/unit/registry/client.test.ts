import { packumentUrl, parsePackageSpec, pickVersion, type Packument } from '../../../src/registry/client.js';

const p: Packument = {
  name: '@berth/redis',
  'dist-tags': { latest: '1.2.0', next: '2.0.0-rc.1' },
  versions: Object.fromEntries(['1.0.0', '1.1.0', '1.2.0', '2.0.0-rc.1'].map((v) => [v, { name: '@berth/redis', version: v }])),
};

describe('parsePackageSpec', () => {
  it.each([
    ['@berth/redis', { name: '@berth/redis', range: undefined }],
    ['@berth/redis@^1', { name: '@berth/redis', range: '^1' }],
    ['@berth/redis@next', { name: '@berth/redis', range: 'next' }],
  ])('reads %s', (spec, want) => {
    expect(parsePackageSpec(spec)).toEqual(want);
  });

  it('refuses a name with capitals and an empty range, saying what a spec looks like', () => {
    expect(() => parsePackageSpec('@Berth/Redis')).toThrow("'@Berth/Redis' is not a package name with an optional version range");
    expect(() => parsePackageSpec('@berth/redis@')).toThrow("'@berth/redis@' is not a package name");
    expect(() => parsePackageSpec('@berth/redis@>=x y')).toThrow("'>=x y' in '@berth/redis@>=x y' is neither a semver range nor a dist-tag");
  });
});

describe('pickVersion', () => {
  it('takes latest without a range, a dist-tag by name, and the highest match of a range', () => {
    expect(pickVersion(p, undefined, 'r')).toBe('1.2.0');
    expect(pickVersion(p, 'next', 'r')).toBe('2.0.0-rc.1');
    expect(pickVersion(p, '~1.1', 'r')).toBe('1.1.0');
  });

  it('lists the published versions and dist-tags when nothing matches', () => {
    expect(() => pickVersion(p, '^3', 'http://127.0.0.1:4873/')).toThrow("no version of @berth/redis matches '^3' in http://127.0.0.1:4873/");
    try {
      pickVersion(p, '^3', 'r');
    } catch (err) {
      expect((err as { hint: string }).hint).toBe('published versions: 1.0.0, 1.1.0, 1.2.0, 2.0.0-rc.1; dist-tags: latest=1.2.0, next=2.0.0-rc.1');
    }
  });
});

describe('packumentUrl', () => {
  it('encodes the slash of a scoped name as npm does', () => {
    expect(packumentUrl('http://127.0.0.1:4873/', '@berth/redis')).toBe('http://127.0.0.1:4873/@berth%2Fredis');
  });
});
