import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { silentLogger } from '../../log';
import { buildImageLayout, buildLayerTar, writeLayoutArchive, type LayerEntry } from './oci-writer';
import { ImageStore } from './store';
import { MediaType } from './types';
import { safeComponents, unpackLayer, UnsafeLayerError } from './unpack';

const isRoot = process.geteuid?.() === 0;
// Whiteouts need mknod and trusted.* xattrs: root, which hack/test.sh requires.
const rootIt = it;

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(join(tmpdir(), 'berth-unpack-')); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

const noMarks = async () => undefined;

const unpack = async (entries: LayerEntry[], lowerDirs: string[] = []) => {
  const dest = join(tmp, `fs-${Math.random().toString(36).slice(2)}`);
  await mkdir(dest);
  const blob = Readable.from([gzipSync(await buildLayerTar(entries, true))]);
  const res = await unpackLayer({ blob, mediaType: MediaType.ociLayerGzip, dest, lowerDirs, applyMarks: isRoot ? undefined : noMarks });
  return { dest, res };
};

describe('safeComponents', () => {
  test.each([
    { name: './a/b', want: ['a', 'b'] },
    { name: 'a//b/', want: ['a', 'b'] },
    { name: './', want: [] },
    { name: 'a/./b', want: ['a', 'b'] },
  ])('$name', ({ name, want }) => expect(safeComponents(name)).toEqual(want));
  test.each(['../x', 'a/../../x', 'a/..', '/etc/passwd'])('refuses %s', (name) => {
    expect(() => safeComponents(name)).toThrow(UnsafeLayerError);
  });
});

