import { stringify } from 'yaml';
import { binaryPath } from './paths.js';
import { ETCD_VERSION, KUBERNETES_VERSION } from './versions.js';

/**
 * The configuration handed to `kwokctl --config`: the cluster options (local binaries, 127.0.0.1 only)
 * and the kwok stages that simulate kubelets and storage. When a config file carries any Stage, kwokctl
 * uses exactly those stages instead of its defaults, so the default node and pod stages are repeated here
 * (from kwok v0.8.0 kustomize/stage/{node,pod}/fast) with Berth's failure-injection annotations excluded.
 */

/** Pods with this annotation set to "true" run but never become Ready (failing rollouts, progress deadlines). */
export const ANNOTATION_NEVER_READY = 'berth.dev/test-never-ready';
/**
 * Pods with this annotation set to "true" fail: with restartPolicy Always they crash-loop (Running, not
 * Ready, restartCount > 0, waiting CrashLoopBackOff); with Never / OnFailure they end in phase Failed
 * (exit code 1), so a Job's controller retries them until its backoffLimit and then fails the Job.
 */
export const ANNOTATION_FAIL = 'berth.dev/test-fail';
/**
 * Pods with this annotation set to "true" never get their image: they stay Pending with every container waiting in
 * `ImagePullBackOff`, and a Warning event `Failed` with a registry answer is recorded about them. Wins over the others.
 */
export const ANNOTATION_IMAGE_PULL_FAIL = 'berth.dev/test-image-pull-fail';
/** The registry answer of the injected pull failure, as the kubelet's `Failed` event reports it. */
export const IMAGE_PULL_FAIL_MESSAGE = `Failed to pull image: manifest unknown (${ANNOTATION_IMAGE_PULL_FAIL})`;

/** The default StorageClass of a Berth local cluster; kwok stages provision its PersistentVolumes. */
export const STORAGE_CLASS = 'berth-local';
export const STORAGE_PROVISIONER = 'berth.dev/kwok-volume';
/** Set on a claim by the PV controller when it hands the claim to an external provisioner (the stage below). */
const ANNOTATION_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';

type Obj = Record<string, unknown>;

function stage(name: string, kind: string, selector: Obj, rest: Obj): Obj {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, selector, ...rest },
  };
}

const notDeleting = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const annotation = (key: string) => `.metadata.annotations["${key}"]`;
/** Keeps the ordinary pod stages away from pods that carry a failure-injection annotation. */
const noPullFailure = { key: annotation(ANNOTATION_IMAGE_PULL_FAIL), operator: 'NotIn', values: ['true'] };
const noInjection = [
  { key: annotation(ANNOTATION_NEVER_READY), operator: 'NotIn', values: ['true'] },
  { key: annotation(ANNOTATION_FAIL), operator: 'NotIn', values: ['true'] },
  noPullFailure,
];
const phaseIn = (...values: string[]) => ({ key: '.status.phase', operator: 'In', values });

const NODE_CONDITIONS = `conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $lastTransitionTime | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}
`;

