import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Endpoints, Service } from '../../../api/core/v1';
import { silentLogger } from '../../log';
import { forward, forwardedHeaders, isProxyableIP, serviceEndpoint, splitSchemeNamePort } from './proxy';

describe('proxy targets', () => {
  test('splits [scheme:]name[:port]', () => {
    expect(splitSchemeNamePort('web')).toEqual({ scheme: '', name: 'web', port: '' });
    expect(splitSchemeNamePort('web:http')).toEqual({ scheme: '', name: 'web', port: 'http' });
    expect(splitSchemeNamePort('https:web:443')).toEqual({ scheme: 'https', name: 'web', port: '443' });
    expect(splitSchemeNamePort('ftp:web:21')).toBeUndefined();
    expect(splitSchemeNamePort('a:b:c:d')).toBeUndefined();
  });

  test('only global unicast addresses are proxyable', () => {
    for (const ip of ['10.0.0.5', '192.0.2.1', '2001:db8::1']) expect(isProxyableIP(ip)).toBe(true);
    for (const ip of ['127.0.0.1', '0.0.0.0', '169.254.169.254', '224.0.0.1', '::1', '::', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', 'localhost', '']) {
      expect({ ip, ok: isProxyableIP(ip) }).toEqual({ ip, ok: false });
    }
  });

  test('a service endpoint by port name, or by the number of the service port that has it', () => {
    const svc = { spec: { ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] } } as Service;
    const eps = { subsets: [{ addresses: [{ ip: '127.0.0.1' }, { ip: '10.0.0.7' }], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }] }] } as Endpoints;
    expect(serviceEndpoint(svc, eps, { name: 's', port: 'metrics' })).toEqual({ ip: '10.0.0.7', port: 9100 });
    expect(serviceEndpoint(svc, eps, { name: 's', port: '80' })).toEqual({ ip: '10.0.0.7', port: 8080 });
    expect(() => serviceEndpoint(svc, eps, { name: 's', port: '81' })).toThrow('no service port 81 found for service "s"');
    expect(() => serviceEndpoint(svc, eps, { name: 's', port: '' })).toThrow('no endpoints available for service "s"');
    expect(() => serviceEndpoint(svc, undefined, { name: 's', port: 'http' })).toThrow('no endpoints available for service "s:http"');
  });

  test('hop-by-hop headers, credentials and impersonation stay behind', () => {
    expect(forwardedHeaders({ authorization: 'Bearer x', 'impersonate-user': 'a', connection: 'keep-alive', accept: 'text/html', 'x-custom': '1' }))
      .toEqual({ accept: 'text/html', 'x-custom': '1' });
  });
});

describe('forward', () => {
  // A real HTTP server on loopback as the backend, and an express app in front as the apiserver's handler.
  let backend: http.Server;
  let front: http.Server;
  let base = '';
  beforeAll(async () => {
    backend = http.createServer((r, w) => {
      let body = '';
      r.on('data', (d: Buffer) => { body += d.toString(); });
      r.on('end', () => {
        if (r.url === '/page') {
          w.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
          w.end('<a href="/next">next</a>');
        } else if (r.url === '/gz') {
          w.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' });
          w.end(zlib.gzipSync('<img src="/i.png">'));
        } else if (r.url === '/moved') {
          w.writeHead(302, { Location: '/elsewhere' });
          w.end();
        } else {
          w.writeHead(r.url?.startsWith('/missing') ? 404 : 200, { 'Content-Type': 'text/plain', 'X-Backend': 'yes' });
          w.end(`${r.method} ${r.url} ${body} auth=${r.headers.authorization ?? '-'}`);
        }
      });
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const port = String((backend.address() as AddressInfo).port);
    const app = express();
    app.use(express.raw({ type: () => true }));
    app.use((req, res) => {
      const proxyPath = req.path.replace(/^\/proxy/, '');
      const links = { pathPrepend: '/proxy', backendHost: `127.0.0.1:${port}`, requestHost: 'example' };
      void forward({ scheme: 'http', host: '127.0.0.1', port: req.path.includes('closed') ? '1' : port }, 'pod', proxyPath, req, res, silentLogger(), links);
    });
    front = http.createServer(app);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => front.close(r));
    await new Promise((r) => backend.close(r));
  });

  const call = (method: string, path: string, body?: string) => new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const r = http.request(`${base}${path}`, { method, headers: { Authorization: 'Bearer secret' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    r.on('error', reject);
    r.end(body);
  });

  test('method, path, query and body go on; status, headers and body come back; credentials do not go on', async () => {
    expect(await call('GET', '/proxy/hello?x=1')).toMatchObject({ status: 200, headers: { 'x-backend': 'yes' }, text: 'GET /hello?x=1  auth=-' });
    expect(await call('POST', '/proxy/submit', 'payload')).toMatchObject({ status: 200, text: 'POST /submit payload auth=-' });
    expect(await call('GET', '/proxy')).toMatchObject({ text: 'GET /  auth=-' });
    expect(await call('DELETE', '/proxy/missing')).toMatchObject({ status: 404, text: 'DELETE /missing  auth=-' });
  });

  test('HTML pages (compressed too) and redirects keep their same-host links under the proxy path', async () => {
    expect(await call('GET', '/proxy/page')).toMatchObject({ status: 200, text: '<a href="/proxy/next">next</a>' });
    const gz = await new Promise<Buffer>((resolve, reject) => {
      http.get(`${base}/proxy/gz`, (res) => { const cs: Buffer[] = []; res.on('data', (d: Buffer) => cs.push(d)); res.on('end', () => resolve(Buffer.concat(cs))); }).on('error', reject);
    });
    expect(zlib.gunzipSync(gz).toString()).toBe('<img src="/proxy/i.png">');
    expect(await call('GET', '/proxy/moved')).toMatchObject({ status: 302, headers: { location: '/proxy/elsewhere' } });
    // Not HTML: as it came.
    expect((await call('GET', '/proxy/hello')).text).toBe('GET /hello  auth=-');
  });

  test('a backend that cannot be reached is a 503 Status', async () => {
    const r = await call('GET', '/proxy/closed');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text)).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', message: expect.stringContaining('error trying to reach pod: connect ECONNREFUSED') });
  });
});
