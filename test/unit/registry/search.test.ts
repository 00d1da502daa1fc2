import { catalogEntry, matchEntry, type CatalogEntry } from '../../../src/registry/search.js';
import type { Packument } from '../../../src/registry/client.js';

const berth = {
  apiVersion: 1,
  engine: '^0.1.0',
  app: 'postgresql',
  config: {
    type: 'object',
    properties: { image: { type: 'string' }, auth: { type: 'object', properties: { password: { type: 'string', 'x-berth-secret': true } } } },
  },
  defaults: {},
  services: [{ name: 'db', kind: 'StatefulApp' }],
  kinds: ['Service', 'StatefulSet'],
  sample: { env: 'default', release: 'sample', namespace: 'default', digest: `sha256:${'0'.repeat(64)}` },
};

function packument(versions: Record<string, object>, latest: string): Packument {
  return {
    name: '@berth/postgresql',
    'dist-tags': { latest },
    versions: Object.fromEntries(Object.entries(versions).map(([v, extra]) => [v, { name: '@berth/postgresql', version: v, ...extra }])),
  };
}

const entry: CatalogEntry = catalogEntry(
  packument({ '1.0.0': { description: 'Relational database server', keywords: ['rdbms', 'database'], berth } }, '1.0.0'),
  'http://127.0.0.1:4873/',
)!;

describe('catalogEntry', () => {
  it('takes the latest version with its config field paths', () => {
    expect(entry).toMatchObject({ name: '@berth/postgresql', version: '1.0.0', fields: ['image', 'auth', 'auth.password'], kinds: ['Service', 'StatefulSet'] });
  });

  it('leaves out a package whose latest version is not a valid template', () => {
    expect(catalogEntry(packument({ '1.0.0': { description: 'x' } }, '1.0.0'), 'r')).toBeUndefined();
    expect(catalogEntry(packument({ '1.0.0': { berth: { ...berth, apiVersion: 9 } } }, '1.0.0'), 'r')).toBeUndefined();
  });
});

describe('matchEntry', () => {
  it.each([
    [['postgres'], ['name']],
    [['RELATIONAL'], ['description']],
    [['rdbms'], ['keyword rdbms']],
    [['password'], ['config field auth.password']],
    [['database', 'password'], ['description', 'config field auth.password']],
    [[], []],
  ])('matches %j on %j', (words, on) => {
    expect(matchEntry(entry, words)?.on).toEqual(on);
  });

  it('needs every word to match somewhere', () => {
    expect(matchEntry(entry, ['database', 'redis'])).toBeUndefined();
  });
});
