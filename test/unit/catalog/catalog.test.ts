import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, TEMPLATES, packageJson, podSpec, render, type TemplateName } from './catalog.js';
import { configTable, readmeOf, TABLE_END, TABLE_START, withTable } from './readme-table.js';
import type { KubeObj } from '../lib/util.js';
import { backupScript } from '../../../lib/catalog/db-backup/index.js';
import { fluentBitArgs } from '../../../lib/catalog/log-agent/index.js';
import { serverConf } from '../../../lib/catalog/nginx/index.js';

const workloadOf = (objects: KubeObj[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe.each(TEMPLATES)('lib/catalog/$name', (t) => {
  let objects: KubeObj[];
  beforeAll(async () => {
    objects = await render(t.name);
  });

  test('renders the same objects as last time (snapshot)', () => {
    expect(objects).toMatchSnapshot();
  });

  test('runs as the uid and gid its README documents for the image, with the data directory mounted where the image keeps it', () => {
    const pod = podSpec(workloadOf(objects, t.kind));
    const main = pod.containers.find((c: { name: string }) => c.name === t.service);
    expect(main.securityContext).toMatchObject({ runAsUser: t.uid, runAsGroup: t.uid, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(main.securityContext.runAsNonRoot).toBe(t.uid !== 0);
    // Only the templates that write a volume need its group.
    if (t.kind === 'StatefulSet' || t.kind === 'CronJob') expect(pod.securityContext.fsGroup).toBe(t.uid);
    const readme = readFileSync(join(CATALOG, t.name, 'README.md'), 'utf8');
    expect(readme).toContain(`uid ${t.uid}, gid ${t.uid}`);
    expect(readme).toContain(t.dataDir);
    if (t.name !== 'nginx') {
      expect(main.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain(t.dataDir);
    } else {
      // nginx serves the image's own files and mounts nothing over them.
      expect(main.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).not.toContain(t.dataDir);
    }
  });

  test('never renders a password: secret config reaches the pod only through the generated Secret', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret');
    const others = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    expect(others).not.toContain('placeholder');
    if (t.name === 'nginx' || t.name === 'log-agent') {
      expect(secrets).toEqual([]);
      return;
    }
    expect(secrets.map((s) => s.metadata.name)).toEqual([`r-${t.service}-secret`]);
    expect(secrets[0]!.stringData).toBeUndefined();
  });

  test('sets requests and a memory limit on every container, and probes on long-running ones', () => {
    const pod = podSpec(workloadOf(objects, t.kind));
    for (const c of pod.containers) {
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBe(c.resources.requests.memory);
      expect(c.resources.limits.cpu).toBeUndefined();
      if (t.kind !== 'CronJob') expect(c.readinessProbe).toBeDefined();
      if (t.kind !== 'CronJob') expect(c.livenessProbe).toBeDefined();
    }
  });

  test('pins its image by tag', () => {
    const image: string = podSpec(workloadOf(objects, t.kind)).containers[0].image;
    expect(image).toMatch(/:[0-9]+\.[0-9]+(\.[0-9]+)?$/);
  });

  test('has a package.json as the template contract says, version 1.0.0 in the @berth scope', () => {
    const pkg = packageJson(t.name);
    expect(pkg).toMatchObject({
      name: `@berth/${t.name}`,
      version: '1.0.0',
      type: 'module',
      main: './dist/index.js',
      types: './dist/index.d.ts',
      files: ['dist', 'README.md'],
      peerDependencies: { berth: '^0.1.0' },
      license: 'Apache-2.0',
    });
    expect(pkg.description.length).toBeGreaterThan(20);
    expect(pkg.keywords).toContain('berth-template');
  });

  test("has a README whose config table is what `berth schema` prints for the template's config", () => {
    expect(readmeOf(t.name)).toContain(`${TABLE_START}\n${configTable(t.name)}\n${TABLE_END}`);
  });
});

describe('the README table check', () => {
  test('fails on a table that differs from the schema, and is rewritten from it', () => {
    const current = readmeOf('redis');
    const stale = current.replace('| `maxMemory` |', '| `maxMem` |');
    expect(stale).not.toBe(current);
    expect(stale).not.toContain(`${TABLE_START}\n${configTable('redis')}\n${TABLE_END}`);
    expect(withTable(stale, configTable('redis'))).toBe(current);
    expect(() => withTable('# no table', configTable('redis'))).toThrow('the README has no generated config table');
  });

  test('lists every template in lib/catalog/README.md', () => {
    const index = readFileSync(join(CATALOG, 'README.md'), 'utf8');
    for (const t of TEMPLATES) expect(index).toContain(`[\`@berth/${t.name}\`](${t.name}/README.md)`);
  });
});

describe('template specifics', () => {
  const names = (objects: KubeObj[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

  test('postgresql keeps PGDATA in a directory inside the volume, so lost+found at its root does not stop initdb', async () => {
    const objects = await render('postgresql');
    expect(workloadOf(objects, 'ConfigMap').data).toEqual({ POSTGRES_DB: 'app', POSTGRES_USER: 'app', PGDATA: '/var/lib/postgresql/data/pgdata' });
    const sts = workloadOf(objects, 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(sts.spec.template.spec.containers[0].readinessProbe.exec.command).toEqual(['pg_isready', '-U', 'app', '-d', 'app']);
  });

  test('postgresql takes the storage size and class from config', async () => {
    const objects = await render('postgresql', { password: 'x', storage: { size: '50Gi', storageClass: 'fast' } });
    const claim = workloadOf(objects, 'StatefulSet').spec.volumeClaimTemplates[0];
    expect(claim.spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } });
  });

  test('redis starts with a config file written from its Secret, so the password is on no command line', async () => {
    const objects = await render('redis', { password: 'p"w\\d' });
    const c = workloadOf(objects, 'StatefulSet').spec.template.spec.containers[0];
    expect(c.command[2]).toContain('exec redis-server /run/redis/auth.conf --dir /data --appendonly yes --maxmemory 256mb --maxmemory-policy noeviction');
    expect(JSON.stringify(c)).not.toContain('p"w');
    const secret = workloadOf(objects, 'Secret');
    expect(Object.keys(secret.data).sort()).toEqual(['REDISCLI_AUTH', 'REDIS_PASSWORD']);
  });

  test('redis as a cache: no append-only file, LRU eviction', async () => {
    const objects = await render('redis', { password: 'x', appendOnly: false, maxMemoryPolicy: 'allkeys-lru' });
    expect(workloadOf(objects, 'StatefulSet').spec.template.spec.containers[0].command[2]).toContain('--appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru');
  });

  test('nginx: two replicas with a PodDisruptionBudget; one replica has none; an Ingress only with a host', async () => {
    expect(names(await render('nginx'))).toEqual(['ConfigMap/r-nginx-config', 'Deployment/r-nginx', 'PodDisruptionBudget/r-nginx', 'Service/r-nginx']);
    expect(names(await render('nginx', { replicas: 1, host: 'www.example.com' }))).toEqual([
      'ConfigMap/r-nginx-config',
      'Deployment/r-nginx',
      'Ingress/r-nginx',
      'Service/r-nginx',
    ]);
  });

  test('nginx proxies to the upstream when one is set, and always answers /healthz itself', () => {
    const proxy = serverConf({ upstream: 'http://api:8080', maxBodySize: '10m' });
    expect(proxy).toContain('proxy_pass http://api:8080;');
    expect(proxy).toContain('client_max_body_size 10m;');
    expect(proxy).toContain("location = /healthz {\n    access_log off;\n    return 200 'ok';");
    expect(serverConf({})).toContain('root /usr/share/nginx/html;');
    expect(serverConf({})).not.toContain('proxy_pass');
  });

  test('log-agent reads /var/log read-only, prints to stdout by default and forwards when told', async () => {
    const ds = workloadOf(await render('log-agent'), 'DaemonSet');
    const pod = ds.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'varlog', mountPath: '/var/log', readOnly: true });
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.containers[0].args).toEqual(fluentBitArgs({}));
    expect(fluentBitArgs({})).toEqual(expect.arrayContaining(['-o', 'stdout']));
    const fwd = fluentBitArgs({ forward: { host: 'fluentd.logging.svc', tls: true } }).join(' ');
    expect(fwd).toContain('-o forward -p host=fluentd.logging.svc -p port=24224 -p tls=on -p match=*');
  });

  test('db-backup: a CronJob that never overlaps, writing to the existing claim', async () => {
    const objects = await render('db-backup');
    expect(names(objects)).toEqual(['ConfigMap/r-backup-config', 'CronJob/r-backup', 'Secret/r-backup-secret']);
    const cron = workloadOf(objects, 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', suspend: false });
    const pod = podSpec(cron);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'db-backups' } });
    expect(pod.containers[0].image).toBe('postgres:17.2');
    expect(Object.keys(workloadOf(objects, 'Secret').data)).toEqual(['PGPASSWORD']);
    expect(workloadOf(objects, 'ConfigMap').data).toEqual({ DB_HOST: 'db-postgresql', DB_PORT: '5432', DB_NAME: 'app', DB_USER: 'app', KEEP: '7' });
  });

  test('db-backup for mariadb uses mariadb-dump with the password in an option file, not on the command line', async () => {
    const objects = await render('db-backup', { engine: 'mariadb', host: 'db-mariadb', database: 'app', user: 'app', password: 'x', claimName: 'b' });
    const pod = podSpec(workloadOf(objects, 'CronJob'));
    expect(pod.containers[0].image).toBe('mariadb:11.4.4');
    expect(Object.keys(workloadOf(objects, 'Secret').data)).toEqual(['DB_PASSWORD']);
    expect(workloadOf(objects, 'ConfigMap').data.DB_PORT).toBe('3306');
    const script = backupScript('mariadb');
    expect(script).toContain('--defaults-extra-file=/tmp/client.cnf');
    expect(script).not.toMatch(/-p\s*"\$DB_PASSWORD"|--password=/);
    expect(script).toContain('mv "$out.partial" "$out.sql.gz"');
  });

  test.each(TEMPLATES.map((t) => t.name))('%s is not part of the berth package API', (name: TemplateName) => {
    expect(readFileSync(join(CATALOG, '..', 'index.ts'), 'utf8')).not.toContain(`catalog/${name}`);
  });
});
