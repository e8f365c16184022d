// The CRI gRPC handlers: RuntimeService over the sandbox and container managers, ImageService
// over the image store. Errors: a CriError keeps its status code; anything else is logged once
// and returned as INTERNAL.
import * as grpc from '@grpc/grpc-js';
import { Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log';
import type { ContainerManager } from './containers';
import { loadCri } from './cri';
import type * as cri from './cri-types';
import { isCriError } from './errors';
import { executorForHandler } from './executor';
import { pullForCri, type ImageRecord, type ImageStore } from './images';
import type { SandboxManager } from './sandbox';
import { appArmorStatus, seccompStatus } from './seccomp-profile';
import { streamingHandlers, type StreamingDeps } from './streaming-handlers';

export const runtimeName = 'berth';
export const runtimeVersion = '0.1.0';

export interface CriServices {
  sandboxes: SandboxManager;
  containers: ContainerManager;
  images: Pick<ImageStore, 'resolve' | 'list' | 'remove' | 'fsInfo' | 'pull'>;
  imageFsMountpoint: string;
  /** Undefined when healthy; else why the network is not ready. */
  networkProblem: () => string | undefined;
  log: Logger;
  /** Where the per-call latency histogram is registered (berth_runtime_operation_duration_seconds). */
  registry?: Registry;
  /** Exec, attach, port-forward, stats, updates, log reopening; unset → those calls are UNIMPLEMENTED. */
  streaming?: StreamingDeps;
}

type Handler<Req, Res> = (req: Req) => Promise<Res>;

type Observe = (method: string, code: string, seconds: number) => void;

const unary = <Req, Res>(log: Logger, observe: Observe, method: string, fn: Handler<Req, Res>): grpc.handleUnaryCall<Req, Res> =>
  (call, callback) => {
    const start = process.hrtime.bigint();
    const done = (code: string) => observe(method, code, Number(process.hrtime.bigint() - start) / 1e9);
    fn(call.request).then((res) => { done('OK'); callback(null, res); }, (err: unknown) => {
      done(isCriError(err) ? grpc.status[err.code] : 'INTERNAL');
      if (isCriError(err)) {
        log.v(1, 'CRI call failed', { method, code: grpc.status[err.code], err: err.message });
        callback({ code: err.code, details: err.message });
        return;
      }
      log.error('CRI call failed', { method, err, stack: err instanceof Error ? err.stack : undefined });
      callback({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) });
    });
  };

export const toCriImage = (img: ImageRecord): cri.Image => {
  const user = img.config.User ?? '';
  const uidPart = user.split(':')[0];
  return {
    id: img.id, repoTags: img.repoTags, repoDigests: img.repoDigests, size: img.size,
    ...(/^\d+$/.test(uidPart) ? { uid: { value: Number(uidPart) }, username: '' } : { username: uidPart }),
    spec: { image: img.id }, pinned: false,
  };
};

