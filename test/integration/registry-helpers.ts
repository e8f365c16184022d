// Test fixtures for registry pulls: Debian's docker-registry (the real distribution registry)
// on a free loopback port with a filesystem store in a temp dir, optionally behind htpasswd
// (bcrypt via perl's crypt(3), libxcrypt) or token auth (a token server here, signing JWTs
// with a throwaway certificate made by openssl); pushes with skopeo; and a loopback proxy
// that can cut, corrupt or fail responses and records what it was asked.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const srv = http.createServer();
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as AddressInfo;
    srv.close(() => resolve(port));
  });
  srv.on('error', reject);
});

export const waitUntil = async (fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

export interface RegistryAuth {
  htpasswd?: { username: string; password: string };
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

export interface RunningRegistry {
  port: number;
  host: string;
  stop: () => Promise<void>;
}

/** bcrypt the way docker-registry's htpasswd wants it ($2b$ via libxcrypt). */
export const bcryptHash = (password: string): string =>
  execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${crypto.randomBytes(16).toString('base64').replace(/[+=]/g, '.').slice(0, 22)}`], { encoding: 'utf8' });

const authConfig = (dir: string, auth: RegistryAuth | undefined): string => {
  if (auth?.htpasswd) {
    const file = path.join(dir, 'htpasswd');
    fs.writeFileSync(file, `${auth.htpasswd.username}:${bcryptHash(auth.htpasswd.password)}\n`);
    return `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${file}\n`;
  }
  if (auth?.token) {
    const t = auth.token;
    return `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.rootCertBundle}\n`;
  }
  return '';
};

export const startRegistry = async (dir: string, auth?: RegistryAuth): Promise<RunningRegistry> => {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n` +
    `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: berth-test\n${authConfig(dir, auth)}`);
  const log = fs.openSync(path.join(dir, 'registry.log'), 'w');
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      return res.status === 200 || res.status === 401;
    } catch (err) {
      if ((err as Error).name === 'TypeError') return false; // not listening yet: keep waiting
      throw err;
    }
  });
  return { port, host: `127.0.0.1:${port}`, stop: async () => { child.kill('SIGTERM'); await exited; } };
};

/** `skopeo copy` of an OCI archive to the registry (with --all for image indexes); async, as a token server may run in this process. */
export const push = (archive: string, dest: string, creds?: string): Promise<void> => new Promise((resolve, reject) => {
  execFile('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []),
    `oci-archive:${archive}`, `docker://${dest}`], { timeout: 30_000 }, (err, _stdout, stderr) => (err ? reject(new Error(`skopeo: ${stderr || err.message}`)) : resolve()));
});

export interface ProxiedRequest {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

/** What the proxy does with one request: forward, or break it in one of these ways. */
export type ProxyAction = 'forward' | { cutAfterBytes: number } | { corrupt: true } | { status: number };

/** A loopback HTTP proxy in front of `target` (host:port); `decide` picks the action per request. */
export const startProxy = async (target: string, decide: (r: ProxiedRequest) => ProxyAction = () => 'forward') => {
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const r: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', range: req.headers.range, authorization: req.headers.authorization };
    requests.push(r);
    const action = decide(r);
    if (typeof action === 'object' && 'status' in action) { res.writeHead(action.status).end('injected failure'); return; }
    const up = http.request(`http://${target}${r.url}`, { method: r.method, headers: { ...req.headers, host: target } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      let sent = 0;
      upRes.on('data', (chunk: Buffer) => {
        if (typeof action === 'object' && 'cutAfterBytes' in action && sent + chunk.length > action.cutAfterBytes) {
          res.write(chunk.subarray(0, action.cutAfterBytes - sent), () => res.destroy());
          upRes.destroy();
          sent = action.cutAfterBytes;
          return;
        }
        const out = typeof action === 'object' && 'corrupt' in action && sent === 0 ? Buffer.from(chunk.map((b, i) => (i === 0 ? b ^ 0xff : b))) : chunk;
        sent += chunk.length;
        res.write(out);
      });
      upRes.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port, host: `127.0.0.1:${port}`, requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * A token server for docker-registry's `auth: token`: a self-signed certificate (openssl) the
 * registry trusts (rootcertbundle), RS256 JWTs carrying it in x5c, issued to anyone presenting
 * the right basic credentials (or to anonymous callers when `anonymous`).
 */
export const startTokenServer = async (dir: string, o: { username: string; password: string; anonymous?: boolean }) => {
  const key = path.join(dir, 'token.key');
  const cert = path.join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=berth-test-token'],
    { stdio: 'ignore' });
  const der = new crypto.X509Certificate(fs.readFileSync(cert)).raw.toString('base64');
  const privateKey = crypto.createPrivateKey(fs.readFileSync(key));
  const issued: { scope: string; account: string }[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [user, pass] = basic ? Buffer.from(basic, 'base64').toString().split(':') : ['', ''];
    if (!(user === o.username && pass === o.password) && !(o.anonymous && !basic)) { res.writeHead(401).end('{}'); return; }
    const scope = url.searchParams.get('scope') ?? '';
    issued.push({ scope, account: user });
    const [type, name, actions] = scope.split(':');
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
    const claims = b64url(JSON.stringify({ iss: 'berth-test', sub: user, aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now,
      jti: crypto.randomBytes(8).toString('hex'), access: scope ? [{ type, name, actions: actions.split(',') }] : [] }));
    const sig = crypto.sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), privateKey).toString('base64url');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `${header}.${claims}.${sig}`, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`, cert, issued,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
};
