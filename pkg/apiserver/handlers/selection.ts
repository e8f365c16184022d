// labelSelector + fieldSelector of list and watch requests, as one predicate over objects.
import type { ApiObject } from '../../../api/meta/v1';
import type { ResourceInfo } from '../../../api/resources';
import { badRequest, parseLabelSelector, parseFieldSelector } from '../../apimachinery';
import { strategyFor } from '../registry';

export interface Selection {
  /** True when neither selector restricts anything. */
  everything: boolean;
  matches(obj: ApiObject): boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** The fieldSelector attributes of an object: metadata.name, metadata.namespace and the strategy's own. */
export const fieldSet = (info: ResourceInfo, obj: ApiObject): Record<string, string> => ({
  'metadata.name': obj.metadata.name ?? '',
  ...(info.namespaced ? { 'metadata.namespace': obj.metadata.namespace ?? '' } : {}),
  ...(strategyFor(info)?.fieldLabels(obj) ?? {}),
});

export const selectionFromQuery = (info: ResourceInfo, query: Record<string, unknown>): Selection => {
  const labels = parseLabelSelector(str(query.labelSelector));
  const fields = parseFieldSelector(str(query.fieldSelector));
  const supported = { ...fieldSet(info, { metadata: {} }), 'metadata.namespace': '' };
  for (const r of fields.requirements) {
    if (!(r.field in supported)) throw badRequest(`field label not supported: ${r.field}`);
  }
  return {
    everything: labels.empty() && fields.empty(),
    matches: (obj) => labels.matches(obj.metadata.labels ?? {}) && fields.matches(fieldSet(info, obj)),
  };
};
