// The runtime's image service: OCI layouts imported into a content-addressed store,
// layers unpacked into overlayfs-ready snapshots, pulls from OCI distribution registries
// (pull.ts), and image garbage collection by last use (image-gc.ts).
export { ImageStore, BusyboxAliasTarget, BusyboxRepository, type ImageStoreOptions } from './store';
export type { ImageRecord, ImageConfig, LayerRecord, FsInfo, Descriptor, OciIndex, OciManifest, OciImageConfig, Platform } from './types';
export { MediaType, RefNameAnnotation } from './types';
export {
  normalizeReference, parseReference, formatReference, repositoryName, isImageID, InvalidReferenceError, type ParsedReference,
} from './reference';
export { chainIDs, sha256Digest, DigestError } from './digest';
export { InvalidLayoutError } from './layout';
export { InvalidImageError } from './manifests';
export { UnsafeLayerError } from './unpack';
export { LayerDiffIDMismatchError } from './snapshots';
export { applyOverlayMarks, type ApplyOverlayMarks, type OverlayMarks } from './overlay-marks';
export {
  buildImageLayout, buildLayerTar, writeLayoutArchive, writeLayoutDir, fixedTime, type LayerEntry, type ImageSpec, type OciLayout,
} from './oci-writer';
export { Puller, ImagePullError, type RegistryOptions, type PulledImage } from './pull';
export { RegistryError } from './registry-client';
export { RegistryAuthError, type RegistryCredentials } from './registry-auth';
export {
  ImageGC, runImageGC, startImageGC, defaultImageGCPolicy, type ImageGCOptions, type ImageGCPolicy, type ImageGCDeps, type GCResult, type GCImageStore, type ImageFsStats,
} from './image-gc';
export { imageFsStats } from './fs-usage';
export { IncompleteBlobError } from './blob-store';
export { pullForCri, type CriPullRequest } from './cri-pull';
export { credentialsFromCri, type CriAuthConfig } from './registry-auth';
