import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../log';
import { DigestError } from './digest';
import { buildImageLayout, writeLayoutArchive, writeLayoutDir, type ImageSpec, type LayerEntry } from './oci-writer';
import { ImageStore } from './store';

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(join(tmpdir(), 'berth-images-')); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

const base: LayerEntry[] = [
  { path: 'bin', type: 'directory' },
  { path: 'bin/hello', type: 'file', mode: 0o755, content: '#!/bin/sh\necho hello\n' },
];
const spec = (over: Partial<ImageSpec> = {}): ImageSpec => ({ name: 'docker.io/library/app:1', config: { Cmd: ['hello'] }, layers: [base], ...over });

const archive = async (name: string, s: ImageSpec): Promise<string> => {
  const p = join(tmp, name);
  await writeLayoutArchive(p, await buildImageLayout(s));
  return p;
};

const newStore = () => new ImageStore({ root: join(tmp, 'runtime'), log: silentLogger() });

const blobCount = async (): Promise<number> => (await readdir(join(tmp, 'runtime', 'images', 'blobs', 'sha256'))).length;

describe('ImageStore', () => {
  test('imports an OCI archive and resolves it by name, ID and digest', async () => {
    const store = newStore();
    const [img] = await store.importArchive(await archive('a.tar', spec()));
    expect(img.repoTags).toEqual(['docker.io/library/app:1']);
    expect(img.repoDigests).toEqual([`docker.io/library/app@${img.manifestDigest}`]);
    expect(img.config.Cmd).toEqual(['hello']);
    expect(img.layers).toHaveLength(1);
    expect(img.id).toMatch(/^sha256:[a-f0-9]{64}$/);
    for (const ref of ['app:1', 'docker.io/library/app:1', img.id, img.id.slice(7), `app@${img.manifestDigest}`]) {
      expect((await store.resolve(ref))?.id).toBe(img.id);
    }
    expect(await store.resolve('app:2')).toBeUndefined();
    expect(await store.resolve('other')).toBeUndefined();
  });

  test('state survives a new store on the same root', async () => {
    const [img] = await newStore().importArchive(await archive('a.tar', spec()));
    const again = newStore();
    expect((await again.resolve(img.id))?.repoTags).toEqual(['docker.io/library/app:1']);
    expect(await again.list()).toHaveLength(1);
  });

  test('imports an OCI layout directory', async () => {
    const dir = join(tmp, 'layout');
    await writeLayoutDir(dir, await buildImageLayout(spec({ name: 'localhost:5000/a/b:t' })));
    const [img] = await newStore().importArchive(dir);
    expect(img.repoTags).toEqual(['localhost:5000/a/b:t']);
  });

  test('refuses a blob whose content does not match its digest, and stores nothing of it', async () => {
    const layout = await buildImageLayout(spec());
    const layer = [...layout.blobs.keys()][0]; // layers are added first
    layout.blobs.set(layer, Buffer.from('tampered'));
    const p = join(tmp, 'bad.tar');
    await writeLayoutArchive(p, layout);
    const store = newStore();
    const err = await store.importArchive(p).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DigestError);
    expect((err as Error).message).toContain(`expected ${layer}`);
    expect(await store.list()).toEqual([]);
    expect(await readdir(join(tmp, 'runtime', 'images', 'blobs', 'sha256'))).not.toContain(layer.slice(7));
    expect(await readdir(join(tmp, 'runtime', 'images', 'tmp'))).toEqual(['ingest']);
    expect(await readdir(join(tmp, 'runtime', 'images', 'tmp', 'ingest'))).toEqual([]);
  });

  test('a layout without oci-layout is refused clearly', async () => {
    const dir = join(tmp, 'layout');
    await writeLayoutDir(dir, await buildImageLayout(spec()));
    await rm(join(dir, 'oci-layout'));
    await expect(newStore().importArchive(dir)).rejects.toThrow('missing oci-layout');
  });

  test('identical blobs are stored once', async () => {
    const store = newStore();
    await store.importArchive(await archive('a.tar', spec()));
    const n = await blobCount();
    // Same layer, other config: only a config and a manifest are new.
    const [b] = await store.importArchive(await archive('b.tar', spec({ name: 'app:2', config: { Cmd: ['other'] } })));
    expect(await blobCount()).toBe(n + 2);
    await store.importArchive(await archive('c.tar', spec()));
    expect(await blobCount()).toBe(n + 2);
    expect((await store.list()).map((i) => i.repoTags[0]).sort()).toEqual(['docker.io/library/app:1', 'docker.io/library/app:2']);
    expect(b.layers[0].digest).toBe((await store.resolve('app:1'))?.layers[0].digest);
  });

  test('any busybox tag falls back to busybox:latest and is then recorded', async () => {
    const store = newStore();
    expect(await store.resolve('busybox:1.28')).toBeUndefined();
    const [bb] = await store.importArchive(await archive('bb.tar', spec({ name: 'docker.io/library/busybox:latest' })));
    for (const ref of ['busybox', 'busybox:1.28', 'docker.io/library/busybox:1.36']) {
      expect((await store.resolve(ref))?.id).toBe(bb.id);
    }
    expect((await store.resolve('busybox:1.28'))?.repoTags).toEqual([
      'docker.io/library/busybox:1.28', 'docker.io/library/busybox:1.36', 'docker.io/library/busybox:latest',
    ]);
    expect(await store.resolve(`busybox@sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(await store.resolve('quay.io/busybox:1.28')).toBeUndefined();
  });

  test('remove drops a name, then the image and its unshared blobs', async () => {
    const store = newStore();
    const [a] = await store.importArchive(await archive('a.tar', spec()));
    await store.importArchive(await archive('b.tar', spec({ name: 'app:2', config: { Cmd: ['other'] } })));
    const before = await blobCount();
    await store.importArchive(await archive('a2.tar', spec({ name: 'app:1b' })));
    await store.remove('app:1');
    expect((await store.resolve(a.id))?.repoTags).toEqual(['docker.io/library/app:1b']);
    await store.remove(a.id);
    expect(await store.resolve(a.id)).toBeUndefined();
    expect(await blobCount()).toBe(before - 2);
    expect((await store.resolve('app:2'))?.layers[0].digest).toBe(a.layers[0].digest);
    await store.remove('app:1');
    const state = JSON.parse(await readFile(join(tmp, 'runtime', 'images', 'refs.json'), 'utf8')) as { refs: object };
    expect(Object.keys(state.refs)).toEqual(['docker.io/library/app:2']);
  });

  test('picks linux/amd64 from a multi-platform index', async () => {
    const amd = await buildImageLayout(spec({ name: undefined }));
    const arm = await buildImageLayout(spec({ name: undefined, config: { Cmd: ['arm'] } }));
    const list = {
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...arm.index.manifests[0], platform: { os: 'linux', architecture: 'arm64' } },
        { ...amd.index.manifests[0], platform: { os: 'linux', architecture: 'amd64' } },
      ],
    };
    const listBuf = Buffer.from(JSON.stringify(list));
    const { sha256Digest } = await import('./digest');
    const blobs = new Map([...amd.blobs, ...arm.blobs, [sha256Digest(listBuf), listBuf]]);
    const top = { mediaType: list.mediaType, digest: sha256Digest(listBuf), size: listBuf.length, annotations: { 'org.opencontainers.image.ref.name': 'multi:1' } };
    const p = join(tmp, 'multi.tar');
    await writeLayoutArchive(p, { index: { schemaVersion: 2, manifests: [top] }, blobs });
    const [img] = await newStore().importArchive(p);
    expect(img.config.Cmd).toEqual(['hello']);
    expect(img.manifestDigest).toBe(amd.index.manifests[0].digest);
    expect(img.repoDigests).toEqual([`docker.io/library/multi@${top.digest}`]);
  });

  test('fsInfo counts blobs and snapshots', async () => {
    const store = newStore();
    const empty = await store.fsInfo();
    const [img] = await store.importArchive(await archive('a.tar', spec()));
    await store.prepareSnapshots(img);
    const used = await store.fsInfo();
    expect(used.inodesUsed).toBeGreaterThan(empty.inodesUsed + 5);
    expect(used.usedBytes).toBeGreaterThan(empty.usedBytes);
  });

  test('a gzip-compressed archive is accepted', async () => {
    const { gzipSync } = await import('node:zlib');
    const p = await archive('a.tar', spec());
    await writeFile(`${p}.gz`, gzipSync(await readFile(p)));
    expect(await newStore().importArchive(`${p}.gz`)).toHaveLength(1);
  });

  test('image GC hooks: last use recorded at prepareSnapshots; prune keeps what images and in-use images need', async () => {
    let now = 1_000;
    const store = new ImageStore({ root: join(tmp, 'runtime'), log: silentLogger(), clock: () => now });
    const extra: LayerEntry[] = [{ path: 'extra', type: 'file', content: 'x' }];
    const [shared] = await store.importArchive(await archive('a.tar', spec()));
    const [top] = await store.importArchive(await archive('b.tar', spec({ name: 'docker.io/library/top:1', layers: [base, extra] })));
    expect((await store.gcCandidates()).map((c) => c.lastUsed)).toEqual([undefined, undefined]);
    await store.prepareSnapshots(top);
    now = 2_000;
    await store.prepareSnapshots(shared);
    const used = Object.fromEntries((await store.gcCandidates()).map((c) => [c.id, c.lastUsed]));
    expect(used).toEqual({ [top.id]: 1_000, [shared.id]: 2_000 });
    const snapshots = () => readdir(join(tmp, 'runtime', 'snapshots'));
    expect(await snapshots()).toHaveLength(2);
    await store.remove(top.id);
    // A container still uses top: its config blob is gone, so the in-use set cannot save it by
    // diff_ids; nothing is mounted here, so its upper snapshot goes.
    expect(await store.pruneSnapshots(new Set([top.id]))).toBe(1);
    expect(await snapshots()).toHaveLength(1);
    expect(await store.pruneSnapshots(new Set())).toBe(0);
  });

  test('the busybox alias target is pinned: never a GC candidate', async () => {
    const store = newStore();
    await store.importArchive(await archive('bb.tar', spec({ name: 'docker.io/library/busybox:latest' })));
    expect(await store.gcCandidates()).toEqual([]);
  });
});
