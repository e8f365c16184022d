// The express application: metrics and authentication middleware, discovery, openapi,
// health and version, then every resource URL through the request-info parser and dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { pathNotFound, requestEntityTooLarge, badRequest } from '../apimachinery/errors';
import { authenticateWith } from './authn';
import { authorizeRequests } from './authz/step';
import { impersonateRequests } from './authz/impersonation';
import { serviceAccountTokenAuthenticator } from './serviceaccount-token';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery,
} from './discovery';
import { buildOpenApiV3 } from './openapi';
import { openApiV2Handler } from './openapi-v2';
import { parseRequestInfo, type RequestInfo } from './request-info';
import type { HandlerContext } from './handlers/context';
import { dispatch } from './handlers/dispatch';
import { metricsApiRoutes } from './metrics-api';
import { sendError, sendJson } from './handlers/respond';
import { readBody } from './handlers/read-body';
import type { ApiserverMetrics } from './metrics';

export interface AppDeps {
  ctx: HandlerContext;
  registry: Registry;
  metrics: ApiserverMetrics;
  /** Ends open watches when the server stops. */
  stop: AbortSignal;
  /** Undefined when ready, else why not (readyz). */
  readiness: () => Promise<string | undefined>;
}

export const versionInfo = {
  major: '1', minor: '33', gitVersion: 'v1.33.0-berth', gitCommit: '', gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'node', platform: 'linux/amd64',
};

const bodyLimit = 3 * 1024 * 1024;

type AsyncRoute = (req: Request, res: Response) => Promise<void> | void;

const route = (deps: AppDeps, fn: AsyncRoute) => (req: Request, res: Response) => {
  Promise.resolve().then(() => fn(req, res)).catch((err: unknown) => sendError(res, err, deps.ctx.log));
};

type Step = (req: Request, res: Response, next: NextFunction) => void;

const observe = (deps: AppDeps): Step => (req, res, next) => {
  // The resource fast path (serveRequests) has parsed it already.
  const ri = 'ri' in res.locals ? res.locals.ri as RequestInfo | undefined : parseRequestInfo(req.method, req.path, req.query as Record<string, unknown>);
  res.locals.ri = ri;
  const verb = ri?.verb ?? req.method.toLowerCase();
  const resource = ri ? (ri.subresource ? `${ri.resource.plural}/${ri.subresource}` : ri.resource.plural) : '';
  // Long-running requests stay out of the in-flight gauge, as upstream's.
  const long = ri?.verb === 'watch' || ['log', 'exec', 'attach', 'portforward'].includes(ri?.subresource ?? '');
  const start = process.hrtime.bigint();
  if (!long) deps.metrics.inflight.inc();
  res.once('close', () => {
    if (!long) deps.metrics.inflight.dec();
    const code = String(res.statusCode);
    deps.metrics.observeRequest(verb, resource, code, Number(process.hrtime.bigint() - start) / 1e9);
    deps.ctx.log.v(4, 'request', { verb, path: req.originalUrl, code, user: (res.locals.user as { name?: string } | undefined)?.name });
  });
  next();
};

const discoveryRoutes = (app: express.Express, deps: AppDeps): void => {
  const discovery = (legacy: boolean) => route(deps, (req, res) => {
    const v = negotiateDiscovery(req.headers.accept);
    res.set('Vary', 'Accept');
    if (v) sendJson(res, 200, aggregatedDiscovery(legacy, v), aggregatedContentType(v));
    else sendJson(res, 200, legacy ? apiVersions(`${req.hostname}:${req.socket.localPort}`) : apiGroupList());
  });
  app.get('/api', discovery(true));
  app.get('/apis', discovery(false));
  app.get('/api/:version', route(deps, (req, res) => {
    const doc = apiResourceList('', req.params.version);
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
  }));
  app.get('/apis/:group', route(deps, (req, res) => {
    const doc = apiGroupDoc(req.params.group);
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
  }));
  app.get('/apis/:group/:version', route(deps, (req, res) => {
    const doc = apiResourceList(req.params.group, req.params.version);
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
  }));
};

const openApiRoutes = (app: express.Express, deps: AppDeps): void => {
  const v3 = buildOpenApiV3();
  // Swagger 2.0, as gnostic protobuf for kubectl ≤1.28 (kubectl-wire §4.2) or JSON.
  app.get('/openapi/v2', openApiV2Handler());
  app.get('/openapi/v3', (_req, res) => sendJson(res, 200, v3.index));
  app.get(/^\/openapi\/v3\/(.+)$/, route(deps, (req, res) => {
    const doc = v3.docs.get((req.params as Record<string, string>)[0]);
    if (!doc) throw pathNotFound();
    const pinned = req.query.hash === doc.hash;
    res.set('Cache-Control', pinned ? 'public, immutable, max-age=31536000' : 'no-cache, private');
    res.set('ETag', `"${doc.hash}"`);
    res.status(200).set('Content-Type', 'application/json').send(doc.body);
  }));
};

