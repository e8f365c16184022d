// tar-stream 3 ships streamx types whose chunks are `unknown`; these adapt them to Buffers.
import type * as tar from 'tar-stream';

/** One entry of an extract stream: a readable of its body with its header. */
export type TarEntry = tar.Extract extends AsyncIterable<infer S> ? S : never;

export type TarHeaderInput = Partial<tar.Header> & Pick<tar.Header, 'name'>;

/** The body of a tar entry as Buffers (tar-stream yields Buffers; checked, not cast). */
export async function* entryBytes(entry: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const c of entry) {
    if (!Buffer.isBuffer(c)) throw new TypeError('tar entry yielded a non-Buffer chunk');
    yield c;
  }
}
