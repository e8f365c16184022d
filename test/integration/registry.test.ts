// Pulls from the real distribution registry (Debian's docker-registry) on loopback, with images
// built by buildImageLayout and pushed by skopeo: by tag and digest, manifest lists, a whiteout
// honoured in the overlay mount, mirrors, verification, dedup, resumed downloads, basic and
// token auth. Every fetch goes through a guard that refuses any non-loopback host.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../pkg/log';
import {
  buildImageLayout, DigestError, ImagePullError, ImageStore, MediaType, RefNameAnnotation, sha256Digest, writeLayoutArchive,
  type ImageSpec, type OciLayout, type RegistryOptions,
} from '../../pkg/runtime/images';
import {
  push, startProxy, startRegistry, startTokenServer, type ProxiedRequest, type ProxyAction, type RunningRegistry,
} from './registry-helpers';

jest.setTimeout(60_000);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
const log = silentLogger();
const fetched: string[] = [];
const loopbackOnly = (url: string, init: RequestInit): Promise<Response> => {
  const host = new URL(url).hostname;
  fetched.push(url);
  if (host !== '127.0.0.1') throw new Error(`test tried to reach ${host}`);
  return fetch(url, init);
};

let n = 0;
const newStore = (registry: RegistryOptions = {}) =>
  new ImageStore({ root: path.join(root, `store-${++n}`), log, registry, fetchFn: loopbackOnly });
const blobFiles = (store: number) => fs.readdirSync(path.join(root, `store-${store}`, 'images', 'blobs', 'sha256')).sort();

const twoLayers: ImageSpec = {
  config: { Cmd: ['/bin/app'], Env: ['A=1'] },
  layers: [
    [{ path: 'etc', type: 'directory' }, { path: 'etc/gone', type: 'file', content: 'deleted above' }, { path: 'etc/kept', type: 'file', content: 'kept' }],
    [{ path: 'etc', type: 'directory' }, { path: 'etc/.wh.gone', type: 'file' }, { path: 'etc/new', type: 'file', content: 'new' },
      // Incompressible, so the gzip blob is large enough to cut mid-transfer.
      { path: 'big', type: 'file', content: crypto.randomBytes(3 << 20) }],
  ],
};

const archive = async (name: string, layout: OciLayout): Promise<string> => {
  const p = path.join(root, name);
  await writeLayoutArchive(p, layout);
  return p;
};

/** An OCI archive whose single entry is an index of a linux/amd64 and a linux/arm64 image. */
const multiArchArchive = async (): Promise<{ path: string; amd64ConfigDigest: string }> => {
  const amd = await buildImageLayout({ config: { Cmd: ['amd64'] }, layers: [[{ path: 'arch', type: 'file', content: 'amd64' }]] });
  const arm = await buildImageLayout({ config: { Cmd: ['arm64'] }, layers: [[{ path: 'arch', type: 'file', content: 'arm64' }]] });
  const blobs = new Map([...amd.blobs, ...arm.blobs]);
  const entry = (l: OciLayout, architecture: string) => ({ ...l.index.manifests[0], platform: { os: 'linux', architecture } });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [entry(arm, 'arm64'), entry(amd, 'amd64')] }));
  blobs.set(sha256Digest(index), index);
  const top = { mediaType: MediaType.ociIndex, digest: sha256Digest(index), size: index.length, annotations: { [RefNameAnnotation]: 'multi' } };
  const amdManifest = JSON.parse(amd.blobs.get(amd.index.manifests[0].digest)!.toString()) as { config: { digest: string } };
  return { path: await archive('multi.tar', { index: { schemaVersion: 2, manifests: [top] }, blobs }), amd64ConfigDigest: amdManifest.config.digest };
};

let plain: RunningRegistry;
let layersArchive: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  plain = await startRegistry(path.join(root, 'plain'));
  stops.push(plain.stop);
  layersArchive = await archive('layers.tar', await buildImageLayout(twoLayers));
  await push(layersArchive, `${plain.host}/test/layers:1`);
  await push(layersArchive, `${plain.host}/other/copy:2`);
  await push(layersArchive, `${plain.host}/library/mirrored:1`);
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  fs.rmSync(root, { recursive: true, force: true });
  expect(fetched.filter((u) => !u.startsWith('http://127.0.0.1:'))).toEqual([]);
});