const NODE_INITIALIZE = `{{ $now := Now }}
{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
${NODE_CONDITIONS}
{{ $hasInternalIP := false }}
{{ $hasHostname := false }}
{{ range .status.addresses }}
  {{ if eq .type "InternalIP" }}
    {{ $hasInternalIP = true }}
  {{ end }}
  {{ if eq .type "Hostname" }}
    {{ $hasHostname = true }}
  {{ end }}
{{ end }}
{{ if or (not $hasInternalIP) (not $hasHostname) }}
addresses:
{{ end }}
{{ if not $hasInternalIP }}
{{ with NodeIP }}
- address: {{ . | Quote }}
  type: InternalIP
{{ end }}
{{ end }}
{{ if not $hasHostname }}
{{ with NodeName }}
- address: {{ . | Quote }}
  type: Hostname
{{ end }}
{{ end }}

{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}

allocatable:
{{ with .status.allocatable }}
{{ YAML . 1 }}
{{ else }}
  cpu: 1k
  memory: 1Ti
  pods: 1M
{{ end }}
capacity:
{{ with .status.capacity }}
{{ YAML . 1 }}
{{ else }}
  cpu: 1k
  memory: 1Ti
  pods: 1M
{{ end }}

{{ $nodeInfo := .status.nodeInfo }}
{{ $kwokVersion := printf "kwok-%s" Version }}
nodeInfo:
  architecture: {{ or $nodeInfo.architecture "amd64" }}
  bootID: {{ or $nodeInfo.bootID \`""\` }}
  containerRuntimeVersion: {{ or $nodeInfo.containerRuntimeVersion $kwokVersion }}
  kernelVersion: {{ or $nodeInfo.kernelVersion $kwokVersion }}
  kubeProxyVersion: {{ or $nodeInfo.kubeProxyVersion $kwokVersion }}
  kubeletVersion: {{ or $nodeInfo.kubeletVersion $kwokVersion }}
  machineID: {{ or $nodeInfo.machineID \`""\` }}
  operatingSystem: {{ or $nodeInfo.operatingSystem "linux" }}
  osImage: {{ or $nodeInfo.osImage \`""\` }}
  systemUUID: {{ or $nodeInfo.systemUUID \`""\` }}
phase: Running
`;

const NODE_HEARTBEAT = `{{ $now := Now }}
{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
${NODE_CONDITIONS}
addresses:
{{ with .status.addresses }}
{{ YAML . 1 }}
{{ else }}
{{ with NodeIP }}
- address: {{ . | Quote }}
  type: InternalIP
{{ end }}
{{ with NodeName }}
- address: {{ . | Quote }}
  type: Hostname
{{ end }}
{{ end }}

{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}
`;

/** Pod IPs and host IPs, as kwok's pod-ready stage assigns them. */
const POD_NETWORK = `{{ $hostIPs := NodeIPsWith .spec.nodeName }}
{{ with $hostIPs }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
{{ with $podIPs }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
`;

const INIT_CONTAINERS_DONE = `initContainerStatuses:
{{ range .spec.initContainers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  restartCount: 0
  {{ if eq .restartPolicy "Always" }}
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
  {{ else }}
  state:
    terminated:
      exitCode: 0
      finishedAt: {{ $now | Quote }}
      reason: Completed
      startedAt: {{ $now | Quote }}
  {{ end }}
{{ end }}
`;

const POD_READY = `{{ $now := Now }}

conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: ContainersReady
{{ range .spec.readinessGates }}
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: {{ .conditionType | Quote }}
{{ end }}

containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}

${INIT_CONTAINERS_DONE}
${POD_NETWORK}
phase: Running
startTime: {{ $now | Quote }}
`;

const POD_COMPLETE = `{{ $now := Now }}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  restartCount: 0
  started: false
  state:
    terminated:
      exitCode: 0
      finishedAt: {{ $now | Quote }}
      reason: Completed
      startedAt: {{ $now | Quote }}
{{ end }}
phase: Succeeded
`;

const notReadyConditions = (reason: string, message: string) => `conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: ${reason}
  message: ${JSON.stringify(message)}
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: ${reason}
  message: ${JSON.stringify(message)}
  type: ContainersReady
`;

const POD_NEVER_READY = `{{ $now := Now }}

${notReadyConditions('ContainersNotReady', `readiness probe failing (${ANNOTATION_NEVER_READY})`)}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}

${INIT_CONTAINERS_DONE}
${POD_NETWORK}
phase: Running
startTime: {{ $now | Quote }}
`;

