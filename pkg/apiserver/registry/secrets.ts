// Secrets (SetDefaults_Secret, the v1 → internal conversion that folds stringData into data,
// ValidateSecret*): type Opaque; the keys each well-known type requires; type is immutable.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Secret } from '../../../api/core/v1';
import { immutableFields, required, simpleStrategy } from './strategy';
import { validateDataMaps, validateImmutable } from './data-keys';

/** stringData values are written base64-encoded into data (they win over data) and never stored. */
export const foldStringData = (obj: ApiObject): ApiObject => {
  const s = obj as Secret;
  const { stringData, ...rest } = s;
  const data = { ...(s.data ?? {}) };
  for (const [k, v] of Object.entries(stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return { ...(rest as ApiObject), type: s.type || 'Opaque', ...(Object.keys(data).length || s.data ? { data } : {}) };
};

const requiredKeys: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

const validateType = (s: Secret): StatusCause[] => {
  const data = s.data ?? {};
  const causes: StatusCause[] = (requiredKeys[s.type ?? ''] ?? []).filter((k) => data[k] === undefined).map((k) => required(`data[${k}]`));
  if (s.type === 'kubernetes.io/basic-auth' && data.username === undefined && data.password === undefined) causes.push(required('data[username]'));
  if (s.type === 'kubernetes.io/service-account-token' && !s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    causes.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  return causes;
};

export const secretStrategy = simpleStrategy({
  defaults: foldStringData,
  validate: (obj) => [...validateDataMaps([['data', (obj as Secret).data]]), ...validateType(obj as Secret)],
  validateUpdate: (obj, old) => [...immutableFields(obj, old, ['type']), ...validateImmutable(obj, old, ['data'])],
  fieldLabels: ['type'],
});
