// CPU usage as a rate: two cumulative samples of usage_core_nano_seconds give nanocores over the
// window between them (cadvisor's and metrics-server's computation).

/** One cumulative CPU reading; `time` in nanoseconds since the epoch. */
export interface CpuPoint { time: number; usageCoreNanoSeconds: number }

/**
 * Nanocores used between `prev` and `cur`; undefined when there is no window (same or reversed
 * time) or the counter went backwards (the container restarted, so the two are not one series).
 */
export const nanoCoresBetween = (prev: CpuPoint | undefined, cur: CpuPoint): number | undefined => {
  if (!prev) return undefined;
  const dt = cur.time - prev.time;
  const used = cur.usageCoreNanoSeconds - prev.usageCoreNanoSeconds;
  if (dt <= 0 || used < 0) return undefined;
  return Math.round((used * 1e9) / dt);
};
