import { parseLabelSelector } from '../../../src/model/label-selector.js';

const labels = { owner: 'berth', release: 'shop', 'app.kubernetes.io/name': 'api' };

describe('parseLabelSelector', () => {
  it.each([
    ['owner=berth', true],
    ['owner==berth', true],
    ['owner=helm', false],
    ['owner!=helm', true],
    ['release', true],
    ['chunk', false],
    ['!chunk', true],
    ['!release', false],
    ['app.kubernetes.io/name in (api, web)', true],
    ['app.kubernetes.io/name notin (api,web)', false],
    ['missing notin (a)', true],
    ['owner=berth,!chunk,release=shop', true],
    ['owner=berth,app.kubernetes.io/name in (web,db),release=shop', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it('rejects a requirement the API server cannot parse', () => {
    expect(() => parseLabelSelector('a in b')).toThrow('unable to parse requirement: "a in b"');
  });
});
