import { createHash } from 'node:crypto';
import { checkIntegrity, packumentUrl, parsePackageSpec, pickVersion, type Packument } from '../../../src/registry/client.js';

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
      expect((err as { hint: string }).hint).toBe('newest versions: 2.0.0-rc.1, 1.2.0, 1.1.0, 1.0.0; dist-tags: latest=1.2.0, next=2.0.0-rc.1');
    }
  });
});

describe('packumentUrl', () => {
  it('encodes the slash of a scoped name as npm does', () => {
    expect(packumentUrl('http://127.0.0.1:4873/', '@berth/redis')).toBe('http://127.0.0.1:4873/@berth%2Fredis');
  });
});

describe('pickVersion over many versions', () => {
  const versions = ['0.9.0', '1.0.0', '1.1.0', '1.2.0-rc.1', '1.10.2', '2.0.0', '2.1.0', '3.0.0-beta.1'];
  const packument: Packument = {
    name: '@acme/db',
    'dist-tags': { latest: '2.1.0', next: '3.0.0-beta.1' },
    versions: Object.fromEntries(versions.map((v) => [v, { name: '@acme/db', version: v }])),
  };

  it('takes the newest version in the range (numeric, not string order; no prereleases)', () => {
    expect(pickVersion(packument, '^1', 'http://r/')).toBe('1.10.2');
    expect(pickVersion(packument, '~1.1', 'http://r/')).toBe('1.1.0');
    expect(pickVersion(packument, '1.0.0', 'http://r/')).toBe('1.0.0');
    expect(pickVersion(packument, '*', 'http://r/')).toBe('2.1.0');
  });

  it('takes dist-tags', () => {
    expect(pickVersion(packument, 'latest', 'http://r/')).toBe('2.1.0');
    expect(pickVersion(packument, 'next', 'http://r/')).toBe('3.0.0-beta.1');
  });

  it('lists the newest few versions when nothing matches', () => {
    expect(() => pickVersion(packument, '^4', 'http://r/')).toThrow("no version of @acme/db matches '^4' in http://r/");
    try {
      pickVersion(packument, '^4', 'http://r/');
    } catch (err) {
      expect((err as { hint: string }).hint).toBe('newest versions: 3.0.0-beta.1, 2.1.0, 2.0.0, 1.10.2, 1.2.0-rc.1 (of 8); dist-tags: latest=2.1.0, next=3.0.0-beta.1');
    }
  });
});

describe('checkIntegrity', () => {
  const tarball = Buffer.from('not really a tarball');
  const sha512 = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;

  it('accepts the registry sha512 and returns it', () => {
    expect(checkIntegrity(tarball, sha512, '@acme/db@1.0.0')).toBe(sha512);
    expect(checkIntegrity(tarball, `sha1-${createHash('sha1').update(tarball).digest('base64')} ${sha512}`, '@acme/db@1.0.0')).toBe(sha512);
  });

  it('refuses a tarball whose bytes differ, naming both hashes', () => {
    const other = createHash('sha512').update('other').digest('base64');
    expect(() => checkIntegrity(tarball, `sha512-${other}`, '@acme/db@1.1.0')).toThrow(
      `tarball of @acme/db@1.1.0 does not match the registry's sha512 ${other} (got ${sha512.slice(7)}): refusing to use it`,
    );
  });
});
