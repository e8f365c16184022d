import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore, IncompleteBlobError, type RangeBody } from './blob-store';
import { DigestError, sha256Digest } from './digest';

let tmp: string;
let blobs: BlobStore;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'berth-blobs-'));
  blobs = new BlobStore(tmp);
  await blobs.init();
});
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

const data = Buffer.from('0123456789'.repeat(100));
const digest = sha256Digest(data);

/** A source that serves `content` from the asked offset when `ranges`, else from 0; records the offsets asked. */
const source = (content: Buffer, ranges = true) => {
  const asked: number[] = [];
  const open = async (offset: number): Promise<RangeBody> => {
    asked.push(offset);
    const from = ranges ? offset : 0;
    return { stream: Readable.from([content.subarray(from)]), offset: from };
  };
  return { open, asked };
};

describe('BlobStore.ingest', () => {
  test('a fresh download is verified and stored; a second one is not fetched', async () => {
    const s = source(data);
    expect(await blobs.ingest(digest, data.length, s.open)).toEqual({ resumedFrom: 0, existed: false });
    expect(await blobs.ingest(digest, data.length, s.open)).toEqual({ resumedFrom: 0, existed: true });
    expect(s.asked).toEqual([0]);
    expect(await blobs.read(digest)).toEqual(data);
  });

  test.each([
    ['resumes from the partial file when the source honours the offset', true, [300], 300],
    ['starts over when the source ignores the offset', false, [300], 0],
  ])('%s', async (_name, ranges, asked, resumedFrom) => {
    await writeFile(blobs.ingestPath(digest), data.subarray(0, 300));
    const s = source(data, ranges);
    expect(await blobs.ingest(digest, data.length, s.open)).toEqual({ resumedFrom, existed: false });
    expect(s.asked).toEqual(asked);
    expect(await blobs.read(digest)).toEqual(data);
    expect(await readdir(join(tmp, 'tmp', 'ingest'))).toEqual([]);
  });

  test('a partial file with wrong bytes fails the digest and is dropped', async () => {
    await writeFile(blobs.ingestPath(digest), Buffer.alloc(300, 'x'));
    await expect(blobs.ingest(digest, data.length, source(data).open)).rejects.toBeInstanceOf(DigestError);
    expect(await readdir(join(tmp, 'tmp', 'ingest'))).toEqual([]);
  });

  test('a body longer than the descriptor says is refused and dropped', async () => {
    await expect(blobs.ingest(digest, data.length - 1, source(data).open)).rejects.toThrow(/longer than/);
    expect(await readdir(join(tmp, 'tmp', 'ingest'))).toEqual([]);
  });

  test('a body that ends early is kept for the next attempt', async () => {
    await expect(blobs.ingest(digest, data.length, source(data.subarray(0, 400)).open)).rejects.toBeInstanceOf(IncompleteBlobError);
    expect(await readFile(blobs.ingestPath(digest))).toEqual(data.subarray(0, 400));
    expect((await blobs.ingest(digest, data.length, source(data).open)).resumedFrom).toBe(400);
  });

  test('init keeps partial downloads and drops other leftovers', async () => {
    await writeFile(blobs.ingestPath(digest), 'part');
    await writeFile(join(tmp, 'tmp', 'leftover'), 'x');
    await new BlobStore(tmp).init();
    expect(await readdir(join(tmp, 'tmp'))).toEqual(['ingest']);
    expect(await readdir(join(tmp, 'tmp', 'ingest'))).toHaveLength(1);
  });
});
