// Routes a parsed resource request to its handler.
import type { Request, Response } from 'express';
import { methodNotAllowed } from '../../apimachinery/errors';
import type { RequestInfo } from '../request-info';
import type { HandlerContext } from './context';
import { handleGet, handleList } from './read';
import { handleWatch } from './watch';
import { handleCreate, handlePatch, handleUpdate } from './write';
import { handleDelete } from './delete';
import { handleDeleteCollection } from './deletecollection';
import { withFinalizers } from './finalize';
import { withStorageView } from '../view-store';
import { handleTokenRequest } from '../serviceaccount-token';
import { reviewHandlerFor } from '../reviews';
import { handleBinding, handleScale } from './subresources';
import { handleLog } from './log';
import { handleAttach, handleExec } from './exec';
import { handlePortForward } from './portforward';
import { handleEviction } from './eviction';
import { handleProxy } from './proxy';

type Handler = (ctx: HandlerContext, ri: RequestInfo, req: Request, res: Response) => Promise<void>;

const mainHandlers: Partial<Record<RequestInfo['verb'], Handler>> = {
  get: handleGet, list: handleList, update: handleUpdate, patch: handlePatch, delete: handleDelete,
  deletecollection: handleDeleteCollection,
};

const subresourceHandlers: Record<string, Partial<Record<RequestInfo['verb'], Handler>>> = {
  status: { get: handleGet, update: handleUpdate, patch: handlePatch },
  // certificatesigningrequests/approval: kubectl certificate approve|deny.
  approval: { get: handleGet, update: handleUpdate, patch: handlePatch },
  // namespaces/finalize: PUT only; the namespace strategy keeps status and takes spec.finalizers.
  finalize: { update: handleUpdate },
  binding: { create: handleBinding }, eviction: { create: handleEviction }, token: { create: handleTokenRequest },
  log: { get: handleLog },
  exec: { get: handleExec, create: handleExec }, attach: { get: handleAttach, create: handleAttach }, portforward: { get: handlePortForward, create: handlePortForward },
  scale: { get: handleScale, update: handleScale, patch: handleScale },
  proxy: { get: handleProxy, create: handleProxy, update: handleProxy, patch: handleProxy, delete: handleProxy },
};

export const dispatch = async (base: HandlerContext, ri: RequestInfo, req: Request, res: Response, stop: AbortSignal): Promise<void> => {
  // Every update path deletes an object whose last finalizer it removes (see finalize.ts).
  // Views of another version's storage (autoscaling/v1 HPAs, events.k8s.io Events) convert in the store.
  const ctx = withStorageView(withFinalizers(base), ri);
  // Create-only reviews (auth whoami, auth can-i) store nothing.
  const review = reviewHandlerFor(ri);
  if (review) return review(ctx, ri, req, res);
  if (ri.verb === 'watch' && !ri.subresource) {
    if (ri.name) req.query.fieldSelector = [`metadata.name=${ri.name}`, String(req.query.fieldSelector ?? '')].filter(Boolean).join(',');
    await handleWatch(ctx, { ...ri, name: '' }, req, res, stop);
    return;
  }
  if (ri.verb === 'create' && !ri.subresource) {
    if (ri.name) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    await handleCreate(ctx, ri, req, res);
    return;
  }
  if (ri.verb === 'deletecollection' && ri.resource.plural === 'namespaces') throw methodNotAllowed('the server does not allow this method on the requested resource');
  const handler = ri.subresource ? subresourceHandlers[ri.subresource]?.[ri.verb] : mainHandlers[ri.verb];
  if (!handler) throw methodNotAllowed('the server does not allow this method on the requested resource');
  await handler(ctx, ri, req, res);
};
