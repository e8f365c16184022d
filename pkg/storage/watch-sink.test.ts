import type { WatchEvent } from '../../api/meta/v1';
import { pipeWatch } from './watch-sink';

const ev = (name: string): WatchEvent => ({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name } } });

async function* stream(names: string[], failWith?: Error): AsyncGenerator<WatchEvent> {
  for (const n of names) yield ev(n);
  if (failWith) throw failWith;
}

describe('pipeWatch over a plain stream', () => {
  test('pumps every event, waiting on a backed-up sink until resume', async () => {
    const got: string[] = [];
    let room = 1;
    const p = pipeWatch(stream(['a', 'b', 'c']), { push: (e) => { got.push(e.object.metadata.name ?? ''); return got.length < room; } }, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['a']);
    room = 10;
    p.resume();
    await p.done;
    expect(got).toEqual(['a', 'b', 'c']);
  });

  test('an abort while backed up ends the pipe cleanly', async () => {
    const ac = new AbortController();
    const p = pipeWatch(stream(['a', 'b']), { push: () => false }, ac.signal);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await expect(p.done).resolves.toBeUndefined();
  });

  test("the stream's error rejects the pipe", async () => {
    const p = pipeWatch(stream(['a'], new Error('gone')), { push: () => true }, new AbortController().signal);
    await expect(p.done).rejects.toThrow('gone');
  });
});
