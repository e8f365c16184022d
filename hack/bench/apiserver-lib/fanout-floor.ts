// The watch fan-out floor: a bare node HTTPS server (same certificates, client-certificate
// handshake) that streams the same bytes the apiserver would — `count` lines of `lineBytes`,
// each to every connected watcher, at `perSecond` — through the apiserver's own WatchWriter
// (the same write coalescing and shared chunks), straight onto the sockets.
// Run as a child process (its own core share, like the apiserver): argv[2] is a JSON config.
// GET /watch opens a stream; POST /start begins the burst once the watchers are connected.
import https from 'node:https';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WatchWriter } from '../../../pkg/apiserver/handlers/watch-writer';

interface Config { port: number; cert: string; key: string; ca: string; count: number; lineBytes: number; perSecond: number }

const cfg = JSON.parse(process.argv[2] ?? '{}') as Config;
const watchers = new Set<WatchWriter>();

const line = (i: number): Buffer => {
  const head = `{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"f-${i}","annotations":{"bench/sent":"${performance.timeOrigin + performance.now()}"}},"pad":"`;
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, cfg.lineBytes - head.length - 4))}"}}\n`);
};

const burst = () => {
  let i = 0;
  const start = performance.now();
  const tick = () => {
    // Emit every event that is due by now, as a steady stream of creates would.
    const due = Math.min(cfg.count, Math.floor(((performance.now() - start) / 1000) * cfg.perSecond) + 1);
    for (; i < due; i++) {
      const b = line(i);
      for (const w of watchers) w.add(b);
    }
    if (i < cfg.count) setTimeout(tick, 1);
  };
  tick();
};

https.createServer({
  cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key), ca: fs.readFileSync(cfg.ca), requestCert: true, rejectUnauthorized: false,
}, (req, res) => {
  if (req.method === 'POST') {
    res.end('ok');
    if (req.url === '/start') burst();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const socket = res.socket as Socket;
  const w = new WatchWriter({
    write: (chunk) => socket.write(chunk), on: (e, fn) => socket.on(e, fn), off: (e, fn) => socket.off(e, fn),
    get closed() { return socket.destroyed; },
  }, () => performance.now());
  watchers.add(w);
  res.on('close', () => watchers.delete(w));
}).listen(cfg.port, '127.0.0.1');
