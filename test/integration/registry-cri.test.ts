// PullImage through the runtime's gRPC ImageService (the path the agent takes): the CRI `auth`
// honoured, a docker.io name served by the configured mirror, errors mapped to gRPC codes, and
// the pulled image listed, measured by ImageFsInfo and removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import { silentLogger } from '../../pkg/log';
import { cleanupAll, createRuntimeClient, runRuntime, type PullImageRequest, type RuntimeClient, type RuntimeOptions } from '../../pkg/runtime';
import { buildImageLayout, writeLayoutArchive, type CriAuthConfig } from '../../pkg/runtime/images';
import { push, startRegistry, waitUntil, type RunningRegistry } from './registry-helpers';

jest.setTimeout(60_000);

const suffix = crypto.randomBytes(3).toString('hex');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-cri-'));
const creds = { username: 'agent', password: 's3cret' };
const log = silentLogger();

let plain: RunningRegistry;
let basic: RunningRegistry;
let client: RuntimeClient;
const abort = new AbortController();
let running: Promise<void> = Promise.resolve();
let opts: RuntimeOptions;

const pull = (image: string, auth?: CriAuthConfig) => client.image.PullImage({ image: { image }, auth } as PullImageRequest);

beforeAll(async () => {
  plain = await startRegistry(path.join(root, 'plain'));
  basic = await startRegistry(path.join(root, 'basic'), { htpasswd: creds });
  const archive = path.join(root, 'app.tar');
  await writeLayoutArchive(archive, await buildImageLayout({ config: { Cmd: ['/app'] }, layers: [[{ path: 'app', type: 'file', mode: 0o755, content: 'x' }]] }));
  await push(archive, `${plain.host}/library/mirrored:1`);
  await push(archive, `${basic.host}/private/app:1`, `${creds.username}:${creds.password}`);
  opts = {
    root: path.join(root, 'runtime'), socket: path.join(root, 'run', 'runtime.sock'), healthPort: 0,
    cgroupParent: `berth-rcri-${suffix}`, bridge: `br${suffix}`, podCidr: `10.249.${1 + (crypto.randomBytes(1)[0] % 250)}.0/24`,
    networkName: `berth-rcri-${suffix}`, registry: { registryMirrors: { 'docker.io': [`http://${plain.host}`] } },
  };
  running = runRuntime(opts, log, abort.signal);
  await waitUntil(async () => fs.existsSync(opts.socket));
  client = createRuntimeClient(opts.socket);
});

afterAll(async () => {
  client?.close();
  abort.abort();
  await running;
  await cleanupAll(opts, log);
  await plain?.stop();
  await basic?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('PullImage with CRI auth, through a mirror, and its errors; then list, measure, remove', async () => {
  const ref = `${basic.host}/private/app:1`;
  await expect(pull(ref)).rejects.toMatchObject({ code: status.UNKNOWN, details: expect.stringContaining('no credentials') });
  const { imageRef } = await pull(ref, { username: creds.username, password: creds.password });
  expect(imageRef).toMatch(/^sha256:[a-f0-9]{64}$/);
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  expect((await pull(`${basic.host}/private/app@${(await client.image.ImageStatus({ image: { image: ref } })).image!.repoDigests[0].split('@')[1]}`, { auth })).imageRef).toBe(imageRef);

  const mirrored = await pull('mirrored:1');
  expect(mirrored.imageRef).toBe(imageRef); // the same content, pushed twice
  const st = await client.image.ImageStatus({ image: { image: 'docker.io/library/mirrored:1' } });
  expect(st.image?.repoTags).toEqual(expect.arrayContaining(['docker.io/library/mirrored:1', ref]));

  await expect(pull('absent:1')).rejects.toMatchObject({ code: status.NOT_FOUND });
  await expect(pull('quay.io/none/x:1')).rejects.toMatchObject({ code: status.NOT_FOUND, details: expect.stringContaining('pullFromOrigin') });
  await expect(pull('Bad Ref')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });

  const fsInfo = await client.image.ImageFsInfo({});
  expect(fsInfo.imageFilesystems[0].usedBytes?.value).toBeGreaterThan(0);
  await client.image.RemoveImage({ image: { image: imageRef } });
  expect((await client.image.ImageStatus({ image: { image: ref } })).image).toBeNull();
});
