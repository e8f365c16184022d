// Reading CRI-format container logs (`<RFC3339Nano> <stdout|stderr> <P|F> <text>`, one physical
// line per record, P = partial line continued by the next record) into what `kubectl logs`
// prints, as upstream's pkg/kubelet/kuberuntime/logs/logs.go.

export interface LogRecord { timestamp: string; stream: 'stdout' | 'stderr'; partial: boolean; content: string }

/** Parses one physical line (without its '\n'); undefined when it is not a CRI record. */
export const parseCRILine = (line: string): LogRecord | undefined => {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const c = line.indexOf(' ', b + 1);
  const tags = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { timestamp: line.slice(0, a), stream, partial: tags.split(':')[0] === 'P', content: c < 0 ? '' : line.slice(c + 1) };
};

const rfc3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/** Upstream's RFC3339NanoFixed: always nine fractional digits. */
export const fixedNano = (ts: string): string => {
  const m = rfc3339.exec(ts);
  if (!m) return ts;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]}`;
};

/** Milliseconds since the epoch of a record's timestamp (NaN when unparsable). */
export const timestampMs = (ts: string): number => {
  const m = rfc3339.exec(ts);
  return m ? Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`) : NaN;
};

export interface LogOptions {
  timestamps?: boolean;
  /** Only records at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
}

/** Turns records into output text; partial records are joined and carry one timestamp prefix. */
export class LogFormatter {
  private atLineStart = true;
  private written = 0;
  constructor(private opts: LogOptions = {}) {}

  /** The text for one physical line, or '' when filtered out. */
  format(line: string): string {
    const r = parseCRILine(line);
    if (!r) return '';
    if (this.opts.sinceMs !== undefined && this.atLineStart && timestampMs(r.timestamp) < this.opts.sinceMs) return '';
    let out = r.partial ? r.content : `${r.content}\n`;
    if (this.opts.timestamps && this.atLineStart) out = `${fixedNano(r.timestamp)} ${out}`;
    this.atLineStart = !r.partial;
    return this.limit(out);
  }

  /** True once limitBytes has been reached. */
  done(): boolean { return this.opts.limitBytes !== undefined && this.written >= this.opts.limitBytes; }

  private limit(out: string): string {
    if (this.opts.limitBytes === undefined) return out;
    const room = this.opts.limitBytes - this.written;
    const buf = Buffer.from(out);
    const cut = buf.length > room ? buf.subarray(0, Math.max(0, room)).toString() : out;
    this.written += Math.min(buf.length, Math.max(0, room));
    return cut;
  }
}

/** The byte offset where the last `n` physical lines of `buf` start (upstream tail.FindTailLineStartIndex). */
export const tailStart = (buf: Buffer, n: number): number => {
  if (n < 0) return 0;
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0a) end--;   // a trailing newline ends the last line, it does not start one
  let count = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (buf[i] === 0x0a && ++count === n) return i + 1;
  }
  return n === 0 ? buf.length : 0;
};

/** Splits `chunk` into complete lines, returning them and the unfinished rest. */
export const splitLines = (pending: string, chunk: string): { lines: string[]; rest: string } => {
  const parts = (pending + chunk).split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts, rest };
};