const POD_CRASH_LOOP = `{{ $now := Now }}

${notReadyConditions('ContainersNotReady', `containers with unready status (${ANNOTATION_FAIL})`)}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: false
  restartCount: 3
  lastState:
    terminated:
      exitCode: 1
      reason: Error
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
  state:
    waiting:
      reason: CrashLoopBackOff
      message: "back-off restarting failed container {{ .name }} (${ANNOTATION_FAIL})"
{{ end }}

${INIT_CONTAINERS_DONE}
${POD_NETWORK}
phase: Running
startTime: {{ $now | Quote }}
`;

const POD_FAILED = `{{ $now := Now }}

${notReadyConditions('PodFailed', `container exited with code 1 (${ANNOTATION_FAIL})`)}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: 1
      reason: Error
      message: "failure injected by ${ANNOTATION_FAIL}"
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}

${INIT_CONTAINERS_DONE}
${POD_NETWORK}
phase: Failed
startTime: {{ $now | Quote }}
`;

const POD_IMAGE_PULL_FAIL = `{{ $now := Now }}

${notReadyConditions('ContainersNotReady', `containers with unready status (${ANNOTATION_IMAGE_PULL_FAIL})`)}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    waiting:
      reason: ImagePullBackOff
      message: {{ printf "Back-off pulling image %q" .image | Quote }}
{{ end }}

${INIT_CONTAINERS_DONE}
${POD_NETWORK}
phase: Pending
startTime: {{ $now | Quote }}
`;

/** kwok's volume stages (kustomize/stage/volume/fast), for the Berth StorageClass. */
const PV_FROM_PVC = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-{{ .metadata.uid }}
  annotations:
    pv.kubernetes.io/provisioned-by: ${STORAGE_PROVISIONER}
spec:
  accessModes:
  {{ YAML .spec.accessModes 2 }}
  capacity:
  {{ YAML .spec.resources.requests 2 }}
  persistentVolumeReclaimPolicy: Delete
  storageClassName: {{ .spec.storageClassName | Quote }}
  volumeMode: {{ default "Filesystem" .spec.volumeMode | Quote }}
  claimRef:
    apiVersion: v1
    kind: PersistentVolumeClaim
    name: {{ .metadata.name | Quote }}
    namespace: {{ .metadata.namespace | Quote }}
    resourceVersion: {{ .metadata.resourceVersion | Quote }}
    uid: {{ .metadata.uid | Quote }}
  hostPath:
    path: /var/lib/berth-kwok-volumes/pvc-{{ .metadata.uid }}
    type: DirectoryOrCreate
