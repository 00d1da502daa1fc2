/**
 * A seccomp or AppArmor profile: the container runtime's default, none, or a profile loaded on the node.
 * @see https://kubernetes.io/docs/tutorials/security/seccomp/
 * @see https://kubernetes.io/docs/tutorials/security/apparmor/
 */
export type SecurityProfile = 'RuntimeDefault' | 'Unconfined' | { readonly localhostProfile: string };

/**
 * Security settings of one container. Every default is the secure one (the Kubernetes "restricted" pod security
 * standard); setting a field to the insecure value is the explicit, reviewable opt-out. `SecurityPreset` has the
 * documented opt-outs for images that start as root or rely on file capabilities.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export interface ContainerSecurityOptions {
  /**
   * Refuse to start a container whose image runs as root (uid 0).
   * @default true
   */
  readonly runAsNonRoot?: boolean;
  /**
   * User id the container runs as; set it for images that default to root.
   * @default the image's user
   */
  readonly runAsUser?: number;
  /**
   * Group id the container runs as.
   * @default the image's group
   */
  readonly runAsGroup?: number;
  /**
   * Mount the container's root filesystem read-only; mount an `emptyDir` where it must write.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Allow a process to gain more privileges than its parent. `false` sets the kernel's `no_new_privs`, which blocks
   * setuid binaries and also **file capabilities**: a binary given `setcap cap_net_bind_service+ep` in its image gets
   * `EPERM` binding port 80 and the container exits. Such images need `true` (see `SecurityPreset.fileCapabilities`).
   * @default false
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Linux capabilities added back after dropping ALL, named as Kubernetes does, without `CAP_`: `NET_BIND_SERVICE`.
   * Unknown names are refused at synth.
   * @default none
   * @see https://man7.org/linux/man-pages/man7/capabilities.7.html
   */
  readonly addCapabilities?: readonly string[];
  /**
   * Run the container privileged (every capability, every device). `false` is written out as `privileged: false`
   * (some policy tools want to see it); `true` needs `allowPrivilegeEscalation: true` as well.
   * @default not set, which Kubernetes reads as false
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
   */
  readonly privileged?: boolean;
  /**
   * `Unmasked` leaves `/proc` unmasked (for nested containers); it needs a user namespace (`hostUsers: false`).
   * @default 'Default' (not written)
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
   */
  readonly procMount?: 'Default' | 'Unmasked';
  /**
   * Seccomp profile of this container, overriding the pod's `RuntimeDefault`.
   * @default the pod's: 'RuntimeDefault'
   * @see https://kubernetes.io/docs/tutorials/security/seccomp/
   */
  readonly seccompProfile?: SecurityProfile;
  /**
   * AppArmor profile of this container (nodes with AppArmor only).
   * @default not set: the runtime's default profile on nodes with AppArmor
   * @see https://kubernetes.io/docs/tutorials/security/apparmor/
   */
  readonly appArmorProfile?: SecurityProfile;
}

/**
 * The main container's security settings and the pod-level ones (every container of the pod gets those). Every
 * default is the secure one.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export interface SecurityOptions extends ContainerSecurityOptions {
  /**
   * Group that owns mounted volumes (pod level).
   * @default none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
   */
  readonly fsGroup?: number;
  /**
   * User id of every container of the pod that sets none itself (pod level; `runAsUser` is the main container's).
   * @default the image's user
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
   */
  readonly podRunAsUser?: number;
  /**
   * Group id of every container of the pod that sets none itself (pod level; `runAsGroup` is the main container's).
   * @default the image's group
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
   */
  readonly podRunAsGroup?: number;
  /**
   * Extra groups of the first process of every container (pod level).
   * @default none
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod
   */
  readonly supplementalGroups?: readonly number[];
  /**
   * Namespaced kernel parameters of the pod, e.g. `{ 'net.ipv4.ip_unprivileged_port_start': '0' }` (which lets a
   * non-root process bind port 80 without any capability). Sysctls outside the kubelet's safe set need
   * `--allowed-unsafe-sysctls` on the node, else the pod fails with `SysctlForbidden`.
   * @default none
   * @see https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
   */
  readonly sysctls?: Readonly<Record<string, string | number>>;
  /**
   * `false` runs the pod in its own user namespace (root in the pod is not root on the node); needs node support.
   * @default not set: the host's user namespace
   * @see https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/
   */
  readonly hostUsers?: boolean;
}

/**
 * Documented opt-outs of the restricted defaults, for images that cannot run under them. Each returns plain
 * `SecurityOptions`; fields passed in `extra` are added on top (capabilities are merged):
 * `security: SecurityPreset.rootThenDropPrivileges({ fsGroup: 999 })`.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class SecurityPreset {
  private constructor() {}

  /** The defaults, written out for readers: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
  static restricted(extra: SecurityOptions = {}): SecurityOptions {
    return merge({}, extra);
  }

  /**
   * For images whose entrypoint starts as root, fixes the ownership of its data directories and then steps down to
   * its own user with `gosu` / `su-exec` (the official postgres, mysql, mongo, rabbitmq, redis images):
   * `runAsNonRoot: false` and the capabilities that needs — `CHOWN`, `DAC_OVERRIDE`, `FOWNER` (fix ownership and
   * modes), `SETGID`, `SETUID` (step down). Privilege escalation stays off (stepping down does not need it) and the
   * root filesystem read-only: mount an `emptyDir` where the entrypoint writes, or add `readOnlyRootFilesystem: false`.
   * Meets the "baseline" pod security standard, not "restricted". If the image can start as its user directly
   * (`runAsUser: 999` plus `fsGroup`), prefer that.
   * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
   */
  static rootThenDropPrivileges(extra: SecurityOptions = {}): SecurityOptions {
    return merge({ runAsNonRoot: false, addCapabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] }, extra);
  }

  /**
   * For images whose binary has file capabilities (`setcap cap_net_bind_service+ep`, e.g. to bind port 80 as a
   * non-root user): `allowPrivilegeEscalation: true`, since `no_new_privs` makes the kernel ignore file
   * capabilities, and the capabilities added back to the bounding set, without which they are not granted either.
   * Still non-root with a read-only root filesystem. Meets "baseline", not "restricted". Where the image allows it,
   * binding an unprivileged port, or the sysctl `net.ipv4.ip_unprivileged_port_start: '0'`, needs neither.
   * @see https://man7.org/linux/man-pages/man7/capabilities.7.html
   */
  static fileCapabilities(capabilities: readonly string[] = ['NET_BIND_SERVICE'], extra: SecurityOptions = {}): SecurityOptions {
    return merge({ allowPrivilegeEscalation: true, addCapabilities: [...capabilities] }, extra);
  }
}

function merge(preset: SecurityOptions, extra: SecurityOptions): SecurityOptions {
  const caps = [...(preset.addCapabilities ?? []), ...(extra.addCapabilities ?? [])];
  const merged: SecurityOptions = { ...preset, ...extra };
  return caps.length > 0 ? { ...merged, addCapabilities: [...new Set(caps)] } : merged;
}
