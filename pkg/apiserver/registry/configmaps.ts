// ConfigMaps (ValidateConfigMap, ValidateConfigMapUpdate): valid keys, no key in both data and
// binaryData, 1 MiB in total, frozen once immutable.
import type { ConfigMap } from '../../../api/core/v1';
import { invalidValue, simpleStrategy } from './strategy';
import { validateDataMaps, validateImmutable } from './data-keys';

export const configMapStrategy = simpleStrategy({
  validate: (obj) => {
    const cm = obj as ConfigMap;
    const causes = validateDataMaps([['data', cm.data], ['binaryData', cm.binaryData]]);
    for (const k of Object.keys(cm.binaryData ?? {})) {
      if (cm.data?.[k] !== undefined) causes.push(invalidValue(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    }
    return causes;
  },
  validateUpdate: (obj, old) => validateImmutable(obj, old, ['data', 'binaryData']),
});
