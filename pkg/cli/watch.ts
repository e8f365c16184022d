// Reads a watch response (`?watch=true`): newline-delimited `{"type":…,"object":…}` events,
// until the server ends the stream or the signal aborts. ERROR events are yielded, not
// thrown, because kubectl prints some of them (a 410 as a STATUS row) and exits 0.
import type { Client } from '../client/types';

export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchRequest {
  path: string;
  query: Record<string, string | number | boolean | undefined>;
  accept?: string;
  signal: AbortSignal;
}

const isAbort = (err: unknown, signal: AbortSignal): boolean => signal.aborted || (err instanceof Error && err.name === 'AbortError');

export async function* watchEvents<T = unknown>(client: Client, req: WatchRequest): AsyncGenerator<WatchEvent<T>> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await client.stream(req.path, { query: { ...req.query, watch: true }, accept: req.accept ?? 'application/json', signal: req.signal });
  } catch (err) {
    if (isAbort(err, req.signal)) return;
    throw err;
  }
  let buf = '';
  try {
    for await (const chunk of stream) {
      buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) yield JSON.parse(line) as WatchEvent<T>;
      }
    }
    if (buf.trim()) yield JSON.parse(buf) as WatchEvent<T>;
  } catch (err) {
    if (isAbort(err, req.signal)) return;
    throw err;
  } finally {
    const s = stream as NodeJS.ReadableStream & { destroy?: () => void };
    s.destroy?.();
  }
}
