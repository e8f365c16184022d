// OCI image-spec shapes (https://github.com/opencontainers/image-spec, v1.1) and the
// records the runtime hands to the CRI ImageService. Only the fields we read are typed.

export const MediaType = {
  ociLayout: 'application/vnd.oci.image.layout.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** The annotation an OCI layout uses to name an index entry (image-spec annotations.md). */
export const RefNameAnnotation = 'org.opencontainers.image.ref.name';
/** containerd's `ctr export` puts the full name here and only the tag in RefNameAnnotation. */
export const ContainerdNameAnnotation = 'io.containerd.image.name';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface OciIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** The `config` object of an image configuration: what a container starts with. */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface OciImageConfig {
  created?: string;
  architecture: string;
  os: string;
  config?: ImageConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

export interface LayerRecord {
  /** Digest of the blob as stored (usually gzip-compressed). */
  digest: string;
  /** Digest of the uncompressed tar: what the config's rootfs.diff_ids lists. */
  diffID: string;
  /** Size of the blob in bytes. */
  size: number;
  mediaType: string;
}

export interface ImageRecord {
  /** The config digest, `sha256:…`: what `crictl images` shows as IMAGE ID. */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes of the config plus every layer blob. */
  size: number;
  config: ImageConfig;
  manifestDigest: string;
  layers: LayerRecord[];
}

export interface FsInfo {
  usedBytes: number;
  inodesUsed: number;
}