`;

const cel = (expression: string) => ({ cel: { expression } });
const ourClass = cel(`self.spec.storageClassName == '${STORAGE_CLASS}'`);

export function stages(): Obj[] {
  return [
    stage(
      'node-initialize',
      'Node',
      {
        matchExpressions: [
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
        ],
      },
      { next: { statusTemplate: NODE_INITIALIZE } },
    ),
    stage(
      'node-heartbeat-with-lease',
      'Node',
      {
        matchExpressions: [
          phaseIn('Running'),
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'In', values: ['True'] },
        ],
      },
      { delay: { durationMilliseconds: 600000, jitterDurationMilliseconds: 610000 }, next: { statusTemplate: NODE_HEARTBEAT } },
    ),
    stage(
      'pod-ready',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Pending'),
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
          ...noInjection,
        ],
      },
      { next: { statusTemplate: POD_READY } },
    ),
    stage(
      'pod-complete',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Running'),
          { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
          ...noInjection,
        ],
      },
      { next: { statusTemplate: POD_COMPLETE } },
    ),
    stage('pod-delete', 'Pod', { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] }, {
      next: { delete: true },
    }),
    stage(
      'berth-pod-never-ready',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Pending'),
          { key: annotation(ANNOTATION_NEVER_READY), operator: 'In', values: ['true'] },
          { key: annotation(ANNOTATION_FAIL), operator: 'NotIn', values: ['true'] },
          noPullFailure,
        ],
      },
      { next: { statusTemplate: POD_NEVER_READY } },
    ),
    stage(
      'berth-pod-crash-loop',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Pending'),
          { key: annotation(ANNOTATION_FAIL), operator: 'In', values: ['true'] },
          { key: '.spec.restartPolicy', operator: 'In', values: ['Always'] },
          noPullFailure,
        ],
      },
      { next: { statusTemplate: POD_CRASH_LOOP } },
    ),
    stage(
      'berth-pod-failed',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Pending'),
          { key: annotation(ANNOTATION_FAIL), operator: 'In', values: ['true'] },
          { key: '.spec.restartPolicy', operator: 'NotIn', values: ['Always'] },
          noPullFailure,
        ],
      },
      { next: { statusTemplate: POD_FAILED } },
    ),
    stage(
      'berth-pod-image-pull-fail',
      'Pod',
      {
        matchExpressions: [
          notDeleting,
          phaseIn('Pending'),
          { key: annotation(ANNOTATION_IMAGE_PULL_FAIL), operator: 'In', values: ['true'] },
          // The pod stays Pending: without this the stage would match its own result again and again.
          { key: '.status.containerStatuses', operator: 'DoesNotExist' },
        ],
      },
      { next: { statusTemplate: POD_IMAGE_PULL_FAIL, event: { type: 'Warning', reason: 'Failed', message: IMAGE_PULL_FAIL_MESSAGE } } },
    ),
    // The external-provisioner half of dynamic provisioning, as a CSI provisioner sidecar does it: once the PV
    // controller has handed the claim to Berth's provisioner (it sets volume.kubernetes.io/storage-provisioner), create
    // a PV pre-bound to the claim (claimRef with its uid) and nothing else. The PV controller, the claim's only writer,
    // then binds it: spec.volumeName and pv.kubernetes.io/bind-completed in one update, status Bound, the PV Bound.
    // Writing the claim here too raced the controller (its updates failed with a conflict, the claim reached the
    // scheduler's volume binder half-bound and the pod waited for the scheduler's 5-minute retry of unschedulable pods);
    // setting bind-completed before the controller had seen the PV made it mark the claim Lost.
    stage(
      'berth-pvc-provision',
      'PersistentVolumeClaim',
      {
        matchExpressions: [
          ourClass,
          cel('!has(self.metadata.deletionTimestamp)'),
          cel('!has(self.spec.volumeName)'),
          cel("self.status.phase != 'Bound'"),
          { key: annotation(ANNOTATION_STORAGE_PROVISIONER), operator: 'In', values: [STORAGE_PROVISIONER] },
        ],
      },
      { steps: [{ apply: { template: PV_FROM_PVC } }] },
    ),
    stage(
      'berth-pv-delete',
      'PersistentVolume',
      {
        matchExpressions: [
          ourClass,
          cel('!has(self.metadata.deletionTimestamp)'),
          cel("self.spec.persistentVolumeReclaimPolicy == 'Delete'"),
          cel("self.status.phase == 'Released'"),
        ],
      },
      { steps: [{ delete: true }] },
    ),
  ];
}

/** The KwokctlConfiguration: local binaries, every port on 127.0.0.1, the apiserver told its address. */
export function kwokctlConfiguration(env: NodeJS.ProcessEnv = process.env): Obj {
  return {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: {
      runtime: 'binary',
      kubeVersion: KUBERNETES_VERSION,
      etcdVersion: ETCD_VERSION.replace(/^v/, ''),
      bindAddress: '127.0.0.1',
      etcdBinary: binaryPath('etcd', env),
      kubeApiserverBinary: binaryPath('kube-apiserver', env),
      kubeControllerManagerBinary: binaryPath('kube-controller-manager', env),
      kubeSchedulerBinary: binaryPath('kube-scheduler', env),
      kwokControllerBinary: binaryPath('kwok', env),
      kubectlBinary: binaryPath('kubectl', env),
    },
    componentsPatches: [
      {
        // No default route on CI machines: without an explicit address the apiserver refuses to start. The Service
        // range is a /16: the default /24 holds 254 Services, and a release of 500 services (the bench at N=500) was
        // refused with "failed to allocate a serviceIP: range is full". It starts at the default's first address, so
        // the `kubernetes` Service keeps 10.0.0.1, which the serving certificate names.
        name: 'kube-apiserver',
        extraArgs: [
          { key: 'advertise-address', value: '127.0.0.1' },
          { key: 'service-cluster-ip-range', value: '10.0.0.0/16' },
        ],
      },
      // client-go's default client limits (20 requests/s, bursts of 30 for the controller manager; 50/100 for the
      // scheduler) made every rollout wait on the cluster, not on the tool: 100 Deployments of 2 pods each took 35 s
      // to become Available, all of it the Deployment and ReplicaSet controllers queueing their creates and status
      // updates behind the limiter, and 7 s without it. Real kubelets are the slow part of a real cluster; kwok has
      // none, so the local control plane lets its controllers go at the API server's pace.
      {
        name: 'kube-controller-manager',
        extraArgs: [
          { key: 'kube-api-qps', value: '400' },
          { key: 'kube-api-burst', value: '800' },
        ],
      },
      {
        name: 'kube-scheduler',
        extraArgs: [
          { key: 'kube-api-qps', value: '400' },
          { key: 'kube-api-burst', value: '800' },
        ],
      },
    ],
  };
}

/** The files kwok serves as every container's log: the current run's and, for `--previous`, the last run's. */
export interface ContainerLogFiles {
  readonly current: string;
  readonly previous: string;
}

/**
 * kwok runs no containers, but it answers the kubelet's containerLogs endpoint (which kube-apiserver proxies
 * `pods/log` to, through the node's Hostname and daemonEndpoints.kubeletEndpoint.Port that the node stages
 * publish) from files named by Logs / ClusterLogs resources. One ClusterLogs without a selector covers every
 * pod. Given in `--config` (not with --enable-crds), kwokctl copies it into the kwok controller's own config.
 * The files are in CRI log format (`<RFC 3339 time> stdout F <line>`); appending to `current` shows up in
 * followed streams, since kwok reports every container as running.
 * @see https://kwok.sigs.k8s.io/docs/user/logs-configuration/
 */
export function clusterLogs(files: ContainerLogFiles): Obj {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'berth-container-logs' },
    spec: { logs: [{ logsFile: files.current, previousLogsFile: files.previous, follow: true }] },
  };
}

/** One CRI-format log line. */
export function criLogLine(message: string, time: Date = new Date(), stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `${time.toISOString()} ${stream} F ${message}\n`;
}

/** What the log files hold when a cluster starts: enough to see that `berth logs` works, and how to add more. */
export function initialContainerLogs(files: ContainerLogFiles, time: Date = new Date()): { current: string; previous: string } {
  return {
    current:
      criLogLine('kwok: simulated container log of the Berth local cluster (no container really runs)', time) +
      criLogLine(`append lines in CRI format ("<RFC 3339 time> stdout F <text>") to ${files.current} to see them in berth logs -f`, time),
    previous: criLogLine('kwok: simulated log of the previous run of a restarted container; it exited with code 1', time, 'stderr'),
  };
}

/** The multi-document YAML written next to the cluster and passed as `kwokctl --config`. */
export function kwokConfigYaml(env: NodeJS.ProcessEnv = process.env, logFiles?: ContainerLogFiles): string {
  return [kwokctlConfiguration(env), ...stages(), ...(logFiles ? [clusterLogs(logFiles)] : [])]
    .map((o) => stringify(o, { lineWidth: 0 }))
    .join('---\n');
}

/** The default StorageClass applied after the cluster starts. */
export function storageClassManifest(): Obj {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: STORAGE_CLASS,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: STORAGE_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  };
}
