// Helpers shared by the server-side printers (kubectl's printers.go and duration.HumanDuration).
import type { ApiObject, LabelSelector } from '../../api/meta/v1';
import type { Container } from '../../api/core/v1';
import { labelSelectorToString } from '../apimachinery';

export type Cell = string | number | boolean;
export type Printer = (obj: ApiObject, now: Date) => Cell[];

/** kubectl's duration.HumanDuration: `5s`, `3m2s`, `15m`, `5h`, `2d3h`, `20d`, `2y`. */
export const humanDuration = (ms: number): string => {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
};

/** Age of a timestamp, `<unknown>` when it is missing (translateTimestampSince). */
export const age = (ts: string | null | undefined, now: Date): string =>
  ts ? humanDuration(now.getTime() - new Date(ts).getTime()) : '<unknown>';

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty. */
export const formatLabelSelector = (sel: LabelSelector | undefined): string =>
  (sel ? labelSelectorToString(sel) : '') || '<none>';

/** labels.FormatLabels: `k=v,k2=v2` in key order, `<none>` when empty. */
export const formatLabels = (labels: Record<string, string> | undefined): string =>
  Object.keys(labels ?? {}).sort().map((k) => `${k}=${labels?.[k]}`).join(',') || '<none>';

/** The CONTAINERS and IMAGES cells of -o wide (layoutContainerCells). */
export const containerCells = (containers: Container[] | undefined): [string, string] =>
  [(containers ?? []).map((c) => c.name).join(','), (containers ?? []).map((c) => c.image ?? '').join(',')];

/** `a,b,c + N more...` (listWithMoreString); `empty` when the list is empty. */
export const listWithMore = (all: string[], max: number, empty: string): string => {
  if (all.length === 0) return empty;
  const shown = all.slice(0, max).join(',');
  return all.length > max ? `${shown} + ${all.length - max} more...` : shown;
};
