// The building blocks of kubectl describe (pkg/describe/describe.go): a prefix writer
// whose levels indent by two spaces, the multi-line label/annotation/toleration printers,
// the Events table, and Go's time formats. The text is aligned at the end by tabbedString.
import { humanDuration } from './get';
import { tabbedString } from './tabwriter';

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;

export class PrefixWriter {
  private text = '';

  /** `level` two-space indents, then `s` (which carries its own tabs and newline). */
  write(level: number, s: string): void { this.text += '  '.repeat(level) + s; }

  /** fmt.Sprintln: the value and a newline. */
  writeLine(s: string): void { this.text += `${s}\n`; }

  /** The text as written, tabs unaligned (rollout history --revision prints it so). */
  raw(): string { return this.text; }

  /** The aligned output (tabwriter minwidth 0, padding 2). */
  toString(): string { return tabbedString(this.text); }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in local time (metav1.Time decodes to Local): `Mon, 02 Jan 2006 15:04:05 -0700`. */
export const rfc1123z = (timestamp: string | undefined | null): string => {
  const d = new Date(timestamp ?? '0001-01-01T00:00:00Z');
  if (!timestamp || Number.isNaN(d.getTime())) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const zone = `${sign}${pad2(Math.floor(Math.abs(off) / 60))}${pad2(Math.abs(off) % 60)}`;
  return `${DAYS[d.getDay()]}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone}`;
};

/** translateTimestampSince: `<unknown>` for a zero time. */
export const since = (timestamp: string | undefined | null, now: Date): string =>
  (timestamp ? humanDuration(now.getTime() - Date.parse(timestamp)) : '<unknown>');

type StringMap = Record<string, string> | undefined | null;

export const printLabelsMultiline = (w: PrefixWriter, title: string, labels: StringMap, initialIndent = '', innerIndent = '\t'): void => {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, `${initialIndent}${innerIndent}`);
    w.write(LEVEL_0, `${key}=${labels?.[key]}\n`);
  });
};

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

export const printAnnotationsMultiline = (w: PrefixWriter, title: string, annotations: StringMap): void => {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {}).filter((k) => !SKIP_ANNOTATIONS.has(k)).sort();
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, '\t');
    const value = (annotations?.[key] ?? '').replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`);
      for (const s of value.split('\n')) {
        w.write(LEVEL_0, `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s}\n`);
      }
    } else {
      w.write(LEVEL_0, `${key}: ${value}\n`);
    }
  });
};

export interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }

export const printTolerationsMultiline = (w: PrefixWriter, title: string, tolerations: Toleration[] | undefined, initialIndent = ''): void => {
  w.write(LEVEL_0, `${initialIndent}${title}:\t`);
  const list = [...(tolerations ?? [])].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0));
  if (list.length === 0) {
    w.writeLine('<none>');
    return;
  }
  list.forEach((t, i) => {
    if (i !== 0) w.write(LEVEL_0, `${initialIndent}\t`);
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.write(LEVEL_0, `${s}\n`);
  });
};

export interface CoreEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string };
  reportingComponent?: string;
  involvedObject?: { fieldPath?: string };
}

/** DescribeEvents: `Events:  <none>`, or the Type/Reason/Age/From/Message table sorted by lastTimestamp. */
export const describeEvents = (w: PrefixWriter, events: CoreEvent[], now: Date): void => {
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => {
    const d = Date.parse(a.e.lastTimestamp ?? '') - Date.parse(b.e.lastTimestamp ?? '');
    return Number.isNaN(d) || d === 0 ? a.i - b.i : d;
  }).map((x) => x.e);
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    let interval = first;
    if (e.series) interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    let message = (e.message ?? '').trim();
    if (e.involvedObject?.fieldPath) message = `${e.involvedObject.fieldPath}: ${message}`;
    w.write(LEVEL_1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${message}\n`);
  }
};