describe('unpackLayer', () => {
  test('files, dirs, symlinks, hardlinks, modes and mtimes', async () => {
    const { dest, res } = await unpack([
      { path: 'etc', type: 'directory', mode: 0o750 },
      { path: 'etc/conf', type: 'file', mode: 0o640, content: 'x=1\n', uid: 1000, gid: 1000 },
      { path: 'etc/link', type: 'symlink', linkname: '/etc/conf' },
      { path: 'etc/hard', type: 'link', linkname: 'etc/conf' },
      { path: 'tmp', type: 'directory', mode: 0o1777 },
      { path: 'deep/er/file', type: 'file', content: 'implicit parents' },
    ]);
    expect(res.entries).toBe(6);
    expect(res.diffID).toMatch(/^sha256:/);
    expect(await readFile(join(dest, 'etc/conf'), 'utf8')).toBe('x=1\n');
    expect(await readlink(join(dest, 'etc/link'))).toBe('/etc/conf');
    const conf = await stat(join(dest, 'etc/conf'));
    expect(conf.mode & 0o7777).toBe(0o640);
    expect((await stat(join(dest, 'etc/hard'))).ino).toBe(conf.ino);
    expect((await stat(join(dest, 'etc'))).mode & 0o7777).toBe(0o750);
    expect((await stat(join(dest, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await stat(join(dest, 'etc'))).mtime.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(await readFile(join(dest, 'deep/er/file'), 'utf8')).toBe('implicit parents');
    if (isRoot) expect([conf.uid, conf.gid]).toEqual([1000, 1000]);
  });

  test.each([
    { name: 'parent traversal', entries: [{ path: '../evil', type: 'file' as const, content: 'x' }] },
    { name: 'absolute path', entries: [{ path: '/evil', type: 'file' as const, content: 'x' }] },
    { name: 'hardlink out of the layer', entries: [{ path: 'h', type: 'link' as const, linkname: '../../etc/passwd' }] },
    {
      name: 'write through a symlink', entries: [
        { path: 'esc', type: 'symlink' as const, linkname: '/tmp' },
        { path: 'esc/owned', type: 'file' as const, content: 'x' },
      ],
    },
  ])('refuses $name', async ({ entries }) => {
    await expect(unpack(entries)).rejects.toThrow(UnsafeLayerError);
    await expect(stat('/tmp/owned')).rejects.toThrow('ENOENT');
    await expect(stat(join(tmp, 'evil'))).rejects.toThrow('ENOENT');
  });

  test('a zstd layer (tar+zstd) through the zstd program: same files, diff_id of the tar; a corrupt one fails', async () => {
    const tarBytes = await buildLayerTar([{ path: 'etc', type: 'directory' }, { path: 'etc/z', type: 'file', content: 'zstd-layer\n' }], true);
    const zst = spawnSync('zstd', ['-q', '-c'], { input: tarBytes });
    expect(zst.status).toBe(0);
    const dest = join(tmp, 'fs-zstd');
    await mkdir(dest);
    const res = await unpackLayer({ blob: Readable.from([zst.stdout]), mediaType: MediaType.ociLayerZstd, dest, lowerDirs: [], applyMarks: noMarks });
    expect(await readFile(join(dest, 'etc', 'z'), 'utf8')).toBe('zstd-layer\n');
    expect(res.diffID).toBe(`sha256:${createHash('sha256').update(tarBytes).digest('hex')}`);
    const bad = join(tmp, 'fs-bad');
    await mkdir(bad);
    await expect(unpackLayer({ blob: Readable.from([Buffer.from('not zstd at all')]), mediaType: MediaType.ociLayerZstd, dest: bad, lowerDirs: [], applyMarks: noMarks }))
      .rejects.toThrow(/zstd -d exited with 1/);
  });

  test('a hardlink to a file in a lower layer copies it up', async () => {
    const lower = await unpack([{ path: 'bin/tool', type: 'file', mode: 0o755, content: 'tool' }]);
    const { dest } = await unpack([{ path: 'usr/bin/tool', type: 'link', linkname: 'bin/tool' }], [lower.dest]);
    expect(await readFile(join(dest, 'usr/bin/tool'), 'utf8')).toBe('tool');
  });

  rootIt('whiteouts become 0/0 char devices and .wh..wh..opq an opaque xattr, and overlayfs honours them', async () => {
    const store = new ImageStore({ root: join(tmp, 'rt'), log: silentLogger() });
    const layout = await buildImageLayout({
      name: 'wh:1', config: {},
      layers: [
        [
          { path: 'etc/keep', type: 'file', content: 'keep' },
          { path: 'etc/gone', type: 'file', content: 'gone' },
          { path: 'data/old', type: 'file', content: 'old' },
        ],
        [
          { path: 'etc/.wh.gone', type: 'file' },
          { path: 'data/.wh..wh..opq', type: 'file' },
          { path: 'data/new', type: 'file', content: 'new' },
        ],
      ],
    });
    await writeLayoutArchive(join(tmp, 'wh.tar'), layout);
    const [img] = await store.importArchive(join(tmp, 'wh.tar'));
    const [top, bottom] = await store.prepareSnapshots(img);
    expect(await readFile(join(bottom, 'etc/gone'), 'utf8')).toBe('gone');
    const wh = await lstat(join(top, 'etc/gone'));
    expect(wh.isCharacterDevice()).toBe(true);
    expect(wh.rdev).toBe(0);
    const xattr = spawnSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(top, 'data')], { encoding: 'utf8' });
    expect(xattr.stdout).toBe('y');
    expect(await readdir(join(top, 'data'))).toEqual(['new']);
    // The real check: stacked as lowerdirs, the file is gone and the opaque dir hides 'old'.
    const merged = join(tmp, 'merged');
    await mkdir(merged);
    const m = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${top}:${bottom}`, merged], { encoding: 'utf8' });
    expect(m.stderr).toBe('');
    try {
      expect((await readdir(join(merged, 'etc'))).sort()).toEqual(['keep']);
      expect(await readdir(join(merged, 'data'))).toEqual(['new']);
    } finally {
      spawnSync('umount', [merged]);
    }
  });

  test('a layer whose content does not hash to its diff_id is refused and not kept', async () => {
    const store = new ImageStore({ root: join(tmp, 'rt'), log: silentLogger() });
    const layout = await buildImageLayout({ name: 'x:1', config: {}, layers: [[{ path: 'a', type: 'file', content: 'a' }]] });
    await writeLayoutArchive(join(tmp, 'x.tar'), layout);
    const [img] = await store.importArchive(join(tmp, 'x.tar'));
    const wrong = { ...img, layers: [{ ...img.layers[0], diffID: `sha256:${'1'.repeat(64)}` }] };
    await expect(store.prepareSnapshots(wrong)).rejects.toThrow('unpacks to');
    expect(await readdir(join(tmp, 'rt', 'snapshots'))).toEqual([]);
  });

  test('a half-unpacked snapshot is redone; a done one is reused', async () => {
    const store = new ImageStore({ root: join(tmp, 'rt'), log: silentLogger() });
    const layout = await buildImageLayout({ name: 'x:1', config: {}, layers: [[{ path: 'a', type: 'file', content: 'a' }]] });
    await writeLayoutArchive(join(tmp, 'x.tar'), layout);
    const [img] = await store.importArchive(join(tmp, 'x.tar'));
    const snap = join(tmp, 'rt', 'snapshots', img.layers[0].diffID.slice(7));
    await mkdir(join(snap, 'fs'), { recursive: true });
    await writeFile(join(snap, 'fs', 'junk'), 'partial');
    const [dir] = await store.prepareSnapshots(img);
    expect(dir).toBe(join(snap, 'fs'));
    expect(await readdir(dir)).toEqual(['a']);
    await writeFile(join(dir, 'marker'), '');
    await store.prepareSnapshots(img);
    expect((await readdir(dir)).sort()).toEqual(['a', 'marker']);
  });
});
