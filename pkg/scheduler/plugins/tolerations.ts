// Taint/toleration matching (upstream core/v1 helper Toleration.ToleratesTaint), shared by the
// plugins that reject nodes unless the pod tolerates a taint.
import type { Pod } from '../../../api/core/v1';

export interface Taint { key: string; value?: string; effect: string }
export interface Toleration { key?: string; operator?: string; value?: string; effect?: string }

/** An empty effect matches every effect, an empty key with Exists matches every key. */
export const toleratesTaint = (t: Toleration, taint: Taint): boolean => {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    case 'Exists': return true;
    default: return false;
  }
};

export const podToleratesTaint = (pod: Pod, taint: Taint): boolean =>
  (pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, taint));
