import { StatefulApp, type StatefulAppProps } from '../../../lib/index.js';
import { find, makeApp, synth } from './util.js';

const db = (props: Partial<StatefulAppProps> = {}) =>
  synth((app) => new StatefulApp(app, 'db', { image: 'postgres:16.4', ports: [{ port: 5432, name: 'postgres' }], ...props }));

describe('StatefulApp', () => {
  test('renders a StatefulSet, a headless Service and a client Service', () => {
    const objects = db();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/shop-prod-db-headless',
      'Service/shop-prod-db',
      'StatefulSet/shop-prod-db',
    ]);
    const headless = find(objects, 'Service', 'shop-prod-db-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(find(objects, 'Service', 'shop-prod-db').spec.clusterIP).toBeUndefined();
    const sts = find(objects, 'StatefulSet');
    expect(sts.spec.serviceName).toBe('shop-prod-db-headless');
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.replicas).toBe(1);
  });

  test('renders per-replica volumes mounted into the container, with the fields the API server defaults in each claim', () => {
    const sts = find(
      db({
        storage: [
          { name: 'data', mountPath: '/var/lib/postgresql/data', size: '10Gi', storageClassName: 'fast' },
          { name: 'wal', mountPath: '/wal', size: '2Gi', accessModes: ['ReadWriteOncePod'] },
        ],
      }),
      'StatefulSet',
    );
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', labels: expect.not.objectContaining({ 'app.kubernetes.io/version': expect.anything() }) },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'wal', labels: expect.objectContaining({ 'app.kubernetes.io/name': 'db' }) },
        spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '2Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ]);
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'wal', mountPath: '/wal' },
    ]);
  });

  test('renders Parallel pod management, a partition and OnDelete', () => {
    const sts = find(db({ replicas: 3, podManagementPolicy: 'Parallel', partition: 2 }), 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(find(db({ updateStrategy: 'OnDelete' }), 'StatefulSet').spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('gives the stable per-pod DNS names', () => {
    const app = makeApp();
    const pg = new StatefulApp(app, 'db', { image: 'postgres:16.4', replicas: 3, ports: [{ port: 5432 }] });
    expect(pg.podDnsNames).toEqual([
      'shop-prod-db-0.shop-prod-db-headless',
      'shop-prod-db-1.shop-prod-db-headless',
      'shop-prod-db-2.shop-prod-db-headless',
    ]);
    expect(pg.podFqdns[0]).toBe('shop-prod-db-0.shop-prod-db-headless.prod.svc.cluster.local');
    expect(pg.host).toBe('shop-prod-db');
  });

  test('keeps StatefulSet names to 52 characters so pod names and revision labels fit', () => {
    const app = makeApp({ name: 'a-rather-long-release-name-for-this', namespace: 'prod', env: 'prod' });
    const s = new StatefulApp(app, 'database-primary-1', { image: 'postgres:16.4' });
    expect(s.statefulSetName).toHaveLength(52);
    expect(s.statefulSetName).toMatch(/^a-rather-long-release-name-for-this-databas-[0-9a-f]{8}$/);
    expect(s.headlessServiceName).toBe('a-rather-long-release-name-for-this-database-primary-1-headless');
    expect(s.resourceName).toBe('a-rather-long-release-name-for-this-database-primary-1');
  });

  test('rejects bad replicas, partitions and storage naming the prop', () => {
    expect(() => db({ replicas: -1 })).toThrow("shop/db: 'replicas' (-1) must be an integer >= 0");
    expect(() => db({ partition: -2 })).toThrow("shop/db: 'partition' (-2) must be an integer >= 0");
    expect(() => db({ updateStrategy: 'OnDelete', partition: 1 })).toThrow(
      "shop/db: 'partition' (1) only applies to updateStrategy 'RollingUpdate'",
    );
    expect(() => db({ storage: [{ name: 'data', mountPath: '/data', size: '10 GB' }] })).toThrow(
      "shop/db: 'storage[0].size' ('10 GB') is not a Kubernetes quantity: use a number with an optional unit, e.g. '10Gi'",
    );
    expect(() => db({ storage: [{ name: 'Data', mountPath: '/data', size: '1Gi' }] })).toThrow("shop/db: 'storage[0].name' ('Data') is not a DNS-1123 label");
    expect(() => db({ storage: [{ name: 'data', mountPath: 'data', size: '1Gi' }] })).toThrow(
      "shop/db: 'storage[0].mountPath' ('data') must be an absolute path, e.g. '/data'",
    );
    expect(() =>
      db({ storage: [{ name: 'data', mountPath: '/a', size: '1Gi' }, { name: 'data', mountPath: '/b', size: '1Gi' }] }),
    ).toThrow("shop/db: 'storage[1].name' ('data') is used twice: storage names must be unique");
    expect(() => db({ storage: [{ name: 'data', mountPath: '/data', size: '1Gi', accessModes: [] }] })).toThrow(
      "shop/db: 'storage[0].accessModes' ([]) must list at least one mode, e.g. ['ReadWriteOnce']",
    );
  });

  test('matches the snapshot', () => {
    expect(
      db({ replicas: 2, storage: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '10Gi' }], secretConfig: { POSTGRES_PASSWORD: 'x' } }),
    ).toMatchSnapshot();
  });
});
