import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { rfc3339, sendJson } from './respond';

const serve = async (handler: (res: Response) => void, method = 'GET') => {
  const server = http.createServer((_req, res) => handler(res as unknown as Response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', method }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
};

describe('sendJson', () => {
  test('the Content-Type is exactly the one given (no charset, as upstream), with the length and earlier headers', async () => {
    const r = await serve((res) => {
      res.setHeader('Warning', '299 - "careful"');
      sendJson(res, 201, { kind: 'Pod', name: 'ü' }, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    });
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.body)));
    expect(r.headers.warning).toBe('299 - "careful"');
    expect(JSON.parse(r.body)).toEqual({ kind: 'Pod', name: 'ü' });
  });

  test('a HEAD request gets the headers without a body', async () => {
    const r = await serve((res) => sendJson(res, 200, { a: 1 }), 'HEAD');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('');
  });
});

describe('rfc3339', () => {
  test('seconds precision with Z, as metav1.Time marshals; expanded years too', () => {
    expect(rfc3339(new Date('2026-11-23T02:14:05.987Z'))).toBe('2026-11-23T02:14:05Z');
    expect(rfc3339(new Date('0001-01-01T00:00:00.000Z'))).toBe('0001-01-01T00:00:00Z');
    expect(rfc3339(new Date(Date.UTC(12345, 0, 1)))).toBe('+012345-01-01T00:00:00Z');
  });
});
