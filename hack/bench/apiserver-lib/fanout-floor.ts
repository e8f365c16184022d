// The watch fan-out floor: a bare node HTTPS server (same certificates, client-certificate
// handshake) that streams the same bytes the apiserver would — `count` lines of `lineBytes`,
// each to every connected watcher, at `perSecond` — with the same per-turn write coalescing.
// Run as a child process (its own core share, like the apiserver): argv[2] is a JSON config.
// GET /watch opens a stream; POST /start begins the burst once the watchers are connected.
import https from 'node:https';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

interface Config { port: number; cert: string; key: string; ca: string; count: number; lineBytes: number; perSecond: number }

const cfg = JSON.parse(process.argv[2] ?? '{}') as Config;
const watchers = new Set<{ res: ServerResponse; pending: Buffer[]; scheduled: boolean }>();

const flush = (w: { res: ServerResponse; pending: Buffer[]; scheduled: boolean }) => {
  w.scheduled = false;
  if (w.pending.length === 0) return;
  w.res.write(w.pending.length === 1 ? w.pending[0] : Buffer.concat(w.pending));
  w.pending = [];
};

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
      for (const w of watchers) {
        w.pending.push(b);
        if (!w.scheduled) { w.scheduled = true; setImmediate(() => flush(w)); }
      }
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
  const w = { res, pending: [] as Buffer[], scheduled: false };
  watchers.add(w);
  res.on('close', () => watchers.delete(w));
}).listen(cfg.port, '127.0.0.1');
