// The CSR signing controller (kube-controller-manager's csrsigning): an approved request for one
// of the cluster's signers, not denied, failed or issued yet, gets its certificate from the
// cluster CA in status.certificate. A request its signer refuses (wrong usages, a node
// certificate that does not name a node) gets a Failed condition instead, and stays so. Requests
// for other signers are left to whoever serves them, as upstream.
import type { CertificateSigningRequest } from '../../../api/certificates/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { isConflict, isNotFound } from '../../apimachinery';
import { isApproved, isDenied, isFailed, parseRequest } from '../../certificates/csr';
import { servedSigners, signerRefusal, signRequest, type SigningCA } from '../../certificates/signer';
import {
  createWorkQueue, defineController, realClock, terminal,
  type Clock, type Controller, type ControllerMetrics, type Informer, type ReconcileResult, type ResourceClient,
} from '../../client';
import type { Logger } from '../../log';

/** The name kube-controller-manager's --controllers flag uses. */
export const controllerName = 'csrsigning';

export interface CSRSigningDeps {
  csrs: Pick<Informer<ApiObject>, 'addEventHandler' | 'waitForSync' | 'get' | 'list'>;
  csrClient: Pick<ResourceClient<ApiObject>, 'updateStatus'>;
  ca: SigningCA;
  /** --cluster-signing-duration in seconds (default one year). */
  maxSeconds?: number;
  log: Logger;
  clock?: Clock;
  workers?: number;
  metrics?: ControllerMetrics;
}

type Plan = { action: 'sign' } | { action: 'fail'; reason: string; message: string } | undefined;

/** What the request needs (pure): nothing, a certificate, or a Failed condition. */
export const planSigning = (csr: CertificateSigningRequest): Plan => {
  const signer = csr.spec?.signerName ?? '';
  if (!servedSigners.includes(signer) || !isApproved(csr) || isDenied(csr) || isFailed(csr) || csr.status?.certificate) return undefined;
  let refusal: string | undefined;
  try {
    refusal = signerRefusal(signer, parseRequest(csr.spec.request), csr.spec.usages ?? []);
  } catch (err) {
    refusal = `unable to parse csr: ${(err as Error).message}`;
  }
  return refusal ? { action: 'fail', reason: 'SignerValidationFailure', message: refusal } : { action: 'sign' };
};

export const reconcileCSR = async (name: string, d: CSRSigningDeps, now: Date): Promise<ReconcileResult> => {
  const obj = d.csrs.get(name);
  if (!obj) return;
  const csr = obj as unknown as CertificateSigningRequest;
  const plan = planSigning(csr);
  if (!plan) return;
  const status = { ...csr.status };
  if (plan.action === 'fail') {
    const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
    status.conditions = [...(csr.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: plan.reason, message: plan.message, lastUpdateTime: time, lastTransitionTime: time }];
  } else {
    let pem: string;
    try {
      pem = await signRequest(d.ca, parseRequest(csr.spec.request), csr.spec.usages ?? [], { expirationSeconds: csr.spec.expirationSeconds, maxSeconds: d.maxSeconds, now });
    } catch (err) {
      throw terminal(err); // a bad signature stays bad: fixed only by a new request
    }
    status.certificate = Buffer.from(pem).toString('base64');
  }
  try {
    await d.csrClient.updateStatus('', { ...obj, status } as ApiObject);
    d.log.info(plan.action === 'sign' ? 'signed certificate' : 'refused to sign', { csr: name, signer: csr.spec.signerName, ...(plan.action === 'fail' ? { why: plan.message } : {}) });
  } catch (err) {
    if (isNotFound(err)) return; // deleted meanwhile
    if (isConflict(err)) return; // changed meanwhile: the newer object comes through the informer and is looked at again
    throw err;
  }
};

export const newCSRSigningController = (d: CSRSigningDeps): Controller => {
  const clock = d.clock ?? realClock;
  const log = d.log.child(controllerName);
  const queue = createWorkQueue({ clock });
  const enqueue = (o: ApiObject) => { if (o.metadata.name) queue.add(o.metadata.name); };
  d.csrs.addEventHandler({ add: enqueue, update: (_old: ApiObject, o: ApiObject) => enqueue(o) });
  return defineController({
    name: controllerName, informer: d.csrs, workers: d.workers ?? 5, log: d.log, clock, metrics: d.metrics, queue,
    reconcile: (key) => reconcileCSR(key, { ...d, log }, new Date(clock.now())),
  });
};
