import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { container, pod } from './test-builders';
import { containerMounts } from './volume-mounts';
import type { PodVolumes } from './volumes';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vm-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const vol = (name: string, readOnly = false) => {
  const hostPath = path.join(root, name);
  fs.mkdirSync(hostPath, { recursive: true });
  return [name, { hostPath, readOnly }] as const;
};
const volumes: PodVolumes = new Map([vol('data'), vol('config', true)]);
const env = new Map([['POD_NAME', 'web']]);

test('volume mounts: read-only asked or API data, propagation, the hosts file last', () => {
  const c = container('app', { volumeMounts: [
    { name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '/ro', readOnly: true, mountPropagation: 'HostToContainer' },
    { name: 'config', mountPath: '/etc/app' },
  ] });
  expect(containerMounts(pod({ containers: [c] }), c, { volumes, hostsFile: '/pods/u/etc-hosts', env })).toEqual([
    { containerPath: '/data', hostPath: path.join(root, 'data'), readonly: false, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' },
    { containerPath: '/ro', hostPath: path.join(root, 'data'), readonly: true, selinuxRelabel: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
    { containerPath: '/etc/app', hostPath: path.join(root, 'config'), readonly: true, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' },
    { containerPath: '/etc/hosts', hostPath: '/pods/u/etc-hosts', readonly: false, selinuxRelabel: true, propagation: 'PROPAGATION_PRIVATE' },
  ]);
});

test('subPath and subPathExpr: a directory made inside the volume; escapes refused', () => {
  const c = container('app', { volumeMounts: [{ name: 'data', mountPath: '/a', subPath: 'x/y' }, { name: 'data', mountPath: '/b', subPathExpr: 'logs/$(POD_NAME)' }] });
  const mounts = containerMounts(pod({ containers: [c] }), c, { volumes, env });
  expect(mounts.map((m) => m.hostPath)).toEqual([path.join(root, 'data', 'x', 'y'), path.join(root, 'data', 'logs', 'web')]);
  expect(fs.statSync(path.join(root, 'data', 'logs', 'web')).isDirectory()).toBe(true);
  fs.symlinkSync('/etc', path.join(root, 'data', 'escape'));
  for (const subPath of ['../up', '/abs', 'escape']) {
    const bad = container('app', { volumeMounts: [{ name: 'data', mountPath: '/a', subPath }] });
    expect(() => containerMounts(pod({ containers: [bad] }), bad, { volumes, env })).toThrow(/subPath/);
  }
});

test('a missing volume, Bidirectional without privilege, and a container mounting /etc/hosts itself', () => {
  const missing = container('app', { volumeMounts: [{ name: 'nope', mountPath: '/x' }] });
  expect(() => containerMounts(pod({ containers: [missing] }), missing, { volumes, env })).toThrow(/cannot find volume "nope"/);
  const bidi = container('app', { volumeMounts: [{ name: 'data', mountPath: '/x', mountPropagation: 'Bidirectional' }] });
  expect(() => containerMounts(pod({ containers: [bidi] }), bidi, { volumes, env })).toThrow(/only to privileged/);
  const priv = container('app', { securityContext: { privileged: true }, volumeMounts: [{ name: 'data', mountPath: '/x', mountPropagation: 'Bidirectional' }] });
  expect(containerMounts(pod({ containers: [priv] }), priv, { volumes, env })[0].propagation).toBe('PROPAGATION_BIDIRECTIONAL');
  const own = container('app', { volumeMounts: [{ name: 'config', mountPath: '/etc/hosts', subPath: 'hosts' }] });
  expect(containerMounts(pod({ containers: [own] }), own, { volumes, hostsFile: '/h', env }).map((m) => m.containerPath)).toEqual(['/etc/hosts']);
});
