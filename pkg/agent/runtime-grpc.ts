// RuntimeService over gRPC on the runtime's unix socket (api/cri/api.proto, package runtime.v1).
// We load the proto ourselves with fixed options (camelCase fields, int64 as numbers, enums
// as names), so the shapes match runtime-client.ts whatever options the server side uses:
// protobuf's wire format does not depend on them.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStatus, ImageInfo, PodSandbox, PodSandboxConfig,
  PodSandboxFilter, PodSandboxStatus, RuntimeCondition, RuntimeService, VersionInfo,
} from './runtime-client';

type Callback = (err: grpc.ServiceError | null, res: unknown) => void;
type UnaryMethod = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback) => void;
type ServiceCtor = new (address: string, creds: grpc.ChannelCredentials) => grpc.Client;

const defaultDeadlineMs = 30_000;

/** Finds api/cri/api.proto from the source tree (ts) or from dist/ (compiled js). */
export const locateCriProto = (): string => {
  const candidates = [
    path.resolve(__dirname, '../../api/cri/api.proto'),
    path.resolve(__dirname, '../../../api/cri/api.proto'),
    path.resolve(process.cwd(), 'api/cri/api.proto'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`api/cri/api.proto not found (looked in ${candidates.join(', ')})`);
  return found;
};

const loadServices = (protoPath: string): { runtime: ServiceCtor; image: ServiceCtor } => {
  const def = protoLoader.loadSync(protoPath, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, ServiceCtor> } };
  const v1 = pkg.runtime.v1;
  if (!v1.RuntimeService || !v1.ImageService) throw new Error(`${protoPath} lacks runtime.v1 RuntimeService/ImageService`);
  return { runtime: v1.RuntimeService, image: v1.ImageService };
};

const unary = <R>(client: grpc.Client, method: string, req: unknown, deadlineMs = defaultDeadlineMs): Promise<R> =>
  new Promise<R>((resolve, reject) => {
    const fn = (client as unknown as Record<string, UnaryMethod | undefined>)[method];
    if (typeof fn !== 'function') { reject(new Error(`runtime client has no method ${method}`)); return; }
    fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
      if (err) reject(err); else resolve(res as R);
    });
  });

export interface GrpcRuntimeService extends RuntimeService { close(): void }

/** Connects (lazily) to the runtime at `socketPath`. */
export const createGrpcRuntimeService = (socketPath: string, protoPath = locateCriProto()): GrpcRuntimeService => {
  const ctors = loadServices(protoPath);
  const address = `unix://${path.resolve(socketPath)}`;
  const rt = new ctors.runtime(address, grpc.credentials.createInsecure());
  const img = new ctors.image(address, grpc.credentials.createInsecure());
  return {
    close: () => { rt.close(); img.close(); },
    version: () => unary<VersionInfo>(rt, 'Version', { version: 'v1' }),
    status: async () => (await unary<{ status?: { conditions?: RuntimeCondition[] } }>(rt, 'Status', {})).status?.conditions ?? [],
    runPodSandbox: async (config: PodSandboxConfig) =>
      (await unary<{ podSandboxId: string }>(rt, 'RunPodSandbox', { config }, 120_000)).podSandboxId,
    stopPodSandbox: async (podSandboxId: string) => { await unary(rt, 'StopPodSandbox', { podSandboxId }, 120_000); },
    removePodSandbox: async (podSandboxId: string) => { await unary(rt, 'RemovePodSandbox', { podSandboxId }, 120_000); },
    podSandboxStatus: async (podSandboxId: string) => {
      const res = await unary<{ status: PodSandboxStatus }>(rt, 'PodSandboxStatus', { podSandboxId });
      return res.status;
    },
    listPodSandbox: async (filter?: PodSandboxFilter) => {
      const f = filter && { ...filter, state: filter.state ? { state: filter.state } : undefined };
      return (await unary<{ items?: PodSandbox[] }>(rt, 'ListPodSandbox', { filter: f })).items ?? [];
    },
    createContainer: async (podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig) =>
      (await unary<{ containerId: string }>(rt, 'CreateContainer', { podSandboxId, config, sandboxConfig }, 120_000)).containerId,
    startContainer: async (containerId: string) => { await unary(rt, 'StartContainer', { containerId }, 120_000); },
    stopContainer: async (containerId: string, timeout: number) => {
      await unary(rt, 'StopContainer', { containerId, timeout }, (timeout + 30) * 1000);
    },
    removeContainer: async (containerId: string) => { await unary(rt, 'RemoveContainer', { containerId }, 120_000); },
    listContainers: async (filter?: ContainerFilter) => {
      const f = filter && { ...filter, state: filter.state ? { state: filter.state } : undefined };
      return (await unary<{ containers?: Container[] }>(rt, 'ListContainers', { filter: f })).containers ?? [];
    },
    containerStatus: async (containerId: string) =>
      (await unary<{ status: ContainerStatus }>(rt, 'ContainerStatus', { containerId })).status,
    pullImage: async (image: string, sandboxConfig?: PodSandboxConfig) =>
      (await unary<{ imageRef: string }>(img, 'PullImage', { image: { image }, sandboxConfig }, 600_000)).imageRef,
    imageStatus: async (image: string) => {
      const res = await unary<{ image?: ImageInfo | null }>(img, 'ImageStatus', { image: { image } });
      return res.image && res.image.id ? res.image : undefined;
    },
  };
};
