// The ResourceQuota admission plugin (k8s apiserver plugin/pkg/admission/resourcequota): the
// namespace's quotas (from the watch cache) that match a new object are charged its usage before
// it is stored, and, for services and claims, an update is charged what it grows by (a service
// turning NodePort or LoadBalancer, a claim asking for more storage). A create that would take a quota's used past its status.hard,
// that lacks a request or limit a quota on cpu or memory needs, or that meets a quota whose
// usage is not known yet, is refused with 403 and upstream's message. The charge is written to
// each quota's status.used as a compare-and-swap on the quota's resourceVersion: the check is
// repeated on the quota as stored until the write lands, so concurrent creates (on any
// apiserver) cannot both take the last unit. dryRun checks but writes nothing.
import type { ResourceQuota } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { forbiddenResource, isNotFound } from '../../apimachinery/errors';
import { QuotaRefusal, chargeQuota, checkCreate, checkUpdate, evaluatorFor, quotaMatches, type Evaluator, type ResourceList } from '../../apimachinery/quota';
import { objectKey, resourcePrefix, type Store } from '../../storage';
import { storageViewOf } from '../registry';

export interface QuotaAdmissionOptions {
  now: Date;
  dryRun: boolean;
}

/** The quota with `delta` added to status.used, re-checked against the stored quota `cur`. */
const charged = (cur: ApiObject, evaluator: Evaluator, obj: ApiObject, delta: ResourceList): ApiObject => {
  const quota = cur as ResourceQuota;
  // Its status.hard changed meanwhile so that it no longer concerns the object: nothing to charge.
  if (!quotaMatches(evaluator, quota, obj)) return cur;
  const verdict = chargeQuota(quota, evaluator, obj, delta);
  if ('refused' in verdict) throw new QuotaRefusal(verdict.refused);
  if (!verdict.changed) return cur;
  return { ...cur, status: { ...quota.status, used: verdict.used } } as ApiObject;
};

/**
 * Charges the create of `obj` (named, defaulted and validated) in `namespace` to its quotas, or
 * with `old` its update, or throws Forbidden. Objects served as a view of another resource's
 * storage are not charged.
 */
export const admitResourceQuota = async (
  store: Pick<Store, 'list' | 'guaranteedUpdate'>, info: Pick<ResourceInfo, 'group' | 'version' | 'plural'>,
  namespace: string, obj: ApiObject, opts: QuotaAdmissionOptions, old?: ApiObject,
): Promise<void> => {
  if (storageViewOf(info)) return;
  const quotas = (await store.list(resourcePrefix('resourcequotas', namespace), { resourceVersion: '0' })).items as ResourceQuota[];
  if (quotas.length === 0) return;
  const evaluator = evaluatorFor(info.group, info.plural);
  if (old && !evaluator.chargesUpdates) return;
  const refuse = (why: string) => forbiddenResource({ group: info.group, resource: info.plural }, obj.metadata.name ?? '', why);
  try {
    const { delta, matching } = old ? checkUpdate(quotas, evaluator, obj, old, opts.now) : checkCreate(quotas, evaluator, obj, opts.now);
    if (opts.dryRun) return;
    for (const q of matching) {
      const key = objectKey('resourcequotas', namespace, q.metadata?.name ?? '');
      try {
        await store.guaranteedUpdate(key, (cur) => charged(cur, evaluator, obj, delta));
      } catch (err) {
        if (!isNotFound(err)) throw err; // deleted meanwhile: it limits nothing any more
      }
    }
  } catch (err) {
    if (err instanceof QuotaRefusal) throw refuse(err.message);
    throw err;
  }
};
