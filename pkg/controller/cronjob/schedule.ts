// A small cron parser (the standard five fields, as robfig/cron's ParseStandard that upstream
// uses): minute hour day-of-month month day-of-week, with *, ?, lists, ranges, steps, month and
// weekday names, and the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly macros.
// As in cron, when both day fields are restricted a day matching either one runs.
// Times are UTC (spec.timeZone other than UTC/Etc/UTC is refused by the caller).

export interface Schedule {
  minutes: Set<number>; hours: Set<number>; days: Set<number>; months: Set<number>; weekdays: Set<number>;
  /** False when the field was `*` or `?`: then the other day field alone decides. */
  daysRestricted: boolean; weekdaysRestricted: boolean;
}

const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

const value = (s: string, names: string[] | undefined, nameBase: number): number => {
  const named = names?.indexOf(s.toLowerCase()) ?? -1;
  if (named >= 0) return named + nameBase;
  if (!/^\d+$/.test(s)) throw new ScheduleError(`failed to parse int from ${s}`);
  return Number(s);
};

const field = (spec: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> => {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new ScheduleError(`failed to parse step ${stepText ?? ''}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a, names, nameBase), value(b, names, nameBase)];
    } else {
      lo = value(range, names, nameBase);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new ScheduleError(`end of range (${hi}) above maximum (${max}) or beginning of range (${lo}) below minimum (${min}): ${part}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
};

export const parseSchedule = (text: string): Schedule => {
  const expanded = macros[text.trim().toLowerCase()] ?? text.trim();
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: ${text}`);
  const [m = '', h = '', dom = '', mon = '', dow = ''] = fields;
  const weekdays = field(dow, 0, 7, dayNames);
  if (weekdays.has(7)) { weekdays.delete(7); weekdays.add(0); }
  return {
    minutes: field(m, 0, 59), hours: field(h, 0, 23), days: field(dom, 1, 31), months: field(mon, 1, 12, monthNames, 1), weekdays,
    daysRestricted: !dom.startsWith('*') && !dom.startsWith('?'), weekdaysRestricted: !dow.startsWith('*') && !dow.startsWith('?'),
  };
};

const dayMatches = (s: Schedule, d: Date): boolean => {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  return s.daysRestricted && s.weekdaysRestricted ? dom || dow : dom && dow;
};

/** The first scheduled minute strictly after `t` (ms), or undefined within five years. */
export const nextAfter = (s: Schedule, t: number): number | undefined => {
  const d = new Date(Math.floor(t / 60_000) * 60_000 + 60_000);
  const limit = t + 5 * 366 * 24 * 3600_000;
  while (d.getTime() <= limit) {
    if (!s.months.has(d.getUTCMonth() + 1)) { d.setUTCMonth(d.getUTCMonth() + 1, 1); d.setUTCHours(0, 0, 0, 0); continue; }
    if (!dayMatches(s, d)) { d.setUTCDate(d.getUTCDate() + 1); d.setUTCHours(0, 0, 0, 0); continue; }
    if (!s.hours.has(d.getUTCHours())) { d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0); continue; }
    if (!s.minutes.has(d.getUTCMinutes())) { d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0); continue; }
    return d.getTime();
  }
  return undefined;
};

const lastIn = (s: Schedule, from: number, now: number, limit: number): { time?: number; count: number } => {
  let time: number | undefined;
  let count = 0;
  for (let t = nextAfter(s, from); t !== undefined && t <= now && count <= limit; t = nextAfter(s, t)) {
    time = t;
    count++;
  }
  return { time, count };
};

/**
 * mostRecentScheduleTime: the latest scheduled minute in (earliest, now], and how many were
 * missed in between — counted up to `cap`, as upstream only reports "too many"; past that, the
 * newest is found in ever wider windows before now rather than by walking every minute.
 */
export const mostRecentScheduleTime = (s: Schedule, earliest: number, now: number, cap = 100): { time?: number; missed: number } => {
  const counted = lastIn(s, earliest, now, cap);
  if (counted.count <= cap) return { ...(counted.time !== undefined ? { time: counted.time } : {}), missed: counted.count };
  for (const hours of [1, 24, 24 * 7, 24 * 31, 24 * 366, 24 * 366 * 5]) {
    const { time, count } = lastIn(s, Math.max(earliest, now - hours * 3600_000), now, Number.POSITIVE_INFINITY);
    if (time !== undefined) return { time, missed: Math.max(count, cap + 1) };
  }
  return { missed: cap + 1 };
};
