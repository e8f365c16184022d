// certificates.k8s.io/v1 CertificateSigningRequests (registry/certificates strategy.go and
// ValidateCertificateSigningRequest*): the apiserver records who asked; the spec never changes;
// the approval subresource writes only the Approved and Denied conditions, the status subresource
// only the certificate and the other conditions, and an issued certificate stays as it is.
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from '../../../api/certificates/v1';
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import { allUsages, parseRequest } from '../../certificates/csr';
import type { UserInfo } from '../authn';
import { duplicate, forbiddenField, invalidValue, required, simpleStrategy, unsupported, type ResourceStrategy, type Strategy } from './strategy';

const signerName = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const approvalTypes = ['Approved', 'Denied'];

const csrOf = (obj: ApiObject) => obj as unknown as CertificateSigningRequest;

/** Who created the request: the apiserver's word, whatever the client sent (PrepareForCreate). */
export const withRequester = (obj: ApiObject, user: UserInfo): ApiObject => {
  const { username: _u, uid: _i, groups: _g, extra: _e, ...spec } = csrOf(obj).spec ?? {};
  void _u; void _i; void _g; void _e;
  return { ...obj, spec: { ...spec, username: user.name, groups: user.groups, ...(user.uid ? { uid: user.uid } : {}), ...(user.extra ? { extra: user.extra } : {}) } } as ApiObject;
};

const validateSpec = (obj: ApiObject): StatusCause[] => {
  const spec = csrOf(obj).spec;
  if (!spec) return [required('spec')];
  const causes: StatusCause[] = [];
  if (!spec.request) causes.push(required('spec.request'));
  else {
    try {
      parseRequest(spec.request);
    } catch (err) {
      causes.push(invalidValue('spec.request', '<request>', (err as Error).message));
    }
  }
  if (!spec.signerName) causes.push(required('spec.signerName'));
  else if (!signerName.test(spec.signerName)) {
    causes.push(invalidValue('spec.signerName', spec.signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
  }
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    causes.push(invalidValue('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  const usages = spec.usages ?? [];
  if (usages.length === 0) causes.push(required('spec.usages'));
  usages.forEach((u, i) => {
    if (!allUsages.includes(u)) causes.push(unsupported(`spec.usages[${i}]`, u, allUsages));
    else if (usages.indexOf(u) !== i) causes.push(duplicate(`spec.usages[${i}]`, u));
  });
  return causes;
};

const validateConditions = (obj: ApiObject): StatusCause[] => {
  const conditions = csrOf(obj).status?.conditions ?? [];
  const causes: StatusCause[] = [];
  conditions.forEach((c, i) => {
    if (!c.type) causes.push(required(`status.conditions[${i}].type`));
    if (conditions.findIndex((o) => o.type === c.type) !== i) causes.push(duplicate(`status.conditions[${i}].type`, c.type));
    if ([...approvalTypes, 'Failed'].includes(c.type) && c.status !== 'True') causes.push(unsupported(`status.conditions[${i}].status`, c.status, ['True']));
    else if (!['True', 'False', 'Unknown'].includes(c.status)) causes.push(unsupported(`status.conditions[${i}].status`, c.status, ['False', 'True', 'Unknown']));
  });
  const types = new Set(conditions.map((c) => c.type));
  if (types.has('Approved') && types.has('Denied')) causes.push(invalidValue('status.conditions', 'Approved', 'Approved and Denied conditions are mutually exclusive'));
  return causes;
};

/** Conditions given a time when they have none (upstream defaults lastUpdateTime and lastTransitionTime). */
const stamped = (conditions: CertificateSigningRequestCondition[] | undefined, old: CertificateSigningRequestCondition[] | undefined, now: string) =>
  conditions?.map((c) => {
    const before = old?.find((o) => o.type === c.type);
    const transition = c.lastTransitionTime ?? (before && before.status === c.status ? before.lastTransitionTime : undefined) ?? now;
    return { ...c, lastUpdateTime: c.lastUpdateTime ?? now, lastTransitionTime: transition };
  });

const nowTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Approved and Denied cannot be taken back or changed once set (validateConditionTransitions). */
const approvalKept = (obj: ApiObject, old: ApiObject): StatusCause[] => {
  const next = csrOf(obj).status?.conditions ?? [];
  const causes: StatusCause[] = [];
  for (const t of [...approvalTypes, 'Failed']) {
    const was = (csrOf(old).status?.conditions ?? []).find((c) => c.type === t);
    if (was && !next.some((c) => c.type === t)) causes.push(forbiddenField('status.conditions', `updates may not remove a condition of type "${t}"`));
  }
  return causes;
};

const certificateKept = (obj: ApiObject, old: ApiObject): StatusCause[] => {
  const was = csrOf(old).status?.certificate;
  return was && csrOf(obj).status?.certificate !== was ? [forbiddenField('status.certificate', 'updates may not modify existing certificate content')] : [];
};

const validateCertificate = (obj: ApiObject): StatusCause[] => {
  const cert = csrOf(obj).status?.certificate;
  if (!cert) return [];
  const pem = Buffer.from(cert, 'base64').toString('utf8');
  return /^\s*(-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\s*)+$/.test(pem) ? [] : [invalidValue('status.certificate', '<certificate data>', 'must contain at least one CERTIFICATE PEM block')];
};

/** The status subresource: the certificate and the signer's conditions; Approved and Denied stay as they were. */
const statusStrategy: Strategy = {
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj, old) => {
    const keep = (csrOf(old).status?.conditions ?? []).filter((c) => approvalTypes.includes(c.type));
    const rest = (csrOf(obj).status?.conditions ?? []).filter((c) => !approvalTypes.includes(c.type));
    const conditions = stamped([...keep, ...rest], csrOf(old).status?.conditions, nowTime());
    return { ...old, status: { ...csrOf(obj).status, ...(conditions?.length ? { conditions } : { conditions: undefined }) } } as ApiObject;
  },
  validate: (obj) => [...validateConditions(obj), ...validateCertificate(obj)],
  validateUpdate: (obj, old) => [...validateConditions(obj), ...validateCertificate(obj), ...approvalKept(obj, old), ...certificateKept(obj, old)],
};

/** The approval subresource: only the Approved and Denied conditions change. */
const approvalStrategy: Strategy = {
  prepareForCreate: (obj) => obj,
  prepareForUpdate: (obj, old) => {
    const others = (csrOf(old).status?.conditions ?? []).filter((c) => !approvalTypes.includes(c.type));
    const approval = (csrOf(obj).status?.conditions ?? []).filter((c) => approvalTypes.includes(c.type));
    const conditions = stamped([...approval, ...others], csrOf(old).status?.conditions, nowTime());
    return { ...old, status: { ...csrOf(old).status, conditions } } as ApiObject;
  },
  validate: validateConditions,
  validateUpdate: (obj, old) => [...validateConditions(obj), ...approvalKept(obj, old)],
};

const base = simpleStrategy({ validate: validateSpec, hasStatus: true });

export const certificateSigningRequestStrategy: ResourceStrategy = {
  ...base,
  // The main resource changes only metadata: spec and status stay (PrepareForUpdate).
  prepareForUpdate: (obj, old) => ({ ...obj, spec: old.spec, status: old.status }),
  validateUpdate: (obj) => validateSpec(obj),
  status: statusStrategy,
  subresources: { approval: approvalStrategy },
};
