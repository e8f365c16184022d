// readBody against a loopback express app: the same req.body and errors as express.raw.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import { readBody } from './read-body';

const limit = 1024;

const startApp = async () => {
  const app = express();
  app.use(readBody(limit, express.raw({ type: () => true, limit })));
  app.use((req: Request, res: Response) => {
    res.json({ buffer: Buffer.isBuffer(req.body), body: Buffer.isBuffer(req.body) ? (req.body as Buffer).toString('utf8') : req.body as unknown });
  });
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ type: err.type, message: err.message });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const send = (port: number, method: string, headers: http.OutgoingHttpHeaders, chunks: Buffer[]) =>
  new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/x', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });

describe('readBody', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => { app = await startApp(); });
  afterAll(async () => { await app.stop(); });

  test('a Content-Length body and a chunked body are one Buffer', async () => {
    const body = Buffer.from('{"kind":"Pod"}');
    expect(await send(app.port, 'POST', { 'content-length': body.length }, [body])).toEqual({ status: 200, json: { buffer: true, body: '{"kind":"Pod"}' } });
    const chunked = await send(app.port, 'POST', { 'transfer-encoding': 'chunked' }, [Buffer.from('ab'), Buffer.from('cd')]);
    expect(chunked).toEqual({ status: 200, json: { buffer: true, body: 'abcd' } });
  });

  test('no body leaves {} as body-parser does; an empty body is an empty Buffer', async () => {
    expect(await send(app.port, 'GET', {}, [])).toEqual({ status: 200, json: { buffer: false, body: {} } });
    expect(await send(app.port, 'POST', { 'content-length': 0 }, [])).toEqual({ status: 200, json: { buffer: true, body: '' } });
  });

  test('past the limit, declared or streamed, is entity.too.large (413)', async () => {
    const big = Buffer.alloc(limit + 1, 'a');
    const declared = await send(app.port, 'POST', { 'content-length': big.length }, [big]);
    expect(declared).toEqual({ status: 413, json: { type: 'entity.too.large', message: 'request entity too large' } });
    const streamed = await send(app.port, 'POST', { 'transfer-encoding': 'chunked' }, [big.subarray(0, 600), big.subarray(600)]);
    expect(streamed).toEqual({ status: 413, json: { type: 'entity.too.large', message: 'request entity too large' } });
  });

  test('a gzip body goes to express.raw, which inflates it', async () => {
    const gz = gzipSync(Buffer.from('{"a":1}'));
    const res = await send(app.port, 'POST', { 'content-encoding': 'gzip', 'content-length': gz.length }, [gz]);
    expect(res).toEqual({ status: 200, json: { buffer: true, body: '{"a":1}' } });
  });
});
