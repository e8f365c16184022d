import type { ObjectMeta } from '../../../../api/meta/v1';
import type { Container, PodSpec, SecurityContext } from '../../../../api/core/v1';
import { evaluatePod, violationsMessage, type Level } from './policy';

const ctr = (name: string, securityContext?: SecurityContext, more: Partial<Container> = {}): Container =>
  ({ name, image: 'busybox', ...(securityContext ? { securityContext } : {}), ...more });
const pod = (spec: Partial<PodSpec>): PodSpec => ({ containers: [ctr('c')], ...spec }) as PodSpec;

/** A container security context that meets restricted on its own. */
const locked: SecurityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const lockedWith = (sc: SecurityContext): SecurityContext => ({ ...locked, ...sc });

const check = (level: Level, spec: PodSpec, meta?: ObjectMeta) => evaluatePod(level, meta, spec);

describe('evaluatePod, baseline checks', () => {
  it.each<[string, PodSpec, string, string]>([
    ['hostProcess on pod and containers',
      pod({
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [ctr('a', { windowsOptions: { hostProcess: true } }), ctr('b', { windowsOptions: { hostProcess: true } })],
      }),
      'hostProcess', 'pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true'],
    ['hostProcess on one container',
      pod({ containers: [ctr('a', { windowsOptions: { hostProcess: true } }), ctr('b', { windowsOptions: { hostProcess: false } })] }),
      'hostProcess', 'container "a" must not set securityContext.windowsOptions.hostProcess=true'],
    ['host namespaces', pod({ hostNetwork: true, hostPID: true, hostIPC: true }), 'host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true'],
    ['one host namespace', pod({ hostPID: true }), 'host namespaces', 'hostPID=true'],
    ['privileged init, app and ephemeral containers',
      pod({
        initContainers: [ctr('i', { privileged: true })],
        containers: [ctr('a', { privileged: true }), ctr('b', { privileged: false })],
        ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }],
      }),
      'privileged', 'containers "i", "a", "e" must not set securityContext.privileged=true'],
    ['privileged container', pod({ containers: [ctr('a', { privileged: true })] }), 'privileged', 'container "a" must not set securityContext.privileged=true'],
    ['non-default capabilities',
      pod({ containers: [
        ctr('a', { capabilities: { add: ['SYS_ADMIN', 'CHOWN', 'NET_RAW'] } }),
        ctr('b', { capabilities: { add: ['SYS_ADMIN'] } }),
        ctr('c', { capabilities: { add: ['CHOWN'] } }),
      ] }),
      'non-default capabilities', 'containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add'],
    ['non-default capability', pod({ containers: [ctr('a', { capabilities: { add: ['NET_RAW'] } })] }),
      'non-default capabilities', 'container "a" must not include "NET_RAW" in securityContext.capabilities.add'],
    ['hostPath volumes', pod({ volumes: [{ name: 'h1', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'h2', hostPath: { path: '/etc' } }] }),
      'hostPath volumes', 'volumes "h1", "h2"'],
    ['hostPath volume', pod({ volumes: [{ name: 'h1', hostPath: { path: '/' } }] }), 'hostPath volumes', 'volume "h1"'],
    ['host ports, sorted as strings',
      pod({ containers: [
        ctr('a', undefined, { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 10000 }] }),
        ctr('b', undefined, { ports: [{ containerPort: 9, hostPort: 9 }, { containerPort: 10, hostPort: 0 }] }),
      ] }),
      'hostPort', 'containers "a", "b" use hostPorts 10000, 8080, 9'],
    ['host port', pod({ containers: [ctr('a', undefined, { ports: [{ containerPort: 80, hostPort: 8080 }] })] }), 'hostPort', 'container "a" uses hostPort 8080'],
    ['probe and lifecycle hosts, containers sorted',
      pod({ containers: [
        ctr('b', undefined, { livenessProbe: { httpGet: { host: 'x.example', port: 80 } } }),
        ctr('a', undefined, { lifecycle: { preStop: { tcpSocket: { host: '10.0.0.1', port: 22 } } }, startupProbe: { tcpSocket: { host: 'x.example', port: 1 } } }),
      ] }),
      'probe or lifecycle host', 'containers "a", "b" use probe or lifecycle hosts "10.0.0.1", "x.example"'],
    ['probe host', pod({ containers: [ctr('a', undefined, { readinessProbe: { httpGet: { host: 'h', port: 80 } } })] }),
      'probe or lifecycle host', 'container "a" uses probe or lifecycle host "h"'],
    ['AppArmor profile on the pod', pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }),
      'forbidden AppArmor profile', 'pod must not set AppArmor profile type to "Unconfined"'],
    ['AppArmor profile on an init container', pod({ initContainers: [ctr('i', { appArmorProfile: { type: 'Unconfined' } })] }),
      'forbidden AppArmor profile', 'container "i" must not set AppArmor profile type to "Unconfined"'],
    ['seLinuxOptions on pod and containers',
      pod({
        securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } },
        containers: [
          ctr('a', { seLinuxOptions: { type: 'container_t' } }), ctr('b', { seLinuxOptions: { type: 'container_init_t' } }),
          ctr('c', { seLinuxOptions: { type: 'container_kvm_t' } }), ctr('d', { seLinuxOptions: { type: 'bar' } }),
          ctr('e', { seLinuxOptions: { user: 'bar' } }), ctr('f', { seLinuxOptions: { role: 'baz' } }),
        ],
      }),
      'seLinuxOptions', 'pod and containers "d", "e", "f" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set'],
    ['seLinux user alone', pod({ containers: [ctr('a', { seLinuxOptions: { user: 'u' } })] }),
      'seLinuxOptions', 'container "a" set forbidden securityContext.seLinuxOptions: user may not be set'],
    ['procMount', pod({ containers: [ctr('a', { procMount: 'Unmasked' }), ctr('b', { procMount: 'Default' })] }),
      'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
    ['seccompProfile on pod and container',
      pod({
        securityContext: { seccompProfile: { type: 'Unconfined' } },
        containers: [ctr('a', { seccompProfile: { type: 'Unconfined' } }), ctr('b', { seccompProfile: { type: 'Localhost' } })],
      }),
      'seccompProfile', 'pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined"'],
    ['unsafe sysctls, in pod order',
      pod({ securityContext: { sysctls: ['kernel.msgmax', 'net.ipv4.tcp_rmem', 'net.core.somaxconn'].map((name) => ({ name, value: '1' })) } }),
      'forbidden sysctls', 'kernel.msgmax, net.core.somaxconn'],
  ])('%s', (_name, spec, reason, detail) => {
    expect(check('baseline', spec)).toEqual([{ reason, detail }]);
  });

  it('passes what baseline allows', () => {
    const allowed = pod({
      securityContext: {
        windowsOptions: { hostProcess: false },
        appArmorProfile: { type: 'RuntimeDefault' },
        seLinuxOptions: { type: 'container_engine_t', level: 's0:c1,c2' },
        seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
        sysctls: [
          'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
          'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
          'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
        ].map((name) => ({ name, value: '1' })),
      },
      hostNetwork: false,
      volumes: [{ name: 'e', emptyDir: {} }],
      containers: [ctr('a', {
        privileged: false,
        procMount: 'Default',
        appArmorProfile: { type: 'Localhost', localhostProfile: 'p' },
        seccompProfile: { type: 'RuntimeDefault' },
        capabilities: {
          add: ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'],
        },
      }, {
        ports: [{ containerPort: 80, hostPort: 0 }],
        livenessProbe: { httpGet: { host: '', port: 80 } },
        lifecycle: { postStart: { httpGet: { port: 80 } } },
      })],
    });
    const meta: ObjectMeta = { annotations: {
      'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/b': 'localhost/foo',
      'container.apparmor.security.beta.kubernetes.io/c': '',
      env: 'unconfined',
    } };
    expect(check('baseline', allowed, meta)).toEqual([]);
  });

  it('checks both AppArmor fields and the legacy annotations, values sorted and annotations after them', () => {
    const meta: ObjectMeta = { annotations: {
      'container.apparmor.security.beta.kubernetes.io/f': 'unknown',
      'container.apparmor.security.beta.kubernetes.io/e': 'unconfined',
      'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/d': 'localhost/foo',
      env: 'prod',
    } };
    const spec = pod({ containers: [ctr('a', { appArmorProfile: { type: 'Unconfined' } }), ctr('z', { appArmorProfile: { type: 'Bogus' } })] });
    expect(check('baseline', spec, meta)).toEqual([{
      reason: 'forbidden AppArmor profiles',
      detail: 'containers "a", "z" and annotations must not set AppArmor profile type to "Bogus", "Unconfined", '
        + '"container.apparmor.security.beta.kubernetes.io/e="unconfined"", "container.apparmor.security.beta.kubernetes.io/f="unknown""',
    }]);
    expect(check('baseline', pod({}), { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } })).toEqual([{
      reason: 'forbidden AppArmor profile',
      detail: 'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined""',
    }]);
    // Values are quoted as Go's %q quotes them.
    expect(check('baseline', pod({}), { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'a"b\n\x01' } })[0].detail)
      .toBe('annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="a\\"b\\n\\x01""');
  });

  it('lets a pod in a user namespace unmask /proc under baseline, not restricted', () => {
    const spec = pod({ hostUsers: false, securityContext: { runAsNonRoot: true }, containers: [ctr('a', lockedWith({ procMount: 'Unmasked' }))] });
    expect(check('baseline', spec)).toEqual([]);
    expect(check('restricted', spec)).toEqual([{ reason: 'procMount', detail: 'container "a" must not set securityContext.procMount to "Unmasked"' }]);
  });
});

