import { JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { override, StatelessApp } from '../../../lib/index.js';
import { find, makeApp, synth } from './util.js';

describe('override', () => {
  test('sets fields of a Berth object by dot path, list index, quoted key and JSON pointer, creating what is missing', () => {
    const objects = synth((app) => {
      const web = new StatelessApp(app, 'web', { image: 'web:1', ports: [{ port: 8080 }] });
      override(web.deployment, 'spec.template.spec.dnsPolicy', 'None');
      override(web.deployment, 'spec.template.spec.containers[0].stdin', true);
      override(web.deployment, 'spec.template.spec.containers.0.tty', true);
      override(web.service!, 'metadata.annotations["prometheus.io/scrape"]', 'true');
      override(web.deployment, '/spec/progressDeadlineSeconds', 120);
      override(web.deployment, 'spec.template.spec.hostAliases[-]', { ip: '10.0.0.1', hostnames: ['db'] });
    });
    const deployment = find(objects, 'Deployment');
    expect(deployment.spec.template.spec.dnsPolicy).toBe('None');
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ name: 'web', image: 'web:1', stdin: true, tty: true });
    expect(deployment.spec.progressDeadlineSeconds).toBe(120);
    expect(deployment.spec.template.spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['db'] }]);
    expect(find(objects, 'Service').metadata.annotations).toEqual({ 'berth.dev/release': 'prod/shop-prod', 'prometheus.io/scrape': 'true' });
  });

  test('removes a field with undefined, runs after addJsonPatch, and the later override of a field wins', () => {
    const objects = synth((app) => {
      const web = new StatelessApp(app, 'web', { image: 'web:1' });
      override(web.deployment, 'spec.replicas', 5);
      web.deployment.addJsonPatch(JsonPatch.replace('/spec/replicas', 2));
      override(web.deployment, 'spec.replicas', 7);
      override(web.deployment, 'spec.template.spec.automountServiceAccountToken', undefined);
      override(web.deployment, 'spec.not.there', undefined);
    });
    const spec = find(objects, 'Deployment').spec;
    expect(spec.replicas).toBe(7);
    expect('automountServiceAccountToken' in spec.template.spec).toBe(false);
    expect(spec.not).toBeUndefined();
  });

  test('takes a cdk8s-plus construct through its default child', () => {
    const objects = synth((app) => {
      const cm = new kplus.ConfigMap(app, 'settings', { data: { a: '1' } });
      override(cm, 'data.b', '2');
    });
    expect(find(objects, 'ConfigMap').data).toEqual({ a: '1', b: '2' });
  });

  test('refuses a malformed path where it is called, and a path through a scalar when the object is rendered', () => {
    const app = makeApp();
    const web = new StatelessApp(app, 'web', { image: 'web:1' });
    expect(() => override(web.deployment, 'spec..replicas', 1)).toThrow(
      "shop/web/Deployment: override path 'spec..replicas' is not valid at character 5: use keys separated by '.', [n] for a list index and [\"key\"] for a key with dots, or a JSON pointer ('/spec/replicas')",
    );
    expect(() => override(web.deployment, '', 1)).toThrow("shop/web/Deployment: override path '' is empty: name the field to set, e.g. 'spec.replicas'");
    override(web.deployment, 'spec.replicas.value', 1);
    expect(() => web.deployment.toJson()).toThrow("shop/web/Deployment: override 'spec.replicas.value' cannot go into spec.replicas: it is 1, not an object or a list");
    const other = new StatelessApp(app, 'other', { image: 'other:1' });
    override(other.deployment, 'spec.template.spec.containers[3].image', 'x');
    expect(() => other.deployment.toJson()).toThrow("shop/other/Deployment: override 'spec.template.spec.containers[3].image' cannot use 3 as an index of spec.template.spec.containers, a list of 1");
  });
});
