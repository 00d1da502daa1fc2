import type { IConstruct } from 'constructs';
import { closest } from 'fastest-levenshtein';
import type * as k8s from '../imports/k8s-lib.js';
import type { ContainerSecurityOptions, SecurityOptions, SecurityProfile } from '../security.js';
import { propError } from './errors.js';
import { checkInt } from './validate.js';

/** Linux capabilities 0-40 (include/uapi/linux/capability.h, Linux 5.9+), as Kubernetes names them: without `CAP_`. */
const CAPABILITIES = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
]);

/** The fields of `SecurityOptions` that are the pod's, not a container's. */
export const POD_SECURITY_FIELDS = ['fsGroup', 'podRunAsUser', 'podRunAsGroup', 'supplementalGroups', 'sysctls', 'hostUsers'] as const;

/** A sysctl name as the API server checks it (`IsValidSysctlName`). */
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

/** `prefix` is '' for the main container and `sidecars[0].` for another one. */
export function checkContainerSecurity(scope: IConstruct, prefix: string, sec: ContainerSecurityOptions, hostUsers?: boolean): void {
  const at = `${prefix}security`;
  checkInt(scope, `${at}.runAsUser`, sec.runAsUser, 0);
  checkInt(scope, `${at}.runAsGroup`, sec.runAsGroup, 0);
  if (sec.runAsNonRoot !== false && sec.runAsUser === 0) {
    throw propError(scope, `${at}.runAsUser`, 0, `is root, which 'runAsNonRoot' (true by default) refuses: run as another user, or set '${at}.runAsNonRoot: false' (see SecurityPreset.rootThenDropPrivileges)`);
  }
  checkCapabilities(scope, `${at}.addCapabilities`, sec.addCapabilities);
  if (sec.privileged === true && sec.allowPrivilegeEscalation !== true) {
    throw propError(scope, `${at}.privileged`, true, `is refused with 'allowPrivilegeEscalation: false' (the default) by the API server: set '${at}.allowPrivilegeEscalation: true' too, or drop 'privileged' and add only the capabilities needed`);
  }
  if (sec.procMount !== undefined && sec.procMount !== 'Default' && sec.procMount !== 'Unmasked') {
    throw propError(scope, `${at}.procMount`, sec.procMount, "must be 'Default' or 'Unmasked'");
  }
  if (sec.procMount === 'Unmasked' && hostUsers !== false) {
    throw propError(scope, `${at}.procMount`, 'Unmasked', "needs the pod in its own user namespace: set 'security.hostUsers: false' on the workload");
  }
  checkProfile(scope, `${at}.seccompProfile`, sec.seccompProfile);
  checkProfile(scope, `${at}.appArmorProfile`, sec.appArmorProfile);
}

/** The pod-level fields of the workload's `security`. */
export function checkPodSecurity(scope: IConstruct, sec: SecurityOptions): void {
  checkInt(scope, 'security.fsGroup', sec.fsGroup, 0);
  checkInt(scope, 'security.podRunAsUser', sec.podRunAsUser, 0);
  checkInt(scope, 'security.podRunAsGroup', sec.podRunAsGroup, 0);
  if (sec.runAsNonRoot !== false && sec.podRunAsUser === 0) {
    throw propError(scope, 'security.podRunAsUser', 0, "is root, which 'runAsNonRoot' (true by default) refuses: run as another user, or set 'security.runAsNonRoot: false'");
  }
  if (sec.supplementalGroups !== undefined && !Array.isArray(sec.supplementalGroups)) {
    throw propError(scope, 'security.supplementalGroups', sec.supplementalGroups, 'must be a list of group ids, e.g. [1000]');
  }
  for (const [i, g] of (sec.supplementalGroups ?? []).entries()) checkInt(scope, `security.supplementalGroups[${i}]`, g, 0);
  for (const [name, value] of Object.entries(sec.sysctls ?? {})) {
    if (!SYSCTL_NAME.test(name)) {
      throw propError(scope, `security.sysctls.${name}`, value, "has a name that is not a sysctl: lower-case words joined by '.' or '/', e.g. 'net.ipv4.tcp_keepalive_time'");
    }
    if ((typeof value !== 'string' && typeof value !== 'number') || String(value) === '') {
      throw propError(scope, `security.sysctls.${name}`, value, "must be a non-empty string or a number, e.g. '600'");
    }
  }
}