describe('evaluatePod, restricted checks', () => {
  it.each<[string, PodSpec, string, string]>([
    ['allowPrivilegeEscalation unset or true',
      pod({ containers: [ctr('a', lockedWith({ allowPrivilegeEscalation: true })), ctr('b', lockedWith({ allowPrivilegeEscalation: undefined })), ctr('d', locked)] }),
      'allowPrivilegeEscalation != false', 'containers "a", "b" must set securityContext.allowPrivilegeEscalation=false'],
    ['allowPrivilegeEscalation on an ephemeral container',
      pod({ containers: [ctr('a', locked)], ephemeralContainers: [{ name: 'debug', securityContext: lockedWith({ allowPrivilegeEscalation: true }) }] }),
      'allowPrivilegeEscalation != false', 'container "debug" must set securityContext.allowPrivilegeEscalation=false'],
    ['capabilities not dropped, or added beyond NET_BIND_SERVICE',
      pod({ containers: [
        ctr('a', lockedWith({ capabilities: { add: ['NET_BIND_SERVICE'] } })),
        ctr('b', lockedWith({ capabilities: { drop: ['ALL'], add: ['SYS_TIME', 'NET_RAW', 'NET_BIND_SERVICE'] } })),
        ctr('c', lockedWith({ capabilities: undefined })),
      ] }),
      'unrestricted capabilities',
      'containers "a", "c" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "NET_RAW", "SYS_TIME" in securityContext.capabilities.add'],
    ['restricted volume types',
      pod({ containers: [ctr('a', locked)], volumes: [
        { name: 'cm', configMap: { name: 'x' } }, { name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'x' },
      ] }),
      'restricted volume types', 'volumes "h", "n", "x" use restricted volume types "hostPath", "nfs", "unknown"'],
    ['restricted volume type', pod({ containers: [ctr('a', locked)], volumes: [{ name: 'g', gitRepo: { repository: 'r' } }] }),
      'restricted volume types', 'volume "g" uses restricted volume type "gitRepo"'],
    ['runAsNonRoot=false on pod and container',
      pod({ securityContext: { runAsNonRoot: false }, containers: [ctr('a', lockedWith({ runAsNonRoot: false })), ctr('b', lockedWith({ runAsNonRoot: undefined }))] }),
      'runAsNonRoot != true', 'pod and container "a" must not set securityContext.runAsNonRoot=false'],
    ['runAsNonRoot unset on pod and containers',
      pod({ containers: [ctr('a', locked), ctr('b', lockedWith({ runAsNonRoot: undefined })), ctr('c', lockedWith({ runAsNonRoot: undefined }))] }),
      'runAsNonRoot != true', 'pod or containers "b", "c" must set securityContext.runAsNonRoot=true'],
    ['runAsUser=0', pod({ securityContext: { runAsUser: 0 }, containers: [ctr('a', lockedWith({ runAsUser: 0 })), ctr('b', lockedWith({ runAsUser: 1000 }))] }),
      'runAsUser=0', 'pod and container "a" must not set runAsUser=0'],
    ['runAsUser=0 on containers', pod({ containers: [ctr('a', lockedWith({ runAsUser: 0 })), ctr('b', lockedWith({ runAsUser: 0 }))] }),
      'runAsUser=0', 'containers "a", "b" must not set runAsUser=0'],
    ['seccompProfile unset', pod({ containers: [ctr('a', locked), ctr('b', lockedWith({ seccompProfile: undefined }))] }),
      'seccompProfile', 'pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"'],
    ['seccompProfile forbidden, said once',
      pod({ containers: [ctr('a', lockedWith({ seccompProfile: { type: 'Unconfined' } })), ctr('b', lockedWith({ seccompProfile: undefined }))] }),
      'seccompProfile', 'container "a" must not set securityContext.seccompProfile.type to "Unconfined"'],
  ])('%s', (_name, spec, reason, detail) => {
    expect(check('restricted', spec)).toEqual([{ reason, detail }]);
  });

  it('lets pod-level runAsNonRoot and seccompProfile stand for containers that leave them unset', () => {
    const spec = pod({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
      containers: [ctr('a', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })],
    });
    expect(check('restricted', spec)).toEqual([]);
  });

  it('passes all nine allowed volume types', () => {
    const spec = pod({
      containers: [ctr('a', locked)],
      volumes: [
        { name: 'a', configMap: { name: 'x' } }, { name: 'b', csi: { driver: 'd' } }, { name: 'c', downwardAPI: {} }, { name: 'd', emptyDir: {} },
        { name: 'e', ephemeral: {} }, { name: 'f', image: { reference: 'busybox' } }, { name: 'g', persistentVolumeClaim: { claimName: 'c' } },
        { name: 'h', projected: {} }, { name: 'i', secret: { secretName: 's' } },
      ],
    });
    expect(check('restricted', spec)).toEqual([]);
  });

  it('skips allowPrivilegeEscalation, capabilities and seccompProfile for Windows pods', () => {
    const spec = pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [ctr('a')] });
    expect(check('restricted', spec)).toEqual([]);
    expect(check('restricted', { ...spec, os: { name: 'linux' } }).map((v) => v.reason))
      .toEqual(['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'seccompProfile']);
  });

  it('skips runAsNonRoot and runAsUser for pods in a user namespace', () => {
    const spec = pod({ hostUsers: false, securityContext: { runAsUser: 0, runAsNonRoot: false }, containers: [ctr('a', lockedWith({ runAsNonRoot: false, runAsUser: 0 }))] });
    expect(check('restricted', spec)).toEqual([]);
    expect(check('restricted', { ...spec, hostUsers: true }).map((v) => v.reason)).toEqual(['runAsNonRoot != true', 'runAsUser=0']);
  });

  it('replaces the baseline checks it tightens instead of repeating them', () => {
    const spec = pod({
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      containers: [ctr('a', lockedWith({ capabilities: { drop: ['ALL'], add: ['NET_RAW'] }, seccompProfile: { type: 'Unconfined' }, procMount: 'Unmasked' }))],
    });
    expect(check('baseline', spec).map((v) => v.reason)).toEqual(['non-default capabilities', 'hostPath volumes', 'procMount', 'seccompProfile']);
    expect(check('restricted', spec).map((v) => v.reason)).toEqual(['unrestricted capabilities', 'procMount', 'restricted volume types', 'seccompProfile']);
  });
});

