// A worker thread of watch clients (see watch-fleet.ts): raw TLS connections that send one GET
// and read the chunked stream of watch events without node's HTTP parser, so 1,000 watchers ×
// 1,000 events cost the bench little CPU and the creates (on the main thread) are not delayed
// by it. Every event line carries the pod's `bench/sent` annotation and a name ending in its
// index; each delivery is recorded as (sent, index, received) into arrays handed back at the end.
import tls from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

export interface FleetConfig {
  host: string; port: number; path: string; watchers: number; maxDeliveries: number;
  ca: Buffer; cert: Buffer; key: Buffer;
  /** Per watcher: events received (Int32Array over a SharedArrayBuffer), and [0] of `opened`. */
  counts: SharedArrayBuffer; opened: SharedArrayBuffer;
}

const cfg = workerData as FleetConfig;
const counts = new Int32Array(cfg.counts);
const opened = new Int32Array(cfg.opened);
const sent = new Float64Array(cfg.maxDeliveries);
const received = new Float64Array(cfg.maxDeliveries);
const index = new Int32Array(cfg.maxDeliveries);
let n = 0;
const now = () => performance.timeOrigin + performance.now();
const sentMarker = Buffer.from('"bench/sent":"');
const nameMarker = Buffer.from('"name":"');
const headerEnd = Buffer.from('\r\n\r\n');
const context = tls.createSecureContext({ ca: cfg.ca, cert: cfg.cert, key: cfg.key });
const sockets: tls.TLSSocket[] = [];

const open = (slot: number) => {
  let head = true;
  let rest: Buffer | undefined;
  const socket = tls.connect({ host: cfg.host, port: cfg.port, secureContext: context });
  sockets.push(socket);
  socket.on('secureConnect', () => {
    socket.write(`GET ${cfg.path} HTTP/1.1\r\nHost: ${cfg.host}:${cfg.port}\r\nAccept: application/json\r\n\r\n`);
  });
  socket.on('error', () => undefined);
  socket.on('data', (d: Buffer) => {
    const at = now();
    let buf = rest ? Buffer.concat([rest, d]) : d;
    rest = undefined;
    if (head) {
      const end = buf.indexOf(headerEnd);
      if (end < 0) { rest = buf; return; }
      if (buf.toString('latin1', 9, 12) === '200') Atomics.add(opened, 0, 1);
      head = false;
      buf = buf.subarray(end + 4);
    }
    // Lines end in '\n'; the chunk-size lines between them carry no marker and are skipped.
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      const m = buf.indexOf(sentMarker, start);
      if (m >= 0 && m < nl) {
        const nm = buf.indexOf(nameMarker, start);
        const nameEnd = buf.indexOf(34, nm + nameMarker.length);
        let i = 0;
        for (let k = buf.lastIndexOf(45, nameEnd) + 1; k < nameEnd; k++) i = i * 10 + buf[k] - 48;
        if (n < sent.length) {
          sent[n] = Number(buf.toString('latin1', m + sentMarker.length, buf.indexOf(34, m + sentMarker.length)));
          index[n] = i;
          received[n++] = at;
        }
        counts[slot]++;
      }
      start = nl + 1;
    }
    if (start < buf.length) rest = Buffer.from(buf.subarray(start));
  });
};

for (let i = 0; i < cfg.watchers; i++) open(i);

parentPort?.on('message', (msg: string) => {
  if (msg !== 'close') return;
  for (const s of sockets) s.destroy();
  const result = { n, sent: sent.subarray(0, n), index: index.subarray(0, n), received: received.subarray(0, n) };
  parentPort?.postMessage(result, [sent.buffer, index.buffer, received.buffer]);
});
