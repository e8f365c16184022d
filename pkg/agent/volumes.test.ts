import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiConfigMap, ApiSecret, Volume } from '../../api/core/v1';
import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { FakeResourceClient } from './fake-client';
import { FakeTokenIssuer } from './fake-token-issuer';
import { pod } from './test-builders';
import { TokenManager } from './token-manager';
import { VolumeError } from './volume-errors';
import { VolumeManager, type Mounter } from './volumes';

const info = (plural: string) => {
  const r = findResource('', 'v1', plural);
  if (!r) throw new Error(`${plural} missing`);
  return r;
};

/** Records tmpfs mounts instead of making them. */
class FakeMounter implements Mounter {
  mounted = new Map<string, number>();
  calls: string[] = [];
  async mountTmpfs(target: string, size: number) { this.calls.push(`mount ${path.basename(target)} ${size}`); this.mounted.set(target, size); }
  async umount(target: string) { this.calls.push(`umount ${path.basename(target)}`); this.mounted.delete(target); }
  mountsUnder(dir: string) { return [...this.mounted.keys()].filter((m) => m === dir || m.startsWith(`${dir}/`)); }
}

const setup = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vol-'));
  const configMaps = new FakeResourceClient<ApiConfigMap>(info('configmaps'));
  const secrets = new FakeResourceClient<ApiSecret>(info('secrets'));
  const mounter = new FakeMounter();
  let now = 0;
  const clock = { now: () => now };
  const issuer = new FakeTokenIssuer(clock);
  const tokens = new TokenManager({ serviceAccounts: issuer, clock, log: silentLogger(), random: () => 0 });
  const mgr = new VolumeManager({ podsDir: path.join(root, 'pods'), configMaps, secrets, tokens, mounter, log: silentLogger(), refreshMs: 1000, now: () => now });
  return { root, configMaps, secrets, issuer, tokens, mounter, mgr, tick: (ms: number) => { now += ms; }, done: () => fs.rmSync(root, { recursive: true, force: true }) };
};

const podWith = (volumes: Volume[]) => {
  const p = pod();
  p.spec = { ...p.spec, containers: p.spec?.containers ?? [], volumes };
  return p;
};

test('emptyDir (disk and Memory), configMap, secret, downwardAPI and hostPath under the pod directory', async () => {
  const t = setup();
  try {
    t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'v1' } });
    t.secrets.seed('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { pw: Buffer.from('x').toString('base64') } });
    const hostDir = path.join(t.root, 'host');
    const p = podWith([
      { name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'config', configMap: { name: 'cfg' } }, { name: 'creds', secret: { secretName: 'sec', defaultMode: 0o400 } },
      { name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      { name: 'host', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } },
    ]);
    const vols = await t.mgr.setUpPod(p);
    const volDir = path.join(t.root, 'pods', 'uid-1', 'volumes');
    expect(Object.fromEntries([...vols].map(([k, v]) => [k, [path.relative(t.root, v.hostPath), v.readOnly]]))).toEqual({
      scratch: ['pods/uid-1/volumes/kubernetes.io~empty-dir/scratch', false], mem: ['pods/uid-1/volumes/kubernetes.io~empty-dir/mem', false],
      config: ['pods/uid-1/volumes/kubernetes.io~configmap/config', true], creds: ['pods/uid-1/volumes/kubernetes.io~secret/creds', true],
      info: ['pods/uid-1/volumes/kubernetes.io~downward-api/info', true], host: ['host', false],
    });
    expect(fs.statSync(path.join(volDir, 'kubernetes.io~empty-dir', 'scratch')).mode & 0o777).toBe(0o777);
    // Memory emptyDir with its sizeLimit; secret and downwardAPI on tmpfs too (kubelet: their data never touches the disk).
    expect(t.mounter.calls).toEqual([`mount mem ${64 * 1024 * 1024}`, 'mount creds 0', 'mount info 0']);
    expect(fs.readFileSync(path.join(volDir, 'kubernetes.io~configmap', 'config', 'app.conf'), 'utf8')).toBe('v1');
    expect(fs.statSync(path.join(volDir, 'kubernetes.io~secret', 'creds', 'pw')).mode & 0o777).toBe(0o400);
    expect(fs.readFileSync(path.join(volDir, 'kubernetes.io~downward-api', 'info', 'name'), 'utf8')).toBe('web');
    expect(fs.statSync(hostDir).isDirectory()).toBe(true);

    await t.mgr.setUpPod(p); // idempotent: no tmpfs is mounted twice
    expect(t.mounter.calls).toHaveLength(3);

    await t.mgr.tearDownPod('uid-1');
    expect(t.mounter.calls.slice(3).sort()).toEqual(['umount creds', 'umount info', 'umount mem']);
    expect(fs.existsSync(path.join(t.root, 'pods', 'uid-1'))).toBe(false);
    expect(fs.existsSync(hostDir)).toBe(true); // a hostPath is the host's, never removed
  } finally { t.done(); }
});

test('a changed configMap is written on the next due setup', async () => {
  const t = setup();
  try {
    const cm = t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { k: 'one' } });
    const p = podWith([{ name: 'config', configMap: { name: 'cfg' } }]);
    const vols = await t.mgr.setUpPod(p);
    const file = path.join(vols.get('config')?.hostPath ?? '', 'k');
    await t.configMaps.update('default', { ...cm, data: { k: 'two' } });
    expect(t.mgr.due(p, false)).toBe(false);
    t.tick(1000);
    expect(t.mgr.due(p, false)).toBe(true);
    await t.mgr.setUpPod(p);
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
  } finally { t.done(); }
});

