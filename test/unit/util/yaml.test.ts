import { parse } from 'yaml';
import { manifestsToYaml } from '../../../src/release/queries.js';
import { toYaml, toYamlDocuments } from '../../../src/util/yaml.js';

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'no', b: 'on', c: '0755', d: 'plain', e: 'y' } };

describe('toYamlDocuments', () => {
  it('quotes strings that YAML 1.1 readers such as kubectl would turn into booleans or numbers', () => {
    const yaml = toYamlDocuments([configMap]);
    expect(parse(yaml, { version: '1.1' }).data).toEqual(configMap.data);
    expect(yaml).toContain("a: 'no'");
    expect(yaml).toContain('d: plain');
  });

  it('separates documents with ---, as kubectl apply -f reads a stream', () => {
    const yaml = toYamlDocuments([configMap, { ...configMap, metadata: { name: 'y' } }]);
    expect(yaml.split('---\n')).toHaveLength(2);
    expect(yaml.split('---\n').map((d) => parse(d).metadata.name)).toEqual(['x', 'y']);
  });
});

describe('toYaml', () => {
  it('keeps the key order of the object (diffs read in the order objects are written)', () => {
    expect(toYaml({ z: 1, a: 2 })).toBe('z: 1\na: 2\n');
  });
});

describe('berth get manifest (manifestsToYaml)', () => {
  it('prints a config value "no" quoted, as synth does, so kubectl reads a string', () => {
    const yaml = manifestsToYaml([configMap]);
    expect(yaml).toBe(toYamlDocuments([configMap]));
    expect(parse(yaml, { version: '1.1' }).data.a).toBe('no');
  });
});
