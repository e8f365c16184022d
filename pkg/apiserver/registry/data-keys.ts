// ConfigMap and Secret keys and the `immutable` flag (ValidateConfigMap, ValidateSecret,
// IsConfigMapKey).
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import { deepEqual } from './strategy';
import { forbiddenField, invalidValue } from './strategy';

const keyRe = /^[-._a-zA-Z0-9]+$/;
const maxTotal = 1024 * 1024;

export const validateDataKey = (field: string, key: string): StatusCause[] => {
  if (key.length > 253) return [invalidValue(`${field}[${key}]`, key, 'must be no more than 253 characters')];
  if (!keyRe.test(key)) {
    return [invalidValue(`${field}[${key}]`, key, 'a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')')];
  }
  if (key === '.' || key === '..' || key.startsWith('..')) return [invalidValue(`${field}[${key}]`, key, 'must not be \'.\' or \'..\' or start with \'..\'')];
  return [];
};

/** Keys of each map, and the total size against the 1 MiB object limit. */
export const validateDataMaps = (maps: Array<[string, Record<string, string> | undefined]>): StatusCause[] => {
  const causes: StatusCause[] = [];
  let total = 0;
  for (const [field, m] of maps) {
    for (const [k, v] of Object.entries(m ?? {})) {
      causes.push(...validateDataKey(field, k));
      total += v.length;
    }
  }
  if (total > maxTotal) causes.push({ reason: 'FieldValueTooLong', field: maps[0][0], message: `Too long: must have at most ${maxTotal} bytes` });
  return causes;
};

/** Once `immutable: true` is stored, the data fields and the flag itself are frozen. */
export const validateImmutable = (obj: ApiObject, old: ApiObject, fields: string[]): StatusCause[] => {
  if (old.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (obj.immutable !== true) causes.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(obj[f], old[f])) causes.push(forbiddenField(f, 'field is immutable when `immutable` is set'));
  return causes;
};
