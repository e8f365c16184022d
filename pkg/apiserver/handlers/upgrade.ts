// HTTP upgrades (exec, attach and port-forward, WebSocket or SPDY) go through the same express
// application as every other request — authentication, request info, metrics, dispatch — with a
// response bound to the raw socket, as express-ws does. A handler that accepts the upgrade takes
// the socket (`upgradeOf`); one that refuses answers through the response as usual.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request } from 'express';

export interface Upgrade { socket: Duplex; head: Buffer }

const upgrades = new WeakMap<http.IncomingMessage, Upgrade>();

/** The raw socket and its first bytes when `req` arrived as an upgrade, else undefined. */
export const upgradeOf = (req: Request): Upgrade | undefined => upgrades.get(req);

/** What kind of upgrade the client asks for ('websocket', 'spdy/3.1'), lower-cased; '' for none. */
export const upgradeProtocol = (req: http.IncomingMessage): string => {
  const connection = (req.headers.connection ?? '').toLowerCase();
  if (!connection.split(',').some((t) => t.trim() === 'upgrade')) return '';
  return (req.headers.upgrade ?? '').trim().toLowerCase();
};

type App = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The server's 'upgrade' listener; upgraded sockets are destroyed when `signal` aborts. */
export const routeUpgrades = (app: App, signal: AbortSignal) => {
  const open = new Set<Duplex>();
  signal.addEventListener('abort', () => { for (const s of open) s.destroy(); }, { once: true });
  return (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (signal.aborted) { socket.destroy(); return; }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy()); // a reset by the peer ends the session; nothing to report
    upgrades.set(req, { socket, head });
    const res = new http.ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    // A refusal is an ordinary response; the connection ends with it.
    res.once('finish', () => socket.end());
    app(req, res);
  };
};
