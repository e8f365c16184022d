import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { silentLogger } from '../../log';
import { createFakeStore } from '../../storage';
import type { HandlerContext } from '../handlers/context';
import { metricsApiRoutes } from '.';

let server: Server;
let base = '';

beforeAll(async () => {
  const ctx: HandlerContext = {
    store: createFakeStore(), log: silentLogger(), now: () => new Date(), pkiDir: '/nonexistent',
    validate: () => ({ causes: [], unknownFields: [] }), strip: (_i, o) => o, watchers: () => undefined,
  };
  const app = express();
  app.set('query parser', 'simple');
  metricsApiRoutes(app, ctx);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/metrics.k8s.io`;
});
afterAll(() => { server.close(); });

describe('metrics.k8s.io routes', () => {
  it('serves the group and its resource list', async () => {
    expect(await (await fetch(base)).json()).toMatchObject({ kind: 'APIGroup', name: 'metrics.k8s.io', preferredVersion: { version: 'v1beta1' } });
    expect(await (await fetch(`${base}/v1beta1`)).json()).toMatchObject({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1' });
  });

  it('lists (empty without nodes), and answers a Table when asked', async () => {
    expect(await (await fetch(`${base}/v1beta1/pods`)).json()).toEqual({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [] });
    const t = await fetch(`${base}/v1beta1/nodes`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(await t.json()).toEqual({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: [], rows: [] });
  });

  it('refuses watch and writes with MethodNotAllowed', async () => {
    const w = await fetch(`${base}/v1beta1/namespaces/default/pods?watch=true`);
    expect(w.status).toBe(405);
    expect(await w.json()).toMatchObject({ reason: 'MethodNotAllowed', message: 'watch is not supported on resources of kind "podmetrics.metrics.k8s.io"' });
    expect((await fetch(`${base}/v1beta1/nodes/n1`, { method: 'DELETE' })).status).toBe(405);
  });

  it('a missing pod is the pods NotFound', async () => {
    const r = await fetch(`${base}/v1beta1/namespaces/default/pods/nope`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found' });
  });
});
