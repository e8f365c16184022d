// A smoke test of the pod sync against the REAL runtime over its gRPC socket (root, like every
// Berth suite): start, logs, crash restart, deletion, nothing left.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findResource } from '../../api/resources';
import { buildBusyboxImage } from '../../hack/images/build-busybox';
import { silentLogger } from '../log';
import { cleanupAll, importImage, runRuntime, type RuntimeOptions } from '../runtime';
import { Backoff } from './backoff';
import { realClock } from './clock';
import { FakeResourceClient } from './fake-client';
import { streamLog } from './log-stream';
import { syncPod, type SyncDeps } from './pod-sync';
import { terminatePod } from './pod-teardown';
import type { ApiPod } from './pod-util';
import { createGrpcRuntimeService, type GrpcRuntimeService } from './runtime-grpc';
import { StatusManager } from './status-manager';
import { container, pod } from './test-builders';

jest.setTimeout(90_000);

const waitFor = async <T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('agent pod sync against the real runtime', () => {
  const suffix = crypto.randomBytes(3).toString('hex');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-agent-'));
  const opts: RuntimeOptions = {
    root, socket: path.join(root, 'run', 'runtime.sock'), healthPort: 0, cgroupParent: `berth-agent-${suffix}`,
    bridge: `ba${suffix}`, podCidr: `10.251.${1 + (crypto.randomBytes(1)[0] % 250)}.0/24`, networkName: `berth-agent-${suffix}`,
  };
  const abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let rt: GrpcRuntimeService;

  beforeAll(async () => {
    const archive = path.join(root, 'busybox.oci.tar');
    await buildBusyboxImage({ out: archive });
    await importImage(root, archive, silentLogger());
    running = runRuntime(opts, silentLogger(), abort.signal);
    await waitFor(async () => fs.existsSync(opts.socket));
    rt = createGrpcRuntimeService(opts.socket);
  });
  afterAll(async () => {
    rt.close();
    abort.abort();
    await running;
    await cleanupAll(opts, silentLogger());
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('run, log, crash-restart, delete', async () => {
    const podsInfo = findResource('', 'v1', 'pods');
    if (!podsInfo) throw new Error('no pods');
    const pods = new FakeResourceClient<ApiPod>(podsInfo);
    const p = pod({ uid: `u-${suffix}`, containers: [container('app', {
      image: 'busybox', command: ['sh', '-c', 'echo hello from $(POD_NAME); sleep 1; exit 3'],
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      resources: { limits: { cpu: '200m', memory: '32Mi' } },
    })] });
    pods.seed('default', p);
    const deps: SyncDeps = {
      runtime: rt, statusManager: new StatusManager(pods, silentLogger()), backoff: new Backoff(realClock, 1000), clock: realClock,
      log: silentLogger(), nodeName: 'n1', nodeIP: '127.0.0.1', podLogDir: path.join(root, 'pods'), memoryCapacity: os.totalmem(),
      activePollMs: 200, resyncMs: 1000,
    };
    const sync = async () => { await syncPod(await pods.get('default', 'web'), deps); return pods.get('default', 'web'); };
    const first = await sync();
    expect(first.status).toMatchObject({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0 }] });
    expect(first.status?.podIP).toMatch(/^10\.251\./);
    const restarted = await waitFor(async () => { const x = await sync(); return (x.status?.containerStatuses?.[0].restartCount ?? 0) >= 1 && x; });
    expect(restarted.status?.containerStatuses?.[0].lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const st = await rt.containerStatus((await rt.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': `u-${suffix}` } }))[0].id);
    let out = '';
    await streamLog(st.logPath, {}, { write: async (t) => { out += t; }, stillRunning: async () => false, signal: new AbortController().signal });
    expect(out).toBe('hello from web\n');

    const deleting = await pods.get('default', 'web');
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 1 };
    await terminatePod(deleting, pods, { runtime: rt, log: silentLogger() });
    expect(pods.objects.size).toBe(0);
    expect(await rt.listPodSandbox()).toEqual([]);
    expect(await rt.listContainers()).toEqual([]);
  });
});