/** A pod in the node's network namespace cannot set that namespace's sysctls: they would change the node's. */
export function checkHostNetworkSysctls(scope: IConstruct, sec: SecurityOptions): void {
  for (const [name, value] of Object.entries(sec.sysctls ?? {})) {
    if (name.startsWith('net.')) {
      throw propError(scope, `security.sysctls.${name}`, value, "cannot be set with 'hostNetwork: true': the pod shares the node's network namespace, so the sysctl would be the node's; set it on the node instead");
    }
  }
}

function checkCapabilities(scope: IConstruct, prop: string, caps: readonly string[] | undefined): void {
  if (caps === undefined) return;
  if (!Array.isArray(caps)) throw propError(scope, prop, caps, "must be a list of capability names, e.g. ['NET_BIND_SERVICE']");
  const seen = new Set<string>();
  for (const [i, cap] of caps.entries()) {
    const at = `${prop}[${i}]`;
    if (typeof cap !== 'string') throw propError(scope, at, cap, "must be a capability name, e.g. 'NET_BIND_SERVICE'");
    if (cap.toUpperCase() === 'ALL') {
      throw propError(scope, at, cap, "would add every capability back: list the ones the image needs, or set 'privileged: true' if it needs them all");
    }
    const bare = cap.toUpperCase().replace(/^CAP_/, '');
    if (cap !== bare && CAPABILITIES.has(bare)) {
      throw propError(scope, at, cap, `is not how Kubernetes names capabilities (upper case, without 'CAP_'): write '${bare}'`);
    }
    if (!CAPABILITIES.has(cap)) {
      throw propError(scope, at, cap, `is not a Linux capability: did you mean '${closest(bare, [...CAPABILITIES])}'? (see capabilities(7))`);
    }
    if (seen.has(cap)) throw propError(scope, at, cap, 'is listed twice: list each capability once');
    seen.add(cap);
  }
}

function checkProfile(scope: IConstruct, prop: string, profile: SecurityProfile | undefined): void {
  if (profile === undefined || profile === 'RuntimeDefault' || profile === 'Unconfined') return;
  const path = typeof profile === 'object' && profile !== null ? (profile as { localhostProfile?: unknown }).localhostProfile : undefined;
  if (typeof path !== 'string' || path.trim() === '') {
    throw propError(scope, prop, profile, "must be 'RuntimeDefault', 'Unconfined' or { localhostProfile: 'profiles/audit.json' }");
  }
}

/** One container's securityContext: every field the user leaves unset gets the restricted value. */
export function renderContainerSecurity(sec: ContainerSecurityOptions): k8s.SecurityContext {
  return {
    runAsNonRoot: sec.runAsNonRoot ?? true,
    runAsUser: sec.runAsUser,
    runAsGroup: sec.runAsGroup,
    readOnlyRootFilesystem: sec.readOnlyRootFilesystem ?? true,
    allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
    privileged: sec.privileged,
    procMount: sec.procMount,
    capabilities: { drop: ['ALL'], add: sec.addCapabilities ? [...sec.addCapabilities] : undefined },
    seccompProfile: renderProfile(sec.seccompProfile),
    appArmorProfile: renderProfile(sec.appArmorProfile),
  };
}

/** The pod's securityContext: non-root and seccomp RuntimeDefault unless the workload's `security` says otherwise. */
export function renderPodSecurity(sec: SecurityOptions): k8s.PodSecurityContext {
  return {
    runAsNonRoot: sec.runAsNonRoot ?? true,
    runAsUser: sec.podRunAsUser,
    runAsGroup: sec.podRunAsGroup,
    fsGroup: sec.fsGroup,
    supplementalGroups: sec.supplementalGroups ? [...sec.supplementalGroups] : undefined,
    sysctls: sec.sysctls ? Object.entries(sec.sysctls).map(([name, value]) => ({ name, value: String(value) })) : undefined,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function renderProfile(profile: SecurityProfile | undefined): { type: string; localhostProfile?: string } | undefined {
  if (profile === undefined) return undefined;
  if (typeof profile === 'string') return { type: profile };
  return { type: 'Localhost', localhostProfile: profile.localhostProfile };
}

/** The pod-level fields an init container or sidecar may not set: they belong to the workload's `security`. */
export function checkNoPodSecurity(scope: IConstruct, prefix: string, sec: unknown): void {
  if (typeof sec !== 'object' || sec === null) return;
  for (const field of POD_SECURITY_FIELDS) {
    const value = (sec as Record<string, unknown>)[field];
    if (value !== undefined) {
      throw propError(scope, `${prefix}security.${field}`, value, "is a pod-level setting: set it in the workload's 'security'");
    }
  }
}