describe('evaluatePod, levels and order', () => {
  const busybox = pod({ containers: [{ name: 'c', image: 'busybox' }] });

  it('passes a default pod at baseline and fails it at restricted with upstream four violations and message', () => {
    expect(check('baseline', busybox)).toEqual([]);
    const vs = check('restricted', busybox);
    expect(vs).toEqual([
      { reason: 'allowPrivilegeEscalation != false', detail: 'container "c" must set securityContext.allowPrivilegeEscalation=false' },
      { reason: 'unrestricted capabilities', detail: 'container "c" must set securityContext.capabilities.drop=["ALL"]' },
      { reason: 'runAsNonRoot != true', detail: 'pod or container "c" must set securityContext.runAsNonRoot=true' },
      { reason: 'seccompProfile', detail: 'pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
    ]);
    expect(violationsMessage(vs)).toBe('allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), '
      + 'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), '
      + 'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  it('passes a fully restricted pod at every level', () => {
    const spec = pod({
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [ctr('init', locked)],
      containers: [ctr('app', { ...locked, runAsUser: 1001, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'tmp', emptyDir: {} }],
    });
    for (const level of ['privileged', 'baseline', 'restricted'] as const) expect(check(level, spec)).toEqual([]);
  });

  it('runs baseline checks then restricted checks, each in upstream check-ID order', () => {
    const everything = pod({
      hostNetwork: true,
      hostUsers: true,
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }], seLinuxOptions: { user: 'u' }, windowsOptions: { hostProcess: true } },
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      containers: [ctr('a', {
        privileged: true, runAsUser: 0, procMount: 'Unmasked', allowPrivilegeEscalation: true, runAsNonRoot: false,
        appArmorProfile: { type: 'Unconfined' }, seccompProfile: { type: 'Unconfined' }, capabilities: { add: ['SYS_ADMIN'] },
      }, { ports: [{ containerPort: 1, hostPort: 1 }], livenessProbe: { tcpSocket: { host: 'h', port: 1 } } })],
    });
    expect(check('baseline', everything).map((v) => v.reason)).toEqual([
      'forbidden AppArmor profile', 'non-default capabilities', 'host namespaces', 'hostPath volumes', 'hostPort', 'probe or lifecycle host', 'privileged',
      'procMount', 'seLinuxOptions', 'seccompProfile', 'forbidden sysctls', 'hostProcess',
    ]);
    expect(check('restricted', everything).map((v) => v.reason)).toEqual([
      'forbidden AppArmor profile', 'host namespaces', 'hostPort', 'probe or lifecycle host', 'privileged', 'seLinuxOptions', 'forbidden sysctls', 'hostProcess',
      'allowPrivilegeEscalation != false', 'unrestricted capabilities', 'procMount', 'restricted volume types', 'runAsNonRoot != true', 'runAsUser=0', 'seccompProfile',
    ]);
    expect(check('privileged', everything)).toEqual([]);
  });

  it('treats a missing spec or metadata as empty', () => {
    expect(evaluatePod('restricted', undefined, undefined)).toEqual([]);
    expect(evaluatePod('restricted', undefined, busybox)).toHaveLength(4);
  });
});

describe('violationsMessage', () => {
  it('puts details in parentheses and leaves reasons without details alone', () => {
    expect(violationsMessage([{ reason: 'a', detail: '' }, { reason: 'b', detail: 'x' }])).toBe('a, b (x)');
    expect(violationsMessage([])).toBe('');
  });
});