describe('pull from a distribution registry', () => {
  test('by tag: two layers, the upper whiteout hides a file of the lower in the overlay mount', async () => {
    const store = newStore();
    const img = await store.pull(`${plain.host}/test/layers:1`);
    expect(img.repoTags).toEqual([`${plain.host}/test/layers:1`]);
    expect(img.repoDigests).toEqual([`${plain.host}/test/layers@${img.manifestDigest}`]);
    expect(img.config).toMatchObject({ Cmd: ['/bin/app'], Env: ['A=1'] });
    expect(img.layers).toHaveLength(2);
    const lowers = await store.prepareSnapshots(img);
    const mnt = fs.mkdtempSync(path.join(root, 'mnt-'));
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowers.join(':')}`, mnt]);
    try {
      expect(fs.readdirSync(path.join(mnt, 'etc')).sort()).toEqual(['kept', 'new']);
    } finally {
      execFileSync('umount', [mnt]);
    }
    expect((await store.resolve(`${plain.host}/test/layers:1`))?.id).toBe(img.id);
  });

  test('by digest, into a fresh store', async () => {
    const first = await newStore().pull(`${plain.host}/test/layers:1`);
    const img = await newStore().pull(`${plain.host}/test/layers@${first.manifestDigest}`);
    expect(img.id).toBe(first.id);
    expect(img.repoTags).toEqual([]);
    expect(img.repoDigests).toEqual([`${plain.host}/test/layers@${first.manifestDigest}`]);
  });

  test('a manifest list resolves to the linux/amd64 image; only that image is fetched', async () => {
    const multi = await multiArchArchive();
    await push(multi.path, `${plain.host}/test/multi:1`);
    const store = newStore();
    const img = await store.pull(`${plain.host}/test/multi:1`);
    expect(img.id).toBe(multi.amd64ConfigDigest);
    expect(img.config.Cmd).toEqual(['amd64']);
    expect(img.repoDigests[0]).toMatch(new RegExp(`^${plain.host}/test/multi@sha256:`));
    expect(blobFiles(n)).toHaveLength(4); // index, amd64 manifest, config, layer
  });

  test('the same content under two names is stored and unpacked once', async () => {
    const store = newStore();
    const a = await store.pull(`${plain.host}/test/layers:1`);
    const before = blobFiles(n);
    const b = await store.pull(`${plain.host}/other/copy:2`);
    expect(b.id).toBe(a.id);
    expect(blobFiles(n)).toEqual(before);
    expect((await store.list()).map((i) => i.repoTags)).toEqual([[`${plain.host}/other/copy:2`, `${plain.host}/test/layers:1`]]);
    await store.prepareSnapshots(a);
    await store.prepareSnapshots(b);
    expect(fs.readdirSync(path.join(root, `store-${n}`, 'snapshots'))).toHaveLength(2);
  });
});

describe('mirrors', () => {
  test('docker.io names go to the mirror; a dead mirror is skipped; the origin is never asked', async () => {
    const proxy = await startProxy(plain.host);
    stops.push(proxy.stop);
    const dead = `http://127.0.0.1:1`;
    const store = newStore({ registryMirrors: { 'docker.io': [dead, `http://${proxy.host}`] } });
    const img = await store.pull('mirrored:1');
    expect(img.repoTags).toEqual(['docker.io/library/mirrored:1']);
    expect(proxy.requests[0].url).toBe('/v2/library/mirrored/manifests/1');
    await expect(store.pull('absent:1')).rejects.toMatchObject({ name: 'ImagePullError', notFound: true });
  });

  test('without a mirror or pullFromOrigin a remote registry is not contacted', async () => {
    const before = fetched.length;
    const err = await newStore().pull('quay.io/some/image:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect((err as ImagePullError).message).toMatch(/no registry to ask .*pullFromOrigin/);
    expect(fetched.length).toBe(before);
  });
});