const runtimeHandlers = (s: CriServices) => ({
  Version: async (): Promise<cri.VersionResponse> =>
    ({ version: '0.1.0', runtimeName, runtimeVersion, runtimeApiVersion: 'v1' }),
  RunPodSandbox: async (r: cri.RunPodSandboxRequest): Promise<cri.RunPodSandboxResponse> => {
    executorForHandler(r.runtimeHandler, 'native'); // refuses an unknown handler before anything is made
    return { podSandboxId: await s.sandboxes.run(r.config, r.runtimeHandler ?? '') };
  },
  StopPodSandbox: async (r: cri.StopPodSandboxRequest) => { await s.sandboxes.stop(r.podSandboxId); return {}; },
  RemovePodSandbox: async (r: cri.RemovePodSandboxRequest) => { await s.sandboxes.remove(r.podSandboxId); return {}; },
  PodSandboxStatus: async (r: cri.PodSandboxStatusRequest): Promise<cri.PodSandboxStatusResponse> =>
    ({ status: await s.sandboxes.status(r.podSandboxId), info: {}, timestamp: Date.now() * 1e6 }),
  ListPodSandbox: async (r: cri.ListPodSandboxRequest): Promise<cri.ListPodSandboxResponse> =>
    ({ items: await s.sandboxes.list(r.filter ?? undefined) }),
  CreateContainer: async (r: cri.CreateContainerRequest): Promise<cri.CreateContainerResponse> =>
    ({ containerId: await s.containers.create(r.podSandboxId, r.config, r.sandboxConfig) }),
  StartContainer: async (r: cri.StartContainerRequest) => { await s.containers.start(r.containerId); return {}; },
  StopContainer: async (r: cri.StopContainerRequest) => { await s.containers.stop(r.containerId, Number(r.timeout ?? 0)); return {}; },
  RemoveContainer: async (r: cri.RemoveContainerRequest) => { await s.containers.remove(r.containerId); return {}; },
  ListContainers: async (r: cri.ListContainersRequest): Promise<cri.ListContainersResponse> =>
    ({ containers: await s.containers.list(r.filter ?? undefined) }),
  ContainerStatus: async (r: cri.ContainerStatusRequest): Promise<cri.ContainerStatusResponse> =>
    ({ status: await s.containers.status(r.containerId), info: {} }),
  Status: async (): Promise<cri.StatusResponse> => {
    const problem = s.networkProblem();
    return {
      status: { conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: !problem, reason: problem ? 'NetworkPluginNotReady' : '', message: problem ?? '' },
      ] },
      // Which confinement the runtime applies (kubelet shows verbose info; crictl info prints it).
      info: { seccomp: seccompStatus, apparmor: appArmorStatus() },
    };
  },
  ...(s.streaming ? streamingHandlers(s.streaming) : {}),
});

const imageHandlers = (s: CriServices) => ({
  ListImages: async (r: cri.ListImagesRequest): Promise<cri.ListImagesResponse> => {
    const want = r.filter?.image?.image;
    if (want) {
      const img = await s.images.resolve(want);
      return { images: img ? [toCriImage(img)] : [] };
    }
    return { images: (await s.images.list()).map(toCriImage) };
  },
  ImageStatus: async (r: cri.ImageStatusRequest): Promise<cri.ImageStatusResponse> => {
    const img = await s.images.resolve(r.image.image);
    return { image: img ? toCriImage(img) : null, info: {} };
  },
  PullImage: async (r: cri.PullImageRequest): Promise<cri.PullImageResponse> =>
    ({ imageRef: await pullForCri(s.images, r) }),
  RemoveImage: async (r: cri.RemoveImageRequest) => {
    if (await s.images.resolve(r.image.image)) await s.images.remove(r.image.image);
    return {};
  },
  ImageFsInfo: async (): Promise<cri.ImageFsInfoResponse> => {
    const fsi = await s.images.fsInfo();
    const usage = { timestamp: Date.now() * 1e6, fsId: { mountpoint: s.imageFsMountpoint }, usedBytes: { value: fsi.usedBytes }, inodesUsed: { value: fsi.inodesUsed } };
    return { imageFilesystems: [usage], containerFilesystems: [] };
  },
});

const wrapAll = (log: Logger, observe: Observe, handlers: Record<string, Handler<never, unknown>>): grpc.UntypedServiceImplementation =>
  Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, unary(log, observe, name, fn)])) as grpc.UntypedServiceImplementation;

const operationObserver = (registry: Registry | undefined): Observe => {
  if (!registry) return () => undefined;
  const h = new Histogram({
    name: 'berth_runtime_operation_duration_seconds', help: 'CRI call latency by method and gRPC code.',
    labelNames: ['operation', 'code'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [registry],
  });
  return (operation, code, seconds) => h.observe({ operation, code }, seconds);
};

/** Builds the gRPC server with both CRI services registered (not yet bound). */
export const createCriServer = (s: CriServices): grpc.Server => {
  const defs = loadCri();
  const server = new grpc.Server();
  const observe = operationObserver(s.registry);
  server.addService(defs.RuntimeService, wrapAll(s.log, observe, runtimeHandlers(s) as Record<string, Handler<never, unknown>>));
  server.addService(defs.ImageService, wrapAll(s.log, observe, imageHandlers(s) as Record<string, Handler<never, unknown>>));
  return server;
};
