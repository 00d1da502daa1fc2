import { BatchJob, Probe, StatelessApp, type StatelessAppProps } from '../../../lib/index.js';
import { find, synth, type KubeObj } from './util.js';

const container = (objects: KubeObj[]) => find(objects, 'Deployment').spec.template.spec.containers[0];
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));

describe('gRPC probes', () => {
  test('renders a gRPC probe on the first port with the Kubernetes defaults left unset', () => {
    const c = container(api({ ports: [{ port: 9555, name: 'grpc' }], readiness: Probe.grpc() }));
    expect(c.readinessProbe).toEqual({ grpc: { port: 9555 } });
  });

  test('renders the port, the health service name and the timing on liveness, readiness and startup', () => {
    const c = container(
      api({
        liveness: Probe.grpc({ port: 9000, service: 'hipstershop.CartService', periodSeconds: 15 }),
        readiness: Probe.grpc({ service: '', successThreshold: 2 }),
        startup: Probe.grpc({ port: 9000, failureThreshold: 30 }),
      }),
    );
    expect(c.livenessProbe).toEqual({ grpc: { port: 9000, service: 'hipstershop.CartService' }, periodSeconds: 15 });
    expect(c.readinessProbe).toEqual({ grpc: { port: 8080, service: '' }, successThreshold: 2 });
    expect(c.startupProbe).toEqual({ grpc: { port: 9000 }, failureThreshold: 30 });
  });

  test('rejects a gRPC port out of range, naming the prop and the range', () => {
    expect(() => api({ liveness: Probe.grpc({ port: 70000 }) })).toThrow(
      "shop/api: 'liveness.port' (70000) must be a port number between 1 and 65535",
    );
    expect(() => api({ readiness: Probe.grpc({ port: 0 }) })).toThrow("shop/api: 'readiness.port' (0) must be a port number between 1 and 65535");
  });

  test('rejects a gRPC probe without a port on a workload without ports', () => {
    expect(() => synth((app) => new BatchJob(app, 'job', { image: 'job:1', liveness: Probe.grpc() }))).toThrow(
      "shop/job: 'liveness.port' (undefined) must be set when the workload has no 'ports'",
    );
  });

  test('rejects a health service name that is not a string, for apps written in JavaScript', () => {
    expect(() => api({ readiness: Probe.grpc({ service: 42 as unknown as string }) })).toThrow(
      "shop/api: 'readiness.service' (42) must be a string, the gRPC service name, e.g. 'hipstershop.CartService'",
    );
  });

  test('rejects a successThreshold above 1 on a gRPC liveness probe', () => {
    expect(() => api({ liveness: Probe.grpc({ successThreshold: 3 }) })).toThrow(
      "shop/api: 'liveness.successThreshold' (3) must be 1 for liveness and startup probes",
    );
  });
});

describe('HTTP probe headers', () => {
  test('renders headers as httpHeaders in the order given, with path, port and scheme', () => {
    const c = container(
      api({ readiness: Probe.http('/healthz', { headers: { Host: 'api.example.com', 'X-Probe': 'kubelet' }, scheme: 'HTTPS' }) }),
    );
    expect(c.readinessProbe).toEqual({
      httpGet: {
        path: '/healthz',
        port: 8080,
        scheme: 'HTTPS',
        httpHeaders: [
          { name: 'Host', value: 'api.example.com' },
          { name: 'X-Probe', value: 'kubelet' },
        ],
      },
    });
  });

  test('puts headers on liveness and startup probes too, and leaves out an empty header map', () => {
    const c = container(
      api({ liveness: Probe.http('/live', { headers: { 'X-Custom-Header': 'Awesome' } }), startup: Probe.http('/up', { headers: {} }) }),
    );
    expect(c.livenessProbe.httpGet.httpHeaders).toEqual([{ name: 'X-Custom-Header', value: 'Awesome' }]);
    expect(c.startupProbe.httpGet).toEqual({ path: '/up', port: 8080 });
  });

  test('rejects a header name that is not an HTTP token, quoting the name only and suggesting one', () => {
    expect(() => api({ readiness: Probe.http('/', { headers: { 'X Foo': 'bar' } }) })).toThrow(
      "shop/api: 'readiness.headers' key 'X Foo' is not an HTTP header name: use letters, digits and '-', e.g. 'X-Foo'",
    );
    expect(() => api({ liveness: Probe.http('/', { headers: { 'X_Token:': 'secret-value' } }) })).toThrow(
      "shop/api: 'liveness.headers' key 'X_Token:' is not an HTTP header name: use letters, digits and '-', e.g. 'X-Token'",
    );
    expect(() => api({ liveness: Probe.http('/', { headers: { 'X_Token:': 'secret-value' } }) })).not.toThrow(/secret-value/);
  });

  test('rejects the same header name twice in different case', () => {
    expect(() => api({ readiness: Probe.http('/', { headers: { 'X-Foo': 'a', 'x-foo': 'b' } }) })).toThrow(
      "shop/api: 'readiness.headers' key 'x-foo' repeats the header 'X-Foo': header names are case-insensitive; set it once",
    );
  });

  test('rejects a header value that is not a string without printing it', () => {
    expect(() => api({ readiness: Probe.http('/', { headers: { 'X-Foo': 1 as unknown as string } }) })).toThrow(
      "shop/api: 'readiness.headers' key 'X-Foo' has a number value: header values are strings",
    );
  });
});
