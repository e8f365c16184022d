// metrics.k8s.io/v1beta1 served by the apiserver itself (what metrics-server adds through an
// APIService): NodeMetrics and PodMetrics from the agents' /metrics/resource, for kubectl top.
import type express from 'express';
import type { Request, Response } from 'express';
import { methodNotAllowed } from '../../apimachinery';
import type { HandlerContext } from '../handlers/context';
import { queryOf, queryString } from '../handlers/common';
import { sendError, sendJson } from '../handlers/respond';
import { negotiateTable } from '../table';
import { agentResourceMetrics } from './agent-client';
import { metricsAPIGroupDoc, metricsAPIResourceList, metricsGroup, metricsVersion } from './discovery';
import { getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics, type MetricsDeps, type Selection } from './metrics';
import { NodeScraper } from './scraper';
import { metricsTable, type NodeMetricsItem, type PodMetricsItem } from './table';

export { metricsAPIGroup, metricsAggregatedGroup } from './discovery';

const selection = (req: Request): Selection => {
  const q = queryOf(req);
  return { labelSelector: queryString(q, 'labelSelector'), fieldSelector: queryString(q, 'fieldSelector') };
};

/** Registers the group's discovery and resource paths (before the generic /apis routes). */
export const metricsApiRoutes = (app: express.Express, ctx: HandlerContext): void => {
  const d: MetricsDeps = {
    store: ctx.store, log: ctx.log.child('metrics-api'), now: () => ctx.now().getTime(),
    scraper: new NodeScraper({
      fetch: agentResourceMetrics(ctx.pkiDir), now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    }),
  };
  const get = (path: string, fn: (req: Request) => unknown, resource?: string) => app.all(path, (req: Request, res: Response) => {
    const q = queryOf(req);
    // Only get and list, as metrics-server serves them (no watch, no writes).
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, methodNotAllowed('the server does not allow this method on the requested resource'), ctx.log);
      return;
    }
    if (resource && (q.watch === 'true' || q.watch === '1')) {
      sendError(res, methodNotAllowed(`watch is not supported on resources of kind "${resource}.${metricsGroup}"`), ctx.log);
      return;
    }
    const table = negotiateTable(req.headers.accept, q.includeObject);
    Promise.resolve().then(() => fn(req)).then((body) => {
      const b = body as { kind?: string; items?: (NodeMetricsItem | PodMetricsItem)[] };
      const metrics = b.kind === 'NodeMetrics' || b.kind === 'PodMetrics' ? [body as NodeMetricsItem] : b.kind?.endsWith('MetricsList') ? b.items ?? [] : undefined;
      sendJson(res, 200, table && metrics ? metricsTable(metrics, table) : body);
    }, (err: unknown) => sendError(res, err, ctx.log));
  });
  const gv = `/apis/${metricsGroup}/${metricsVersion}`;
  get(`/apis/${metricsGroup}`, () => metricsAPIGroupDoc());
  get(gv, () => metricsAPIResourceList());
  get(`${gv}/nodes`, (req) => listNodeMetrics(d, selection(req)), 'nodemetrics');
  get(`${gv}/nodes/:name`, (req) => getNodeMetrics(d, req.params.name));
  get(`${gv}/pods`, (req) => listPodMetrics(d, '', selection(req)), 'podmetrics');
  get(`${gv}/namespaces/:namespace/pods`, (req) => listPodMetrics(d, req.params.namespace, selection(req)), 'podmetrics');
  get(`${gv}/namespaces/:namespace/pods/:name`, (req) => getPodMetrics(d, req.params.namespace, req.params.name));
};
