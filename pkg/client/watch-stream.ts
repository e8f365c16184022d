// Decodes a watch response: newline-delimited `{"type":…,"object":…}` events on a chunked
// response that stays open (client-go watch/streamwatcher.go). An ERROR event carrying a 410
// Status is thrown as expired() so the reflector relists; any other ERROR is thrown as its Status.
import type { IncomingMessage } from 'node:http';
import type { ApiObject, Status, WatchEvent } from '../../api/meta/v1';
import { expired, fromStatusBody, internal } from '../apimachinery/errors';

const decodeEvent = <T>(line: string): WatchEvent<T> => {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch (err) {
    throw internal(new Error(`malformed watch event: ${(err as Error).message}`));
  }
  if (typeof ev !== 'object' || ev === null || typeof (ev as WatchEvent).type !== 'string') {
    throw internal(new Error(`malformed watch event: ${line.slice(0, 200)}`));
  }
  const event = ev as WatchEvent<unknown>;
  if (event.type === 'ERROR') {
    const status = event.object as Partial<Status> | undefined;
    const code = status?.code ?? 500;
    if (code === 410) throw expired(status?.message ?? 'too old resource version');
    throw fromStatusBody(code, status);
  }
  return event as WatchEvent<T>;
};

/**
 * Yields events until the server ends the response. An abort of `signal` ends the iteration
 * quietly (cancelled, not failed); the response is always destroyed on the way out.
 */
export async function* readWatchStream<T = ApiObject>(res: IncomingMessage, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
  res.setEncoding('utf8');
  let buf = '';
  try {
    for await (const chunk of res) {
      buf += chunk as string;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) yield decodeEvent<T>(line);
      }
    }
    if (buf.trim()) yield decodeEvent<T>(buf.trim());
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  } finally {
    res.destroy();
  }
}