const healthRoutes = (app: express.Express, deps: AppDeps): void => {
  app.get(['/healthz', '/livez'], (_req, res) => { res.status(200).type('text/plain').send('ok'); });
  app.get('/readyz', route(deps, async (_req, res) => {
    const problem = await deps.readiness();
    if (problem) res.status(500).type('text/plain').send(`[-]etcd failed: ${problem}\nreadyz check failed`);
    else res.status(200).type('text/plain').send('ok');
  }));
  app.get('/version', (_req, res) => sendJson(res, 200, versionInfo));
  app.get('/metrics', route(deps, async (_req, res) => {
    res.status(200).set('Content-Type', deps.registry.contentType).send(await deps.registry.metrics());
  }));
};

/** What every request passes before its handler: metrics and logging, authentication, impersonation, authorization, the body. */
const frontSteps = (deps: AppDeps): Step[] => [
  observe(deps),
  authenticateWith(serviceAccountTokenAuthenticator(deps.ctx)),
  impersonateRequests(deps.ctx.store, deps.ctx.log),
  authorizeRequests(deps.ctx.store),
  readBody(bodyLimit, express.raw({ type: () => true, limit: bodyLimit })),
];

const bodyErrors = (deps: AppDeps) => (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
  const type = (err as { type?: string } | undefined)?.type;
  if (type === 'entity.too.large') sendError(res, requestEntityTooLarge(`the request body is larger than ${bodyLimit} bytes`), deps.ctx.log);
  else if (type) sendError(res, badRequest(`error reading the request body: ${(err as Error).message}`), deps.ctx.log);
  else next(err);
};

/** express's own 400s (a path parameter with a malformed escape, `/apis/%`) stay 400s. */
const finalError = (deps: AppDeps, err: unknown, res: Response): void =>
  sendError(res, err instanceof Error && (err as { status?: unknown }).status === 400 ? badRequest(err.message) : err, deps.ctx.log);

const serveResource = (deps: AppDeps, ri: RequestInfo, req: Request, res: Response): void => {
  dispatch(deps.ctx, ri, req, res, deps.stop).catch((err: unknown) => sendError(res, err, deps.ctx.log));
};

export const buildApp = (deps: AppDeps, front: Step[] = frontSteps(deps)): express.Express => {
  const app = express();
  app.set('query parser', 'simple');
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(...front);
  app.use(bodyErrors(deps));
  // Resource requests first (nearly all the traffic); the rest (health, openapi, discovery) falls through.
  app.use((req, res, next) => {
    const ri = res.locals.ri as RequestInfo | undefined;
    if (!ri) {
      next();
      return;
    }
    serveResource(deps, ri, req, res);
  });
  healthRoutes(app, deps);
  openApiRoutes(app, deps);
  metricsApiRoutes(app, deps.ctx);
  discoveryRoutes(app, deps);
  app.use((_req, res) => sendError(res, pathNotFound(), deps.ctx.log));
  // express's own 400s (a path parameter with a malformed escape, `/apis/%`) stay 400s
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => finalError(deps, err, res));
  return app;
};

/** Runs `steps` in order as express's router would: next() goes on, next(err) ends with err. */
const runSteps = (steps: Step[], req: Request, res: Response, done: (err?: unknown) => void): void => {
  let i = 0;
  const next: NextFunction = (err?: unknown) => {
    if (err !== undefined && err !== null) {
      done(err);
      return;
    }
    const step = steps[i++];
    if (!step) {
      done();
      return;
    }
    try {
      step(req, res, next);
    } catch (thrown) {
      done(thrown);
    }
  };
  next();
};

/**
 * The server's request listener. Resource requests (nearly all the traffic) skip express's router:
 * the request and response get express's prototypes, query and locals as its init and query
 * middleware give them, then the same front steps and dispatch run in order. Everything else
 * (discovery, openapi, health, metrics, 404s) is the express app.
 */
export const serveRequests = (deps: AppDeps): { app: express.Express; listener: (req: IncomingMessage, res: ServerResponse) => void } => {
  const front = frontSteps(deps);
  const app = buildApp(deps, front);
  const onBodyError = bodyErrors(deps);
  const listener = (rawReq: IncomingMessage, rawRes: ServerResponse): void => {
    const url = rawReq.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    const ri = path.startsWith('/api') ? parseRequestInfo(rawReq.method ?? '', path, query) : undefined;
    if (!ri) {
      app(rawReq, rawRes);
      return;
    }
    const req = Object.setPrototypeOf(rawReq, app.request) as Request;
    const res = Object.setPrototypeOf(rawRes, app.response) as Response;
    Object.assign(req, { res, query, originalUrl: url, baseUrl: '' });
    Object.assign(res, { req, locals: Object.assign(Object.create(null) as Record<string, unknown>, { ri }) });
    runSteps(front, req, res, (err) => {
      if (err === undefined) serveResource(deps, ri, req, res);
      else onBodyError(err, req, res, (other?: unknown) => finalError(deps, other, res));
    });
  };
  return { app, listener };
};
