import { parseAllDocuments } from 'yaml';
import {
  ANNOTATION_FAIL,
  ANNOTATION_IMAGE_PULL_FAIL,
  ANNOTATION_NEVER_READY,
  IMAGE_PULL_FAIL_MESSAGE,
  criLogLine,
  initialContainerLogs,
  kwokConfigYaml,
  stages,
  storageClassManifest,
} from '../../../src/cluster/kwok-config.js';

type Expr = { key?: string; operator?: string; values?: string[]; cel?: { expression: string } };
const exprs = (name: string): Expr[] => {
  const s = stages().find((x) => (x.metadata as { name: string }).name === name);
  if (!s) throw new Error(`no stage ${name}`);
  return ((s.spec as { selector: { matchExpressions: Expr[] } }).selector.matchExpressions);
};
const annotationKey = (a: string) => `.metadata.annotations["${a}"]`;

describe('kwok stages', () => {
  it('keep the ordinary pod-ready and pod-complete stages away from pods with an injection annotation', () => {
    for (const name of ['pod-ready', 'pod-complete']) {
      expect(exprs(name)).toEqual(
        expect.arrayContaining([
          { key: annotationKey(ANNOTATION_NEVER_READY), operator: 'NotIn', values: ['true'] },
          { key: annotationKey(ANNOTATION_FAIL), operator: 'NotIn', values: ['true'] },
          { key: annotationKey(ANNOTATION_IMAGE_PULL_FAIL), operator: 'NotIn', values: ['true'] },
        ]),
      );
    }
  });

  it('give the image pull failure precedence over the other injections, applied once, with a Failed event', () => {
    for (const name of ['berth-pod-never-ready', 'berth-pod-crash-loop', 'berth-pod-failed']) {
      expect(exprs(name)).toContainEqual({ key: annotationKey(ANNOTATION_IMAGE_PULL_FAIL), operator: 'NotIn', values: ['true'] });
    }
    expect(exprs('berth-pod-image-pull-fail')).toEqual(
      expect.arrayContaining([
        { key: annotationKey(ANNOTATION_IMAGE_PULL_FAIL), operator: 'In', values: ['true'] },
        { key: '.status.containerStatuses', operator: 'DoesNotExist' },
      ]),
    );
    const s = stages().find((x) => (x.metadata as { name: string }).name === 'berth-pod-image-pull-fail')!;
    const next = (s.spec as { next: { statusTemplate: string; event: unknown } }).next;
    expect(next.event).toEqual({ type: 'Warning', reason: 'Failed', message: IMAGE_PULL_FAIL_MESSAGE });
    expect(next.statusTemplate).toContain('reason: ImagePullBackOff');
    expect(next.statusTemplate).toContain('phase: Pending');
  });

  it('select never-ready and failing pods only by their annotation, split by restart policy for failures', () => {
    expect(exprs('berth-pod-never-ready')).toContainEqual({ key: annotationKey(ANNOTATION_NEVER_READY), operator: 'In', values: ['true'] });
    expect(exprs('berth-pod-crash-loop')).toContainEqual({ key: '.spec.restartPolicy', operator: 'In', values: ['Always'] });
    expect(exprs('berth-pod-failed')).toContainEqual({ key: '.spec.restartPolicy', operator: 'NotIn', values: ['Always'] });
  });

  it('provision volumes only for the Berth storage class', () => {
    const cls = storageClassManifest();
    expect((cls.metadata as { annotations: Record<string, string> }).annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
    expect(exprs('berth-pvc-provision')).toContainEqual({ cel: { expression: "self.spec.storageClassName == 'berth-local'" } });
  });

  it('provision like an external provisioner: a PV pre-bound to the claim once the PV controller handed it over, the claim left to the controller', () => {
    expect(exprs('berth-pvc-provision')).toContainEqual({ key: annotationKey('volume.kubernetes.io/storage-provisioner'), operator: 'In', values: ['berth.dev/kwok-volume'] });
    const s = stages().find((x) => (x.metadata as { name: string }).name === 'berth-pvc-provision')!;
    const steps = (s.spec as { steps: Record<string, any>[] }).steps;
    // One step, creating the PV: a patch of the claim (volumeName, bind-completed, status) would race the PV controller.
    expect(steps).toHaveLength(1);
    const pv = steps[0]!.apply.template as string;
    expect(pv).toContain('kind: PersistentVolume');
    expect(pv).toMatch(/claimRef:[\s\S]*uid: \{\{ \.metadata\.uid \| Quote \}\}/);
    // The PV controller marks the PV Bound itself when it binds the claim.
    expect(stages().map((x) => (x.metadata as { name: string }).name)).not.toContain('berth-pv-bind');
  });

  it('render as one kwokctl config: cluster options on 127.0.0.1 with local binaries, then the stages', () => {
    const env = { XDG_CACHE_HOME: '/cache', PATH: '' };
    const docs = parseAllDocuments(kwokConfigYaml(env)).map((d) => d.toJS() as Record<string, any>);
    expect(docs[0]!.kind).toBe('KwokctlConfiguration');
    expect(docs[0]!.options.bindAddress).toBe('127.0.0.1');
    expect(docs[0]!.options.kubeApiserverBinary).toBe('/cache/berth/cluster/kubernetes-v1.34.4/bin/kube-apiserver');
    expect(docs[0]!.componentsPatches[0]).toEqual({
      name: 'kube-apiserver',
      extraArgs: [
        { key: 'advertise-address', value: '127.0.0.1' },
        { key: 'service-cluster-ip-range', value: '10.0.0.0/16' },
      ],
    });
    // The controllers and the scheduler are not held to client-go's default 20 and 50 requests/s (see the config).
    for (const [i, name] of [[1, 'kube-controller-manager'], [2, 'kube-scheduler']] as const) {
      expect(docs[0]!.componentsPatches[i]).toEqual({
        name,
        extraArgs: [
          { key: 'kube-api-qps', value: '400' },
          { key: 'kube-api-burst', value: '800' },
        ],
      });
    }
    expect(docs.slice(1).map((d) => d.metadata.name)).toEqual(stages().map((s) => (s.metadata as { name: string }).name));
    // Templates survive the YAML round trip byte for byte.
    expect(docs.find((d) => d.metadata?.name === 'pod-ready')!.spec.next.statusTemplate).toContain('phase: Running');
  });

  it('serve container logs from files: one ClusterLogs for every pod, current and previous run', () => {
    const files = { current: '/cache/pod-logs/c/containers.log', previous: '/cache/pod-logs/c/previous.log' };
    const docs = parseAllDocuments(kwokConfigYaml({ XDG_CACHE_HOME: '/cache', PATH: '' }, files)).map((d) => d.toJS() as Record<string, any>);
    const logs = docs.filter((d) => d.kind === 'ClusterLogs');
    expect(logs).toEqual([
      {
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'ClusterLogs',
        metadata: { name: 'berth-container-logs' },
        spec: { logs: [{ logsFile: files.current, previousLogsFile: files.previous, follow: true }] },
      },
    ]);
    expect(docs.filter((d) => d.kind === 'Stage').length).toBe(stages().length);
  });

  it('write log files in the CRI format kwok parses', () => {
    const t = new Date('2026-01-02T03:04:05.678Z');
    expect(criLogLine('hello', t)).toBe('2026-01-02T03:04:05.678Z stdout F hello\n');
    const initial = initialContainerLogs({ current: '/c.log', previous: '/p.log' }, t);
    for (const line of [...initial.current.trimEnd().split('\n'), initial.previous.trimEnd()]) {
      expect(line).toMatch(/^2026-01-02T03:04:05\.678Z (stdout|stderr) F \S/);
    }
  });
});
