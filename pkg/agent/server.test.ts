import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeRuntime } from './fake-runtime';
import { logOptions, serveAgentAPI, type TLSFiles } from './server';
import { containerConfig, sandboxConfig } from './container-config';
import { pod } from './test-builders';

let dir = '';
let tls: TLSFiles;
let client: { cert: Buffer; key: Buffer };

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-srv-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=berth-ca', '-days', '1');
  for (const [name, subj, ext] of [['agent', '/CN=agent', 'subjectAltName=IP:127.0.0.1'], ['admin', '/CN=admin/O=system:masters', 'extendedKeyUsage=clientAuth']]) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  tls = { cert: read('agent.crt'), key: read('agent.key'), ca: read('ca.crt') };
  client = { cert: read('admin.crt'), key: read('admin.key') };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (port: number, p: string, withCert = true) => new Promise<{ code: number; body: string }>((resolve, reject) => {
  const req = https.get({ host: '127.0.0.1', port, path: p, ca: tls.ca, ...(withCert ? client : {}) }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
  });
  req.on('error', reject);
});

test('serves container logs over mutual TLS, with Status errors', async () => {
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const p = pod();
  const sb = sandboxConfig(p, path.join(dir, 'pods'), 0);
  const sbId = await runtime.runPodSandbox(sb);
  const id = await runtime.createContainer(sbId, containerConfig(p, p.spec?.containers?.[0] ?? { name: 'app' }, 0, { podIP: '', hostIP: '', nodeName: 'n1', memoryCapacity: 1 }));
  const logFile = path.join(dir, 'app-0.log');
  fs.writeFileSync(logFile, '2025-01-01T00:00:01Z stdout F hello\n2025-01-01T00:00:02Z stderr F world\n');
  const st = runtime.containers.get(id);
  if (st) st.status.logPath = logFile;
  runtime.exit(id, 0);

  const ac = new AbortController();
  const srv = await serveAgentAPI({ runtime, getPod: (ns, name) => (ns === 'default' && name === 'web' ? p : undefined), podLogDir: dir, log: silentLogger() },
    { port: 0, host: '127.0.0.1', tls }, ac.signal);
  try {
    expect(await get(srv.port, '/containerLogs/default/web/app')).toEqual({ code: 200, body: 'hello\nworld\n' });
    expect((await get(srv.port, '/containerLogs/default/web/app?tailLines=1&timestamps=true')).body).toBe('2025-01-01T00:00:02.000000000Z world\n');
    expect((await get(srv.port, '/containerLogs/default/web/app?follow=true')).body).toBe('hello\nworld\n');
    const missing = await get(srv.port, '/containerLogs/default/nope/app');
    expect(missing.code).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "nope" not found' });
    const prev = await get(srv.port, '/containerLogs/default/web/app?previous=true');
    expect(JSON.parse(prev.body)).toMatchObject({ code: 400, message: 'previous terminated container "app" in pod "web" not found' });
    expect((await get(srv.port, '/healthz')).body).toBe('ok');
    await expect(get(srv.port, '/healthz', false)).rejects.toThrow();
  } finally {
    ac.abort();
    await srv.closed;
  }
});

test('logOptions', () => {
  const now = Date.parse('2025-01-01T00:01:00Z');
  expect(logOptions(new URLSearchParams('follow=true&tailLines=5&sinceSeconds=60&timestamps=true'), now))
    .toEqual({ follow: true, timestamps: true, previous: false, tailLines: 5, limitBytes: undefined, sinceMs: Date.parse('2025-01-01T00:00:00Z') });
  expect(() => logOptions(new URLSearchParams('tailLines=x'), now)).toThrow('invalid tailLines "x"');
});
