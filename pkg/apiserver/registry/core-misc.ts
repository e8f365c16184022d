// The core/v1 kinds with little behaviour of their own: ServiceAccounts, Endpoints,
// LimitRanges (ValidateLimitRange) and ResourceQuotas (status written by the quota controller).
import type { StatusCause } from '../../../api/meta/v1';
import type { Endpoints, LimitRange, ResourceQuota } from '../../../api/core/v1';
import { milliValue } from '../../apimachinery';
import { forbiddenField, invalidValue, simpleStrategy } from './strategy';

export const serviceAccountStrategy = simpleStrategy({});

const validPort = (field: string, port: number): StatusCause[] =>
  (port < 1 || port > 65535 ? [invalidValue(field, port, 'must be between 1 and 65535, inclusive')] : []);

export const endpointsStrategy = simpleStrategy({
  validate: (obj) => ((obj as Endpoints).subsets ?? []).flatMap((ss, i) =>
    (ss.ports ?? []).flatMap((p, j) => validPort(`subsets[${i}].ports[${j}].port`, p.port))),
});

export const limitRangeStrategy = simpleStrategy({
  validate: (obj) => ((obj as LimitRange).spec?.limits ?? []).flatMap((l, i): StatusCause[] =>
    (l.type === 'Pod' && l.default ? [forbiddenField(`spec.limits[${i}].default`, 'may not be specified when `type` is \'Pod\'')] : [])),
});

const nonNegativeQuantities = (field: string, m: Record<string, string | number> | undefined): StatusCause[] =>
  Object.entries(m ?? {}).filter(([, q]) => milliValue(q) < 0).map(([k, q]) => invalidValue(`${field}[${k}]`, q, 'must be greater than or equal to 0'));

export const resourceQuotaStrategy = simpleStrategy({
  hasStatus: true,
  validate: (obj) => nonNegativeQuantities('spec.hard', (obj as ResourceQuota).spec?.hard),
});
