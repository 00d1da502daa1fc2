import { LifecycleHook, StatelessApp, type StatelessAppProps } from '../../../lib/index.js';
import { find, synth, type KubeObj } from './util.js';

const podSpec = (objects: KubeObj[]) => find(objects, 'Deployment').spec.template.spec;
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));

describe('lifecycle hooks', () => {
  test('render exec, HTTP (first port by default) and sleep on the main container', () => {
    const c = podSpec(
      api({
        lifecycle: {
          postStart: LifecycleHook.exec(['sh', '-c', 'touch /tmp/started']),
          preStop: LifecycleHook.http('/drain', { headers: { 'X-Drain': '1' } }),
        },
      }),
    ).containers[0];
    expect(c.lifecycle).toEqual({
      postStart: { exec: { command: ['sh', '-c', 'touch /tmp/started'] } },
      preStop: { httpGet: { path: '/drain', port: 8080, httpHeaders: [{ name: 'X-Drain', value: '1' }] } },
    });
    expect(podSpec(api({ lifecycle: { preStop: LifecycleHook.sleep(5) } })).containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(podSpec(api()).containers[0].lifecycle).toBeUndefined();
  });

  test('render on sidecars, and are refused on init containers', () => {
    const spec = podSpec(api({ sidecars: [{ name: 'envoy', image: 'envoy:1', ports: [{ port: 9901 }], lifecycle: { preStop: LifecycleHook.http('/healthcheck/fail', { scheme: 'HTTP' }) } }] }));
    expect(spec.initContainers[0].lifecycle).toEqual({ preStop: { httpGet: { path: '/healthcheck/fail', port: 9901, scheme: 'HTTP' } } });
    expect(() => api({ initContainers: [{ name: 'setup', image: 's:1', lifecycle: { preStop: LifecycleHook.sleep(1) } } as never] })).toThrow(
      "shop/api: 'initContainers[0].lifecycle' is only for sidecars: an init container runs to completion before the next one starts; move it to 'sidecars' to keep it running",
    );
  });

  test('refuse a preStop sleep that the grace period would cut short', () => {
    expect(() => api({ lifecycle: { preStop: LifecycleHook.sleep(30) } })).toThrow(
      "shop/api: 'lifecycle.preStop.seconds' (30) is not less than the pod's terminationGracePeriodSeconds (30): the container would be killed before it gets SIGTERM; sleep less or raise 'terminationGracePeriodSeconds'",
    );
    expect(podSpec(api({ terminationGracePeriodSeconds: 60, lifecycle: { preStop: LifecycleHook.sleep(30) } })).containers[0].lifecycle.preStop.sleep.seconds).toBe(30);
    expect(() => api({ terminationGracePeriodSeconds: 5, sidecars: [{ name: 'p', image: 'p:1', lifecycle: { preStop: LifecycleHook.sleep(5) } }] })).toThrow(
      "'sidecars[0].lifecycle.preStop.seconds' (5) is not less than the pod's terminationGracePeriodSeconds (5)",
    );
    expect(podSpec(api({ lifecycle: { postStart: LifecycleHook.sleep(40) } })).containers[0].lifecycle.postStart.sleep.seconds).toBe(40);
  });

  test('refuse bad values, naming the prop', () => {
    expect(() => api({ lifecycle: { preStop: LifecycleHook.sleep(0) } })).toThrow("shop/api: 'lifecycle.preStop.seconds' (0) must be an integer >= 1");
    expect(() => api({ lifecycle: { postStart: LifecycleHook.exec([]) } })).toThrow(
      "shop/api: 'lifecycle.postStart.command' ([]) must be a non-empty list of strings, e.g. ['sh', '-c', 'nginx -s quit']",
    );
    expect(() => api({ lifecycle: { preStop: LifecycleHook.http('drain') } })).toThrow("shop/api: 'lifecycle.preStop.path' ('drain') must start with '/'");
    expect(() => api({ ports: [], lifecycle: { preStop: LifecycleHook.http('/drain') } })).toThrow("shop/api: 'lifecycle.preStop.port' (undefined) must be set when the container has no ports");
    expect(() => api({ lifecycle: { preStop: LifecycleHook.http('/drain', { headers: { 'X Drain': '1' } }) } })).toThrow(
      "shop/api: 'lifecycle.preStop.headers' key 'X Drain' is not an HTTP header name",
    );
    expect(() => api({ lifecycle: { preStop: { sleep: 5 } as never } })).toThrow(
      "shop/api: 'lifecycle.preStop' ({\"sleep\":5}) must be a LifecycleHook, e.g. LifecycleHook.sleep(5) or LifecycleHook.exec([...])",
    );
  });
});
