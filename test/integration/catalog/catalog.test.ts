import { join } from 'node:path';
import { applyYaml, getJson, kubectl, listJson, STORAGE_CLASS, testNamespaces, waitFor } from '../harness.js';
import { berth } from '../deploy/helpers.js';
import { CATALOG, TEMPLATES } from '../../unit/catalog/catalog.js';

const namespace = testNamespaces();

/** Release of each template; `db` because db-backup's env/default.ts backs up the `db` release of @berth/postgresql. */
const RELEASES: Record<(typeof TEMPLATES)[number]['name'], string> = {
  postgresql: 'db',
  mariadb: 'maria',
  redis: 'cache',
  nginx: 'web',
  'log-agent': 'logs',
  'db-backup': 'db-backup',
};

/** The claims that must be Bound: one per StatefulSet replica, and the backup's own claim made outside any release. */
const CLAIMS = ['data-db-postgresql-0', 'data-maria-mariadb-0', 'data-cache-redis-0', 'db-backups'];

const workloadName = (t: (typeof TEMPLATES)[number]) => `${RELEASES[t.name]}-${t.service}`;

describe('the catalog on the local control plane', () => {
  it('deploys every template to Ready with bound volumes, the documented user and data directory, runs a backup, and uninstalls', async () => {
    const ns = await namespace('catalog');
    await applyYaml(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'db-backups' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: STORAGE_CLASS, resources: { requests: { storage: '1Gi' } } },
      },
      ns,
    );

    // `berth deploy` waits for readiness itself: exit 0 means every workload of the release is Ready.
    const deploys = await Promise.all(
      TEMPLATES.map((t) => berth('deploy', join(CATALOG, t.name), '--env', 'default', '-r', RELEASES[t.name], '-n', ns, '--timeout', '120s')),
    );
    deploys.forEach((d, i) => expect({ template: TEMPLATES[i]!.name, code: d.code, stderr: d.code === 0 ? '' : d.stderr }).toEqual({ template: TEMPLATES[i]!.name, code: 0, stderr: '' }));

    for (const t of TEMPLATES) {
      const name = workloadName(t);
      const w = await getJson(t.kind.toLowerCase(), name, ns);
      if (t.kind === 'StatefulSet') expect(w.status.readyReplicas).toBe(1);
      if (t.kind === 'Deployment') expect(w.status.availableReplicas).toBe(2);
      if (t.kind === 'DaemonSet') {
        expect(w.status.desiredNumberScheduled).toBeGreaterThan(0);
        expect(w.status.numberReady).toBe(w.status.desiredNumberScheduled);
      }
    }
    for (const claim of CLAIMS) expect({ claim, phase: (await getJson('pvc', claim, ns)).status.phase }).toEqual({ claim, phase: 'Bound' });

    // The backup: a Job made from the CronJob, as an operator would for a backup right now; kwok completes its pod.
    const backup = TEMPLATES.find((t) => t.name === 'db-backup')!;
    await kubectl(['create', 'job', '--from', `cronjob/${workloadName(backup)}`, 'backup-now', '-n', ns]);
    const job = await waitFor(
      async () => {
        const j = await getJson('job', 'backup-now', ns);
        return (j?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True') && j;
      },
      { what: `job ${ns}/backup-now complete`, timeoutMs: 60_000 },
    );
    expect(job.status.succeeded).toBe(1);

    // What the API server holds for the running pods: the documented uid/gid, the data directory on the right volume.
    const pods = await listJson('pods', ns);
    for (const t of TEMPLATES) {
      const pod = pods.find((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === RELEASES[t.name] && p.metadata.labels?.['app.kubernetes.io/name'] === t.service);
      expect({ template: t.name, found: pod !== undefined }).toEqual({ template: t.name, found: true });
      const main = pod.spec.containers.find((c: { name: string }) => c.name === t.service);
      expect({ template: t.name, runAsUser: main.securityContext.runAsUser, runAsGroup: main.securityContext.runAsGroup, readOnlyRootFilesystem: main.securityContext.readOnlyRootFilesystem }).toEqual({
        template: t.name,
        runAsUser: t.uid,
        runAsGroup: t.uid,
        readOnlyRootFilesystem: true,
      });
      const mount = main.volumeMounts.find((m: { mountPath: string }) => m.mountPath === t.dataDir);
      const volume = mount && pod.spec.volumes.find((v: { name: string }) => v.name === mount.name);
      if (t.kind === 'StatefulSet' || t.kind === 'CronJob') {
        expect({ template: t.name, fsGroup: pod.spec.securityContext.fsGroup }).toEqual({ template: t.name, fsGroup: t.uid });
        const claim = t.kind === 'CronJob' ? 'db-backups' : `data-${workloadName(t)}-0`;
        expect({ template: t.name, claim: volume?.persistentVolumeClaim?.claimName }).toEqual({ template: t.name, claim });
      } else if (t.kind === 'DaemonSet') {
        expect({ hostPath: volume?.hostPath?.path, readOnly: mount?.readOnly }).toEqual({ hostPath: '/var/log', readOnly: true });
      } else {
        // nginx serves the image's files: nothing is mounted over its html directory.
        expect(mount).toBeUndefined();
      }
    }

    const uninstalls = await Promise.all(TEMPLATES.map((t) => berth('uninstall', RELEASES[t.name], '-n', ns)));
    uninstalls.forEach((u, i) => expect({ template: TEMPLATES[i]!.name, code: u.code }).toEqual({ template: TEMPLATES[i]!.name, code: 0 }));
    for (const kind of ['statefulsets', 'deployments', 'daemonsets', 'cronjobs']) {
      expect(await listJson(kind, ns, 'app.kubernetes.io/managed-by=berth')).toEqual([]);
    }
  });
});
