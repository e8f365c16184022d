// One snapshot per layer under `<root>/snapshots/<chainID hex>/fs`, keyed by chain ID so a
// layer shared by two images (same diff_ids below it) is unpacked once. A snapshot is
// complete only when `.done` exists beside fs/; anything else found there is a crash
// leftover and is removed and redone.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log';
import type { BlobStore } from './blob-store';
import { chainIDs, digestHex } from './digest';
import type { ApplyOverlayMarks } from './overlay-marks';
import type { LayerRecord } from './types';
import { unpackLayer } from './unpack';

export class LayerDiffIDMismatchError extends Error {
  override readonly name = 'LayerDiffIDMismatchError';
  readonly code = 'BERTH_ERR_DIFFID_MISMATCH';
}

export interface SnapshotterOptions {
  root: string;
  blobs: BlobStore;
  log: Logger;
  applyMarks?: ApplyOverlayMarks;
}

const exists = async (p: string): Promise<boolean> => {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};

export class Snapshotter {
  /** In-flight unpacks, so two pods starting from one image share the work. */
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly o: SnapshotterOptions) {}

  get root(): string {
    return this.o.root;
  }

  /**
   * Deletes every snapshot whose chain ID is not in `keep`, unless an unpack of it is running
   * or a mount still uses it as a lowerdir (a container whose image is gone). Returns how many.
   */
  async prune(keep: Set<string>): Promise<number> {
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    let removed = 0;
    for (const hex of await readdir(this.o.root)) {
      const chainID = `sha256:${hex}`;
      if (keep.has(chainID) || this.inflight.has(chainID)) continue;
      const fs = join(this.o.root, hex, 'fs');
      if (mounts.includes(`${fs}:`) || mounts.includes(`${fs},`) || mounts.includes(`${fs} `)) continue;
      await rm(join(this.o.root, hex), { recursive: true, force: true });
      removed++;
      this.o.log.info('removed snapshot', { chainID });
    }
    return removed;
  }

  /** Unpacks what is missing; returns fs/ dirs top-most layer first (overlayfs lowerdir order). */
  async prepare(layers: LayerRecord[], signal?: AbortSignal): Promise<string[]> {
    const ids = chainIDs(layers.map((l) => l.diffID));
    const dirs: string[] = [];
    for (let i = 0; i < layers.length; i++) {
      // Lower snapshots first: a hardlink may need to copy up from one.
      dirs.push(await this.ensure(ids[i], layers[i], [...dirs].reverse(), signal));
    }
    return dirs.reverse();
  }

  private ensure(chainID: string, layer: LayerRecord, lowerDirs: string[], signal?: AbortSignal): Promise<string> {
    const running = this.inflight.get(chainID);
    if (running) return running;
    const p = this.unpackOnce(chainID, layer, lowerDirs, signal).finally(() => this.inflight.delete(chainID));
    this.inflight.set(chainID, p);
    return p;
  }

  private async unpackOnce(chainID: string, layer: LayerRecord, lowerDirs: string[], signal?: AbortSignal): Promise<string> {
    const dir = join(this.o.root, digestHex(chainID));
    const fs = join(dir, 'fs');
    if (await exists(join(dir, '.done'))) return fs;
    await rm(dir, { recursive: true, force: true });
    await mkdir(fs, { recursive: true, mode: 0o755 });
    const started = Date.now();
    try {
      const res = await unpackLayer({
        blob: this.o.blobs.open(layer.digest), mediaType: layer.mediaType, dest: fs, lowerDirs, applyMarks: this.o.applyMarks, signal,
      });
      if (res.diffID !== layer.diffID) {
        throw new LayerDiffIDMismatchError(`layer ${layer.digest} unpacks to ${res.diffID}, the image config says ${layer.diffID}`);
      }
      if (res.skipped.length > 0) this.o.log.warn('layer entries skipped', { layer: layer.digest, skipped: res.skipped.slice(0, 5).join(',') });
      await writeFile(join(dir, '.done'), `${layer.digest}\n`);
      this.o.log.info('unpacked layer', { layer: layer.digest, chainID, entries: res.entries, ms: Date.now() - started });
      return fs;
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
}
