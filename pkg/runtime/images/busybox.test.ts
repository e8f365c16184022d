// The base image hack/images builds from Debian's busybox-static imports, resolves under
// any busybox tag, and unpacks to a usable rootfs.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusyboxImage } from '../../../hack/images/build-busybox';
import { silentLogger } from '../../log';
import { ImageStore } from './store';

// Needs Debian's busybox-static (/bin/busybox), which hack/test.sh installs.
const bbIt = it;

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(join(tmpdir(), 'berth-busybox-')); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('busybox base image', () => {
  bbIt('builds reproducibly, imports, and unpacks with bin/sh -> busybox', async () => {
    const a = await buildBusyboxImage({ out: join(tmp, 'a.tar') });
    const b = await buildBusyboxImage({ out: join(tmp, 'b.tar') });
    expect(b.manifestDigest).toBe(a.manifestDigest);
    expect((await readFile(a.out)).equals(await readFile(b.out))).toBe(true);

    const store = new ImageStore({ root: join(tmp, 'rt'), log: silentLogger() });
    const [img] = await store.importArchive(a.out);
    expect(img.repoTags).toEqual(['docker.io/library/busybox:latest']);
    expect(img.manifestDigest).toBe(a.manifestDigest);
    expect(img.config).toEqual({ Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] });
    expect((await store.resolve('busybox:1.28'))?.id).toBe(img.id);

    const [rootfs] = await store.prepareSnapshots(img);
    expect(await readlink(join(rootfs, 'bin/sh'))).toBe('busybox');
    const wanted = ['sh', 'ls', 'ps', 'sleep', 'echo', 'cat', 'printenv', 'wget', 'nslookup', 'httpd', 'nc', 'hostname', 'top', 'id', 'env', 'dd', 'mount'];
    for (const app of wanted) expect(existsSync(join(rootfs, 'bin', app))).toBe(true);
    expect((await stat(join(rootfs, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect(await readFile(join(rootfs, 'etc/passwd'), 'utf8')).toContain('nobody:x:65534:65534:');
    expect(a.substituted).toEqual(expect.arrayContaining(['printenv']));
  });

  bbIt('the substitutes work inside the image (chroot)', async () => {
    if (process.geteuid?.() !== 0) return;
    const { out } = await buildBusyboxImage({ out: join(tmp, 'a.tar') });
    const store = new ImageStore({ root: join(tmp, 'rt'), log: silentLogger() });
    const [img] = await store.importArchive(out);
    const [rootfs] = await store.prepareSnapshots(img);
    const r = spawnSync('/usr/sbin/chroot', [rootfs, '/bin/sh', '-c', 'printenv FOO; printenv MISSING || echo unset; echo ab | hd | head -1; id -un'], {
      encoding: 'utf8', env: { FOO: 'bar', PATH: '/bin' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bar\nunset\n00000000  61 62 0a                                          |ab.|\nroot\n');
  });
});
