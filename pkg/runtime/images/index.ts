// The runtime's image service: OCI layouts imported into a content-addressed store,
// layers unpacked into overlayfs-ready snapshots. Registry pulls are a later issue (store.ts).
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
