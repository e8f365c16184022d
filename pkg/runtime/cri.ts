// Loads the CRI proto (api/cri/api.proto) once, for both the runtime's server and the agent's client.
//
// Loader options, chosen once here so every side decodes the same way:
// - keepCase: false → fields are lowerCamelCase in JS (`podSandboxId`), idiomatic TypeScript; the
//   wire still carries upstream's snake_case field numbers, so other CRI clients are unaffected.
// - longs: Number → int64 fields become JS numbers. Exact up to 2^53: byte counts are fine; the
//   nanosecond timestamps lose only sub-microsecond precision, which nobody reads.
// - enums: String → `'CONTAINER_RUNNING'`, readable in logs and comparable with the cri-types unions.
// - defaults: true → every field is present in decoded messages (proto3 semantics), so readers do not
//   have to guard against undefined scalars and repeated fields.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type * as cri from './cri-types';
import type * as xcri from './exec-cri-types';

export const criLoaderOptions: protoLoader.Options = {
  keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true,
};

/** The proto sits in api/cri; from dist/ the source tree is one level further up. */
export const criProtoPath = (): string => {
  const candidates = [
    path.resolve(__dirname, '../../api/cri/api.proto'),
    path.resolve(__dirname, '../../../api/cri/api.proto'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`api/cri/api.proto not found (looked in ${candidates.join(', ')})`);
  return found;
};

export interface CriDefinitions {
  RuntimeService: grpc.ServiceDefinition;
  ImageService: grpc.ServiceDefinition;
  RuntimeServiceClient: grpc.ServiceClientConstructor;
  ImageServiceClient: grpc.ServiceClientConstructor;
}

let cached: CriDefinitions | undefined;

/** Loads api/cri/api.proto (memoised) and returns the service definitions and client constructors. */
export const loadCri = (): CriDefinitions => {
  if (cached) return cached;
  const def = protoLoader.loadSync(criProtoPath(), criLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def);
  const v1 = (pkg.runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const runtimeClient = v1.RuntimeService as grpc.ServiceClientConstructor;
  const imageClient = v1.ImageService as grpc.ServiceClientConstructor;
  cached = {
    RuntimeService: runtimeClient.service,
    ImageService: imageClient.service,
    RuntimeServiceClient: runtimeClient,
    ImageServiceClient: imageClient,
  };
  return cached;
};

/** The method names served, each with its request and response types. */
export interface RuntimeServiceMethods {
  Version: [cri.VersionRequest, cri.VersionResponse];
  RunPodSandbox: [cri.RunPodSandboxRequest, cri.RunPodSandboxResponse];
  StopPodSandbox: [cri.StopPodSandboxRequest, cri.Empty];
  RemovePodSandbox: [cri.RemovePodSandboxRequest, cri.Empty];
  PodSandboxStatus: [cri.PodSandboxStatusRequest, cri.PodSandboxStatusResponse];
  ListPodSandbox: [cri.ListPodSandboxRequest, cri.ListPodSandboxResponse];
  CreateContainer: [cri.CreateContainerRequest, cri.CreateContainerResponse];
  StartContainer: [cri.StartContainerRequest, cri.Empty];
  StopContainer: [cri.StopContainerRequest, cri.Empty];
  RemoveContainer: [cri.RemoveContainerRequest, cri.Empty];
  ListContainers: [cri.ListContainersRequest, cri.ListContainersResponse];
  ContainerStatus: [cri.ContainerStatusRequest, cri.ContainerStatusResponse];
  UpdateContainerResources: [xcri.UpdateContainerResourcesRequest, cri.Empty];
  ReopenContainerLog: [xcri.ReopenContainerLogRequest, cri.Empty];
  ExecSync: [xcri.ExecSyncRequest, xcri.ExecSyncResponse];
  Exec: [xcri.ExecRequest, xcri.ExecResponse];
  Attach: [xcri.AttachRequest, xcri.AttachResponse];
  PortForward: [xcri.PortForwardRequest, xcri.PortForwardResponse];
  ContainerStats: [xcri.ContainerStatsRequest, xcri.ContainerStatsResponse];
  ListContainerStats: [xcri.ListContainerStatsRequest, xcri.ListContainerStatsResponse];
  Status: [cri.StatusRequest, cri.StatusResponse];
}

export interface ImageServiceMethods {
  ListImages: [cri.ListImagesRequest, cri.ListImagesResponse];
  ImageStatus: [cri.ImageStatusRequest, cri.ImageStatusResponse];
  PullImage: [cri.PullImageRequest, cri.PullImageResponse];
  RemoveImage: [cri.RemoveImageRequest, cri.Empty];
  ImageFsInfo: [cri.ImageFsInfoRequest, cri.ImageFsInfoResponse];
}

/** Promise-returning client methods; a gRPC error rejects with grpc's ServiceError (`code`, `details`). */
export type PromiseClient<M> = { [K in keyof M]: M[K] extends [infer Req, infer Res] ? (req: Req, opts?: { deadlineMs?: number }) => Promise<Res> : never };

export interface RuntimeClient {
  runtime: PromiseClient<RuntimeServiceMethods>;
  image: PromiseClient<ImageServiceMethods>;
  close(): void;
}

type UnaryFn = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

const promisify = <M>(client: grpc.Client, names: (keyof M & string)[]): PromiseClient<M> => {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const fn = (client as unknown as Record<string, UnaryFn>)[name].bind(client);
    out[name] = (req: unknown, opts?: { deadlineMs?: number }) => new Promise((resolve, reject) => {
      const callOpts: grpc.CallOptions = opts?.deadlineMs ? { deadline: Date.now() + opts.deadlineMs } : {};
      fn(req, new grpc.Metadata(), callOpts, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }
  return out as PromiseClient<M>;
};

const runtimeMethods: (keyof RuntimeServiceMethods)[] = ['Version', 'RunPodSandbox', 'StopPodSandbox',
  'RemovePodSandbox', 'PodSandboxStatus', 'ListPodSandbox', 'CreateContainer', 'StartContainer',
  'StopContainer', 'RemoveContainer', 'ListContainers', 'ContainerStatus', 'UpdateContainerResources',
  'ReopenContainerLog', 'ExecSync', 'Exec', 'Attach', 'PortForward', 'ContainerStats', 'ListContainerStats', 'Status'];
const imageMethods: (keyof ImageServiceMethods)[] = ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo'];

/** A client of the runtime's unix socket (one channel per service). */
export const createRuntimeClient = (socketPath: string): RuntimeClient => {
  const defs = loadCri();
  const target = `unix://${path.resolve(socketPath)}`;
  const runtime = new defs.RuntimeServiceClient(target, grpc.credentials.createInsecure());
  const image = new defs.ImageServiceClient(target, grpc.credentials.createInsecure());
  return {
    runtime: promisify<RuntimeServiceMethods>(runtime, runtimeMethods),
    image: promisify<ImageServiceMethods>(image, imageMethods),
    close: () => { image.close(); runtime.close(); },
  };
};
