// zstd layers (issue 6): an image whose layers skopeo recompressed to zstd (media type
// application/vnd.oci.image.layer.v1.tar+zstd) is pulled from Debian's docker-registry on
// loopback, verified and unpacked through the zstd program; its files are in the snapshot.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../pkg/log';
import { buildImageLayout, ImageStore, MediaType, writeLayoutArchive } from '../../pkg/runtime/images';
import { startRegistry, type RunningRegistry } from './registry-helpers';

jest.setTimeout(60_000);

describe('zstd layers', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-zstd-'));
  let reg: RunningRegistry;

  beforeAll(async () => { reg = await startRegistry(path.join(root, 'registry')); });
  afterAll(async () => {
    await reg.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('pull: manifest with tar+zstd layers, unpacked snapshots hold the files', async () => {
    const layout = await buildImageLayout({
      config: { Cmd: ['/bin/app'] },
      layers: [[{ path: 'etc', type: 'directory' }, { path: 'etc/one', type: 'file', content: 'first' }], [{ path: 'etc/two', type: 'file', content: 'second' }]],
    });
    const archive = path.join(root, 'img.oci.tar');
    await writeLayoutArchive(archive, layout);
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-compress-format', 'zstd', '--format', 'oci',
      `oci-archive:${archive}`, `docker://${reg.host}/library/zst:1`]);
    const store = new ImageStore({ root: path.join(root, 'store'), log: silentLogger(), registry: { insecureRegistries: [reg.host] } });
    const img = await store.pull(`${reg.host}/library/zst:1`);
    const manifest = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/library/zst:1`], { encoding: 'utf8' })) as { layers: { mediaType: string }[] };
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayerZstd, MediaType.ociLayerZstd]);
    const lowers = await store.prepareSnapshots(img);
    const read = (f: string) => lowers.map((d) => path.join(d, f)).find((p) => fs.existsSync(p));
    expect(fs.readFileSync(read('etc/one') ?? '', 'utf8')).toBe('first');
    expect(fs.readFileSync(read('etc/two') ?? '', 'utf8')).toBe('second');
  });
});