test.each([
  { name: 'a missing configMap', v: { name: 'c', configMap: { name: 'nope' } }, msg: 'MountVolume.SetUp failed for volume "c" : configmap "nope" not found' },
  { name: 'a missing secret', v: { name: 's', secret: { secretName: 'nope' } }, msg: 'MountVolume.SetUp failed for volume "s" : secret "nope" not found' },
  { name: 'a hostPath of the wrong type', v: { name: 'h', hostPath: { path: '/proc/self/status', type: 'Directory' } }, msg: 'is not a directory' },
  { name: 'a token of a missing service account', v: { name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    msg: 'MountVolume.SetUp failed for volume "t" : failed to fetch token: serviceaccounts "default" not found', noServiceAccounts: true },
  { name: 'an unsupported type', v: { name: 'n', nfs: { server: 's', path: '/' } }, msg: 'unsupported volume type' },
])('$name is a VolumeError', async ({ v, msg, noServiceAccounts }) => {
  const t = setup();
  try {
    if (noServiceAccounts) t.issuer.serviceAccounts.clear();
    const err = await t.mgr.setUpPod(podWith([v as Volume])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VolumeError);
    expect((err as VolumeError).message).toContain(msg);
  } finally { t.done(); }
});

test('optional sources that are missing give empty volumes', async () => {
  const t = setup();
  try {
    const vols = await t.mgr.setUpPod(podWith([{ name: 'c', configMap: { name: 'nope', optional: true } }, { name: 's', secret: { secretName: 'nope', optional: true } }]));
    expect(fs.readdirSync(vols.get('c')?.hostPath ?? '').filter((n) => !n.startsWith('..'))).toEqual([]);
  } finally { t.done(); }
});

test('projected: configMap, secret and downwardAPI in one directory', async () => {
  const t = setup();
  try {
    t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } });
    t.secrets.seed('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { b: Buffer.from('2').toString('base64') } });
    const vols = await t.mgr.setUpPod(podWith([{ name: 'all', projected: { sources: [
      { configMap: { name: 'cfg' } }, { secret: { name: 'sec' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
    ] } }]));
    const dir = vols.get('all')?.hostPath ?? '';
    expect(t.mounter.calls).toEqual(['mount all 0']);
    expect(['a', 'b', 'ns'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))).toEqual(['1', '2', 'default']);
  } finally { t.done(); }
});

test('a disk emptyDir records its sizeLimit (for eviction); a Memory one is bounded by its tmpfs', async () => {
  const t = setup();
  try {
    const vols = await t.mgr.setUpPod(podWith([
      { name: 'disk', emptyDir: { sizeLimit: '1Mi' } }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }, { name: 'plain', emptyDir: {} },
    ]));
    expect(vols.get('disk')?.sizeLimit).toBe(1024 * 1024);
    expect(vols.get('mem')?.sizeLimit).toBeUndefined();
    expect(vols.get('plain')?.sizeLimit).toBeUndefined();
  } finally { t.done(); }
});

/** The volume the ServiceAccount admission plugin adds (kube-api-access-<suffix>). */
const apiAccess = (defaultMode?: number): Volume => ({ name: 'kube-api-access', projected: { ...(defaultMode !== undefined ? { defaultMode } : {}), sources: [
  { serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } },
  { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
  { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
] } });

test('projected: a service account token beside configMap and downwardAPI files, with the volume mode', async () => {
  const t = setup();
  try {
    t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': 'CA' } });
    t.issuer.serviceAccounts.add('default/builder');
    const p = podWith([apiAccess(0o640)]);
    p.spec = { ...p.spec, containers: p.spec?.containers ?? [], serviceAccountName: 'builder' };
    const dir = (await t.mgr.setUpPod(p)).get('kube-api-access')?.hostPath ?? '';
    const files = ['token', 'ca.crt', 'namespace'].map((f) => [fs.readFileSync(path.join(dir, f), 'utf8'), (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8)]);
    expect(files).toEqual([['token-1', '640'], ['CA', '640'], ['default', '640']]);
    expect(t.issuer.requests.map((r) => [r.namespace, r.name, r.body.spec])).toEqual([['default', 'builder',
      { audiences: ['api'], expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'uid-1' } }]]);
  } finally { t.done(); }
});

test('a refresh writes a new token only once the old one is due; teardown forgets the pod\'s tokens', async () => {
  const t = setup();
  try {
    t.configMaps.seed('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': 'CA' } });
    const p = podWith([apiAccess()]);
    const file = path.join((await t.mgr.setUpPod(p)).get('kube-api-access')?.hostPath ?? '', 'token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    t.tick(1000);
    await t.mgr.setUpPod(p);
    expect([fs.readFileSync(file, 'utf8'), t.issuer.requests.length]).toEqual(['token-1', 1]);
    t.tick(2880 * 1000); // past 80% of the hour
    expect(t.mgr.due(p, false)).toBe(true);
    await t.mgr.setUpPod(p);
    expect([fs.readFileSync(file, 'utf8'), t.issuer.requests.length]).toEqual(['token-2', 2]);
    await t.mgr.tearDownPod('uid-1');
    expect(t.tokens.size()).toBe(0);
  } finally { t.done(); }
});
