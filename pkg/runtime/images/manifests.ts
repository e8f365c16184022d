// Walks an imported index down to one image per named entry: nested indexes and manifest
// lists pick linux/amd64 (this node's platform), manifests are checked against the store
// (every blob present, with the size its descriptor claims) before they are recorded.
import type { BlobStore } from './blob-store';
import { digestHex } from './digest';
import { ContainerdNameAnnotation, MediaType, RefNameAnnotation } from './types';
import type { Descriptor, OciImageConfig, OciIndex, OciManifest, Platform } from './types';

export const nodePlatform: Platform = { os: 'linux', architecture: 'amd64' };

export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
  readonly code = 'BERTH_ERR_INVALID_IMAGE';
}

export interface ResolvedImage {
  /** The digest the layout's index names (an index or a manifest). */
  topDigest: string;
  manifestDigest: string;
  manifest: OciManifest;
  config: OciImageConfig;
  /** Names from the entry's annotations, not yet normalized. */
  names: string[];
}

const isIndexType = (t: string | undefined): boolean => t === MediaType.ociIndex || t === MediaType.dockerManifestList;

const checkBlob = async (blobs: BlobStore, d: Descriptor, what: string): Promise<void> => {
  digestHex(d.digest);
  const size = await blobs.size(d.digest);
  if (size === undefined) throw new InvalidImageError(`${what} ${d.digest} is missing from the layout`);
  if (size !== d.size) throw new InvalidImageError(`${what} ${d.digest} has ${size} bytes, its descriptor says ${d.size}`);
};

const matchesPlatform = (p: Platform | undefined, want: Platform): boolean =>
  p !== undefined && p.os === want.os && p.architecture === want.architecture;

/** Follows indexes (picking `platform`) down to a manifest descriptor. */
const pickManifest = async (blobs: BlobStore, d: Descriptor, platform: Platform, depth = 0): Promise<{ digest: string; manifest: OciManifest }> => {
  if (depth > 4) throw new InvalidImageError(`index nesting too deep at ${d.digest}`);
  await checkBlob(blobs, d, 'manifest');
  const doc = await blobs.readJson<OciManifest & Partial<OciIndex>>(d.digest);
  const type = doc.mediaType ?? d.mediaType;
  if (isIndexType(type) || Array.isArray(doc.manifests)) {
    const list = doc.manifests ?? [];
    const chosen = list.find((m) => matchesPlatform(m.platform, platform)) ?? (list.length === 1 && list[0].platform === undefined ? list[0] : undefined);
    if (chosen === undefined) {
      const offered = list.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : 'unknown')).join(', ');
      throw new InvalidImageError(`index ${d.digest} has no ${platform.os}/${platform.architecture} manifest (offers: ${offered || 'none'})`);
    }
    return pickManifest(blobs, chosen, platform, depth + 1);
  }
  if (doc.config === undefined || !Array.isArray(doc.layers)) throw new InvalidImageError(`${d.digest} is neither an image manifest nor an index`);
  return { digest: d.digest, manifest: doc };
};

const loadConfig = async (blobs: BlobStore, m: OciManifest, manifestDigest: string): Promise<OciImageConfig> => {
  await checkBlob(blobs, m.config, 'config');
  for (const l of m.layers) await checkBlob(blobs, l, 'layer');
  const config = await blobs.readJson<OciImageConfig>(m.config.digest);
  const diffIDs = config.rootfs?.diff_ids ?? [];
  if (diffIDs.length !== m.layers.length) {
    throw new InvalidImageError(`manifest ${manifestDigest} has ${m.layers.length} layers but its config lists ${diffIDs.length} diff_ids`);
  }
  for (const d of diffIDs) digestHex(d);
  return config;
};

/** Resolves every entry of a layout index whose blobs were ingested into `blobs`. */
export const resolveIndex = async (blobs: BlobStore, index: OciIndex, platform: Platform = nodePlatform): Promise<ResolvedImage[]> => {
  const out: ResolvedImage[] = [];
  for (const d of index.manifests) {
    const { digest, manifest } = await pickManifest(blobs, d, platform);
    const config = await loadConfig(blobs, manifest, digest);
    const ann = d.annotations ?? {};
    const names = [ann[ContainerdNameAnnotation] ?? ann[RefNameAnnotation]].filter((n): n is string => n !== undefined && n !== '');
    out.push({ topDigest: d.digest, manifestDigest: digest, manifest, config, names });
  }
  return out;
};
