import { EventEmitter } from 'node:events';
import { WatchWriter, watchWriteIntervalMs, type WatchSink } from './watch-writer';

class FakeSink extends EventEmitter implements WatchSink {
  chunks: Buffer[] = [];
  accept = true;
  closed = false;
  write(data: Buffer): boolean {
    this.chunks.push(data);
    return this.accept;
  }
  drain(): void {
    this.accept = true;
    this.emit('drain');
  }
}

const line = (s: string) => Buffer.from(`${s}\n`);
const body = (chunk: Buffer) => {
  const text = chunk.toString();
  const head = text.indexOf('\r\n');
  const size = parseInt(text.slice(0, head), 16);
  expect(text.endsWith('\r\n')).toBe(true);
  const data = text.slice(head + 2, -2);
  expect(Buffer.byteLength(data)).toBe(size);
  return data;
};

describe('WatchWriter', () => {
  let now = 1000;
  beforeEach(() => {
    jest.useFakeTimers();
    now = 1000;
  });
  afterEach(() => jest.useRealTimers());
  const writer = (sink: WatchSink) => new WatchWriter(sink, () => now);

  it('writes the first event at the next turn as one HTTP chunk', () => {
    const sink = new FakeSink();
    writer(sink).add(line('a'));
    expect(sink.chunks).toHaveLength(0);
    jest.advanceTimersByTime(0);
    expect(sink.chunks.map(body)).toEqual(['a\n']);
  });

  it('coalesces the events of one interval into one write', () => {
    const sink = new FakeSink();
    const w = writer(sink);
    w.add(line('a'));
    jest.advanceTimersByTime(0);
    now += 1;
    w.add(line('b'));
    w.add(line('c'));
    jest.advanceTimersByTime(watchWriteIntervalMs - 1);
    expect(sink.chunks).toHaveLength(1);
    now += watchWriteIntervalMs;
    jest.advanceTimersByTime(1);
    expect(sink.chunks.map(body)).toEqual(['a\n', 'b\nc\n']);
  });

  it('gives writers of the same events the same buffer', () => {
    const sinks = [new FakeSink(), new FakeSink(), new FakeSink()];
    const ws = sinks.map(writer);
    const events = [line('x'), line('y')];
    for (const ev of events) for (const w of ws) w.add(ev);
    jest.advanceTimersByTime(0);
    const [first, ...rest] = sinks.map((s) => s.chunks[0]);
    expect(body(first)).toBe('x\ny\n');
    for (const c of rest) expect(c).toBe(first);
  });

  it('holds events while the socket is backed up and writes them on drain', () => {
    const sink = new FakeSink();
    const w = writer(sink);
    sink.accept = false;
    w.add(line('a'));
    jest.advanceTimersByTime(0);
    expect(w.backedUp).toBe(true);
    now += 100;
    w.add(line('b'));
    jest.advanceTimersByTime(100);
    expect(sink.chunks).toHaveLength(1);
    sink.drain();
    expect(w.backedUp).toBe(false);
    expect(sink.chunks.map(body)).toEqual(['a\n', 'b\n']);
  });

  it('writes what is queued on close, even when backed up, and lets go of the socket', () => {
    const sink = new FakeSink();
    const w = writer(sink);
    sink.accept = false;
    w.add(line('a'));
    jest.advanceTimersByTime(0);
    w.add(line('b'));
    w.close();
    expect(sink.chunks.map(body)).toEqual(['a\n', 'b\n']);
    expect(sink.listenerCount('drain')).toBe(0);
  });

  it('writes nothing once the response is closed', () => {
    const sink = new FakeSink();
    const w = writer(sink);
    w.add(line('a'));
    sink.closed = true;
    jest.advanceTimersByTime(0);
    expect(sink.chunks).toHaveLength(0);
  });
});