describe('verification and resumption', () => {
  const bigLayer = async () => {
    const img = await newStore().pull(`${plain.host}/test/layers:1`);
    return img.layers[1];
  };
  const blobGets = (reqs: ProxiedRequest[], digest: string) => reqs.filter((r) => r.url.endsWith(`/blobs/${digest}`));
  const proxied = async (decide: (r: ProxiedRequest) => ProxyAction) => {
    const proxy = await startProxy(plain.host, decide);
    stops.push(proxy.stop);
    return proxy;
  };

  test('a blob whose bytes do not match its digest is refused and not kept', async () => {
    const layer = await bigLayer();
    const proxy = await proxied((r) => (r.url.endsWith(layer.digest) ? { corrupt: true } : 'forward'));
    const store = newStore();
    const err = await store.pull(`${proxy.host}/test/layers:1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect((err as ImagePullError).causes[0]).toBeInstanceOf(DigestError);
    expect(blobFiles(n)).not.toContain(layer.digest.slice(7));
    expect(fs.readdirSync(path.join(root, `store-${n}`, 'images', 'tmp', 'ingest'))).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  test('a manifest whose bytes do not match the digest asked for is refused', async () => {
    const { manifestDigest } = await newStore().pull(`${plain.host}/test/layers:1`);
    const proxy = await proxied((r) => (r.url.includes('/manifests/') ? { corrupt: true } : 'forward'));
    const err = await newStore().pull(`${proxy.host}/test/layers@${manifestDigest}`).catch((e: unknown) => e);
    expect((err as ImagePullError).causes[0]).toBeInstanceOf(Error);
    expect((err as ImagePullError).message).toMatch(/content hashes to|Unexpected token|JSON/);
  });

  test('a transfer cut mid-blob is retried within the same pull, from where it stopped', async () => {
    const layer = await bigLayer();
    const cutAt = Math.floor(layer.size / 2);
    let cut = false;
    const proxy = await proxied((r) => {
      if (!r.url.endsWith(layer.digest) || cut) return 'forward';
      cut = true;
      return { cutAfterBytes: cutAt };
    });
    const img = await newStore().pull(`${proxy.host}/test/layers:1`);
    const gets = blobGets(proxy.requests, layer.digest);
    expect(gets).toHaveLength(2);
    expect(gets[0].range).toBeUndefined();
    // How much of the cut body reached the file depends on the socket; it never passes the cut.
    const from = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? 'bytes=0-')?.[1]);
    expect(from).toBeLessThanOrEqual(cutAt);
    expect(img.layers[1].digest).toBe(layer.digest);
  });

  test('a partial download left by an earlier run is resumed with Range and verified whole', async () => {
    const layer = await bigLayer();
    const bytes = fs.readFileSync(path.join(root, `store-${n}`, 'images', 'blobs', 'sha256', layer.digest.slice(7)));
    const proxy = await proxied(() => 'forward');
    const store = newStore();
    const ingest = path.join(root, `store-${n}`, 'images', 'tmp', 'ingest');
    fs.mkdirSync(ingest, { recursive: true });
    fs.writeFileSync(path.join(ingest, layer.digest.slice(7)), bytes.subarray(0, 1_000_000));
    const img = await store.pull(`${proxy.host}/test/layers:1`);
    expect(blobGets(proxy.requests, layer.digest).map((r) => r.range)).toEqual(['bytes=1000000-']);
    expect((await store.prepareSnapshots(img))).toHaveLength(2); // the diff_ids check passed on the joined blob
    expect(fs.readdirSync(ingest)).toEqual([]);
  });

  test('after a failed pull, the retry fetches only what is missing', async () => {
    const layer = await bigLayer();
    let broken = true;
    const proxy = await proxied((r) => (broken && r.url.endsWith(layer.digest) ? { status: 503 } : 'forward'));
    const store = newStore({ blobAttempts: 1 });
    const err = await store.pull(`${proxy.host}/test/layers:1`).catch((e: unknown) => e);
    expect((err as ImagePullError).message).toMatch(/503/);
    const firstTry = proxy.requests.length;
    broken = false;
    await store.pull(`${proxy.host}/test/layers:1`);
    const retry = proxy.requests.slice(firstTry).filter((r) => r.url.includes('/blobs/'));
    expect(retry.map((r) => r.url)).toEqual([`/v2/test/layers/blobs/${layer.digest}`]);
  });
});

describe('authentication', () => {
  const creds = { username: 'berth', password: 'pa55-word' };

  test('basic (htpasswd): refused without or with wrong credentials, pulled with username/password or auth', async () => {
    const reg = await startRegistry(path.join(root, 'basic'), { htpasswd: creds });
    stops.push(reg.stop);
    await push(layersArchive, `${reg.host}/private/app:1`, `${creds.username}:${creds.password}`);
    const ref = `${reg.host}/private/app:1`;
    await expect(newStore().pull(ref)).rejects.toThrow(/basic authentication and the pull has no credentials/);
    await expect(newStore().pull(ref, { username: 'berth', password: 'wrong' })).rejects.toThrow(/401/);
    expect((await newStore().pull(ref, creds)).repoTags).toEqual([ref]);
    const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
    expect((await newStore().pull(ref, { auth, serverAddress: reg.host })).repoTags).toEqual([ref]);
  });

  test('bearer token: the registry sends us to the token server; one token per scope is fetched and re-used', async () => {
    const dir = path.join(root, 'token');
    fs.mkdirSync(dir, { recursive: true });
    const tokens = await startTokenServer(dir, creds);
    stops.push(tokens.stop);
    const reg = await startRegistry(dir, { token: { realm: tokens.realm, service: 'berth-test-registry', issuer: 'berth-test', rootCertBundle: tokens.cert } });
    stops.push(reg.stop);
    await push(layersArchive, `${reg.host}/private/app:1`, `${creds.username}:${creds.password}`);
    await push(layersArchive, `${reg.host}/private/app:2`, `${creds.username}:${creds.password}`);
    tokens.issued.length = 0;
    await expect(newStore().pull(`${reg.host}/private/app:1`)).rejects.toThrow(/token endpoint .* answered 401/);
    const store = newStore();
    expect((await store.pull(`${reg.host}/private/app:1`, creds)).repoTags).toEqual([`${reg.host}/private/app:1`]);
    await store.pull(`${reg.host}/private/app:2`, creds);
    expect(tokens.issued).toEqual([{ scope: 'repository:private/app:pull', account: 'berth' }]);
  });
});
