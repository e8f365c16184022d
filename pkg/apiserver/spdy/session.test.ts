import { once } from 'node:events';
import { encodeFrame, FrameReader } from './frames';
import { SpdySession, type SpdyStream, type SpdyTransport } from './session';

/** Two sessions wired back to back; bytes are delivered on the next tick, as a socket would. */
const pair = () => {
  const wire = (peer: () => SpdySession, log: Buffer[]): SpdyTransport & { ended: boolean } => {
    const t = {
      ended: false,
      write: (b: Buffer) => { log.push(b); setImmediate(() => peer().receive(b)); },
      end: () => { t.ended = true; setImmediate(() => peer().transportClosed()); },
      destroy: () => { t.ended = true; setImmediate(() => peer().transportClosed()); },
    };
    return t;
  };
  const toServer: Buffer[] = [];
  const toClient: Buffer[] = [];
  const ct = wire(() => server, toServer);
  const st = wire(() => client, toClient);
  const client: SpdySession = new SpdySession(ct, { isServer: false });
  const server: SpdySession = new SpdySession(st, { isServer: true });
  return { client, server, toServer, toClient, ct, st };
};

const collect = (s: SpdyStream) => {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  return { text: () => Buffer.concat(chunks).toString(), ended: once(s, 'end') };
};

test('streams open with headers, are replied to, carry data both ways and half-close with FIN', async () => {
  const { client, server } = pair();
  const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
  const cs = client.openStream({ streamtype: 'stdout' });
  const replied = once(cs, 'reply');
  const [ss] = await accepted;
  expect(ss.id).toBe(1);
  expect(ss.headers).toEqual({ streamtype: 'stdout' });
  ss.reply();
  await replied;
  const fromServer = collect(cs);
  const fromClient = collect(ss);
  ss.write('hello ');
  ss.write(Buffer.alloc(70_000, 0x61)); // more than one data frame
  ss.end();
  cs.write('ping');
  cs.end();
  await Promise.all([fromServer.ended, fromClient.ended]);
  expect(fromServer.text()).toBe(`hello ${'a'.repeat(70_000)}`);
  expect(fromClient.text()).toBe('ping');
});

test('many streams keep their own headers (one compression context per direction)', async () => {
  const { client, server } = pair();
  const seen: Record<string, string>[] = [];
  server.on('stream', (s: SpdyStream) => { seen.push(s.headers); s.reply(); });
  const types = ['error', 'stdin', 'stdout', 'stderr', 'resize'];
  const streams = types.map((t) => client.openStream({ streamtype: t }));
  await Promise.all(streams.map((s) => once(s, 'reply')));
  expect(seen).toEqual(types.map((t) => ({ streamtype: t })));
  expect(streams.map((s) => s.id)).toEqual([1, 3, 5, 7, 9]);
});

test('the server echoes client pings and reports a reset stream', async () => {
  const { client, server, toClient } = pair();
  const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
  const cs = client.openStream({ streamtype: 'data' });
  const [ss] = await accepted;
  const pong = once(client, 'ping');
  client.queue(() => encodeFrame({ type: 'ping', id: 1 }));
  expect(await pong).toEqual([1]);
  expect(toClient.flatMap((b) => new FrameReader().push(b))).toContainEqual({ type: 'ping', id: 1 });
  const reset = once(ss, 'reset');
  cs.reset();
  expect(await reset).toEqual([5]);
});

test('GOAWAY ends our side; a closed transport ends every open stream', async () => {
  const { client, server, st } = pair();
  const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
  const cs = client.openStream({ streamtype: 'error' });
  const [ss] = await accepted;
  ss.reply();
  const goaway = once(client, 'goaway');
  const ended = once(cs, 'end');
  server.goAway();
  expect(await goaway).toEqual([1, 0]);
  await ended;
  expect(st.ended).toBe(true);
});

test('garbage from the peer is a protocol error: GOAWAY and the transport is destroyed', async () => {
  const { server, toClient } = pair();
  const closed = once(server, 'close');
  server.receive(Buffer.from([0x80, 9, 0, 1, 0, 0, 0, 0]));
  await closed;
  expect(new FrameReader().push(toClient[0])).toEqual([{ type: 'goAway', lastGoodStreamId: 0, status: 1 }]);
});
