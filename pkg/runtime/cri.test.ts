import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createRuntimeClient, loadCri } from './cri';

// int64 nanoseconds exceed 2^53: JS numbers keep them to within a few hundred ns.
const finishedAt = Date.UTC(2024, 0, 2, 3, 4, 5) * 1e6 + 123_456;

// A round trip through the real proto over a unix socket: names, casing and int64 handling.
test('client and server agree on the CRI encoding', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cri-'));
  const socket = path.join(dir, 'cri.sock');
  const defs = loadCri();
  const server = new grpc.Server();
  server.addService(defs.RuntimeService, {
    Version: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, { version: '0.1.0', runtimeName: 'berth', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' }),
    ContainerStatus: (call: grpc.ServerUnaryCall<{ containerId: string }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, { status: { id: call.request.containerId, state: 'CONTAINER_EXITED', exitCode: 137, finishedAt } }),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  const client = createRuntimeClient(socket);
  try {
    expect(await client.runtime.Version({})).toEqual({ version: '0.1.0', runtimeName: 'berth', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' });
    const res = await client.runtime.ContainerStatus({ containerId: 'abc' });
    expect(res.status).toMatchObject({ id: 'abc', state: 'CONTAINER_EXITED', exitCode: 137, labels: {}, mounts: [] });
    expect(Math.abs(res.status.finishedAt - finishedAt)).toBeLessThan(1000);
    await expect(client.runtime.ListContainers({})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
