import { DaemonApp, SecurityPreset, StatelessApp, type SecurityOptions, type StatelessAppProps } from '../../../lib/index.js';
import { find, synth, type KubeObj } from './util.js';

const podSpec = (objects: KubeObj[]) => find(objects, 'Deployment').spec.template.spec;
const api = (props: Partial<StatelessAppProps> = {}) =>
  synth((app) => new StatelessApp(app, 'api', { image: 'api:1.0', ports: [{ port: 8080 }], ...props }));
const withSecurity = (security: SecurityOptions) => podSpec(api({ security }));

describe('container security fields', () => {
  test('leave the restricted defaults as they were when unset', () => {
    const spec = withSecurity({});
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('render privileged: false explicitly, procMount, seccomp and AppArmor profiles on the container', () => {
    const c = withSecurity({
      privileged: false,
      procMount: 'Default',
      seccompProfile: { localhostProfile: 'profiles/audit.json' },
      appArmorProfile: 'RuntimeDefault',
    }).containers[0].securityContext;
    expect(c).toMatchObject({
      privileged: false,
      procMount: 'Default',
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' },
      appArmorProfile: { type: 'RuntimeDefault' },
    });
    expect(withSecurity({ seccompProfile: 'Unconfined' }).containers[0].securityContext.seccompProfile).toEqual({ type: 'Unconfined' });
  });

  test('refuse privileged without allowPrivilegeEscalation, as the API server would', () => {
    expect(() => api({ security: { privileged: true } })).toThrow(
      "shop/api: 'security.privileged' (true) is refused with 'allowPrivilegeEscalation: false' (the default) by the API server: set 'security.allowPrivilegeEscalation: true' too, or drop 'privileged' and add only the capabilities needed",
    );
    expect(withSecurity({ privileged: true, allowPrivilegeEscalation: true }).containers[0].securityContext.privileged).toBe(true);
  });

  test("refuse procMount 'Unmasked' outside a user namespace and unknown values", () => {
    expect(() => api({ security: { procMount: 'Unmasked' } })).toThrow(
      "shop/api: 'security.procMount' ('Unmasked') needs the pod in its own user namespace: set 'security.hostUsers: false' on the workload",
    );
    const spec = withSecurity({ procMount: 'Unmasked', hostUsers: false });
    expect(spec.hostUsers).toBe(false);
    expect(spec.containers[0].securityContext.procMount).toBe('Unmasked');
    expect(() => api({ security: { procMount: 'Masked' as never } })).toThrow("'security.procMount' ('Masked') must be 'Default' or 'Unmasked'");
  });

  test('refuse a malformed profile', () => {
    expect(() => api({ security: { seccompProfile: 'runtime/default' as never } })).toThrow(
      "shop/api: 'security.seccompProfile' ('runtime/default') must be 'RuntimeDefault', 'Unconfined' or { localhostProfile: 'profiles/audit.json' }",
    );
    expect(() => api({ security: { appArmorProfile: { localhostProfile: '' } } })).toThrow("'security.appArmorProfile' ({\"localhostProfile\":\"\"}) must be");
  });

  test('refuse runAsUser 0 while runAsNonRoot is on', () => {
    expect(() => api({ security: { runAsUser: 0 } })).toThrow(
      "shop/api: 'security.runAsUser' (0) is root, which 'runAsNonRoot' (true by default) refuses: run as another user, or set 'security.runAsNonRoot: false' (see SecurityPreset.rootThenDropPrivileges)",
    );
    expect(() => api({ security: { runAsUser: -1 } })).toThrow("'security.runAsUser' (-1) must be an integer >= 0");
  });
});

describe('capability names', () => {
  test('are Linux capabilities without CAP_, rendered in the order given', () => {
    expect(withSecurity({ addCapabilities: ['NET_BIND_SERVICE', 'CHOWN'] }).containers[0].securityContext.capabilities).toEqual({
      drop: ['ALL'],
      add: ['NET_BIND_SERVICE', 'CHOWN'],
    });
  });

  test('with CAP_ or in lower case are refused with the Kubernetes spelling', () => {
    expect(() => api({ security: { addCapabilities: ['CAP_NET_ADMIN'] } })).toThrow(
      "shop/api: 'security.addCapabilities[0]' ('CAP_NET_ADMIN') is not how Kubernetes names capabilities (upper case, without 'CAP_'): write 'NET_ADMIN'",
    );
    expect(() => api({ security: { addCapabilities: ['CHOWN', 'net_raw'] } })).toThrow("'security.addCapabilities[1]' ('net_raw') is not how Kubernetes names capabilities (upper case, without 'CAP_'): write 'NET_RAW'");
  });

  test('that are unknown are refused with the closest name', () => {
    expect(() => api({ security: { addCapabilities: ['NET_BIND_SERVICES'] } })).toThrow(
      "shop/api: 'security.addCapabilities[0]' ('NET_BIND_SERVICES') is not a Linux capability: did you mean 'NET_BIND_SERVICE'? (see capabilities(7))",
    );
    expect(() => api({ security: { addCapabilities: ['SYS_ADMN'] } })).toThrow("did you mean 'SYS_ADMIN'?");
    expect(() => api({ security: { addCapabilities: ['ALL'] } })).toThrow(
      "shop/api: 'security.addCapabilities[0]' ('ALL') would add every capability back: list the ones the image needs, or set 'privileged: true' if it needs them all",
    );
    expect(() => api({ security: { addCapabilities: ['CHOWN', 'CHOWN'] } })).toThrow("'security.addCapabilities[1]' ('CHOWN') is listed twice: list each capability once");
  });

  test('of sidecars and init containers are checked too', () => {
    expect(() => api({ sidecars: [{ name: 'proxy', image: 'p:1', security: { addCapabilities: ['NET_ADMN'] } }] })).toThrow(
      "shop/api: 'sidecars[0].security.addCapabilities[0]' ('NET_ADMN') is not a Linux capability: did you mean 'NET_ADMIN'?",
    );
    expect(() => api({ initContainers: [{ name: 'setup', image: 's:1', security: { addCapabilities: ['CAP_CHOWN'] } }] })).toThrow(
      "'initContainers[0].security.addCapabilities[0]' ('CAP_CHOWN') is not how Kubernetes names capabilities",
    );
  });
});

describe('pod security fields', () => {
  test('render runAsUser / runAsGroup at pod level, supplementalGroups and sysctls', () => {
    const spec = withSecurity({
      podRunAsUser: 1000,
      podRunAsGroup: 3000,
      fsGroup: 2000,
      supplementalGroups: [4000, 5000],
      sysctls: { 'net.ipv4.ip_unprivileged_port_start': 0, 'net.ipv4.tcp_keepalive_time': '600' },
    });
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 3000,
      fsGroup: 2000,
      supplementalGroups: [4000, 5000],
      sysctls: [
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
        { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
      ],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0].securityContext.runAsUser).toBeUndefined();
  });

  test('refuse bad group ids, sysctl names and values', () => {
    expect(() => api({ security: { supplementalGroups: [1000, -2] } })).toThrow("shop/api: 'security.supplementalGroups[1]' (-2) must be an integer >= 0");
    expect(() => api({ security: { sysctls: { 'Net.IPv4 tcp': '1' } } })).toThrow(
      "shop/api: 'security.sysctls.Net.IPv4 tcp' ('1') has a name that is not a sysctl: lower-case words joined by '.' or '/', e.g. 'net.ipv4.tcp_keepalive_time'",
    );
    expect(() => api({ security: { sysctls: { 'net.core.somaxconn': '' } } })).toThrow("'security.sysctls.net.core.somaxconn' ('') must be a non-empty string or a number");
    expect(() => api({ security: { podRunAsUser: 0 } })).toThrow("'security.podRunAsUser' (0) is root, which 'runAsNonRoot' (true by default) refuses");
  });

  test('refuse network sysctls on a host-network pod', () => {
    expect(() => synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', hostNetwork: true, security: { sysctls: { 'net.core.somaxconn': 1024 } } }))).toThrow(
      "shop/agent: 'security.sysctls.net.core.somaxconn' (1024) cannot be set with 'hostNetwork: true': the pod shares the node's network namespace, so the sysctl would be the node's; set it on the node instead",
    );
    const objects = synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', hostNetwork: true, security: { sysctls: { 'kernel.shm_rmid_forced': 1 } } }));
    expect(find(objects, 'DaemonSet').spec.template.spec.securityContext.sysctls).toEqual([{ name: 'kernel.shm_rmid_forced', value: '1' }]);
  });

  test('are refused on sidecars and init containers, naming where they go', () => {
    for (const field of ['supplementalGroups', 'sysctls', 'podRunAsUser', 'hostUsers']) {
      const security = { [field]: field === 'hostUsers' ? false : field === 'sysctls' ? {} : field === 'podRunAsUser' ? 1 : [1] } as never;
      expect(() => api({ sidecars: [{ name: 'proxy', image: 'p:1', security }] })).toThrow(
        `'sidecars[0].security.${field}'`,
      );
    }
    expect(() => api({ initContainers: [{ name: 'setup', image: 's:1', security: { sysctls: { a: '1' } } as never }] })).toThrow(
      "shop/api: 'initContainers[0].security.sysctls' ({\"a\":\"1\"}) is a pod-level setting: set it in the workload's 'security'",
    );
  });
});

describe('SecurityPreset', () => {
  test('restricted() is the defaults', () => {
    expect(withSecurity(SecurityPreset.restricted())).toEqual(withSecurity({}));
  });

  test('rootThenDropPrivileges() lets an image start as root and step down, nothing more', () => {
    expect(SecurityPreset.rootThenDropPrivileges()).toEqual({ runAsNonRoot: false, addCapabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] });
    const spec = withSecurity(SecurityPreset.rootThenDropPrivileges({ fsGroup: 999, addCapabilities: ['SETUID', 'KILL'] }));
    expect(spec.securityContext).toEqual({ runAsNonRoot: false, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toEqual({
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID', 'KILL'] },
    });
  });

  test('fileCapabilities() allows privilege escalation so setcap binaries get their capability', () => {
    expect(SecurityPreset.fileCapabilities()).toEqual({ allowPrivilegeEscalation: true, addCapabilities: ['NET_BIND_SERVICE'] });
    const c = withSecurity(SecurityPreset.fileCapabilities(['NET_BIND_SERVICE', 'NET_RAW'])).containers[0].securityContext;
    expect(c).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'NET_RAW'] },
    });
    expect(() => api({ security: SecurityPreset.fileCapabilities(['cap_net_bind_service']) })).toThrow("write 'NET_BIND_SERVICE'");
  });

  test('works on a DaemonApp too', () => {
    const objects = synth((app) => new DaemonApp(app, 'agent', { image: 'agent:1', security: SecurityPreset.rootThenDropPrivileges() }));
    expect(find(objects, 'DaemonSet').spec.template.spec.securityContext.runAsNonRoot).toBe(false);
  });
});
