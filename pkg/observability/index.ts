// Every component serves /healthz and /metrics (prom-client) on its own port.
import http from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../log';

export const newRegistry = (component: string): Registry => {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
};

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Returns undefined when healthy, or the reason it is not. */
  check?: () => string | undefined;
  log: Logger;
}

/** Starts the /healthz + /metrics server; it closes when `signal` aborts. Resolves with the bound port. */
export const serveHealth = async (opts: HealthServerOptions, signal: AbortSignal): Promise<number> => {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      const problem = opts.check?.();
      res.writeHead(problem ? 500 : 200, { 'Content-Type': 'text/plain' });
      res.end(problem ?? 'ok');
      return;
    }
    if (path === '/metrics') {
      opts.registry.metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': opts.registry.contentType });
        res.end(text);
      }, (err: unknown) => { res.writeHead(500); res.end(String(err)); });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  opts.log.info('serving health and metrics', { port });
  signal.addEventListener('abort', () => server.close(), { once: true });
  return port;
};
