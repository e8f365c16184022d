// One line per event, component and level first: `scheduler I bound pod default/web-1 node=n1`.
// Verbosity follows klog: info lines at v>0 appear only when --v is at least that high.

export type Fields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Logged only when the verbosity is at least `level`. */
  v(level: number, msg: string, fields?: Fields): void;
  child(component: string): Logger;
}

export interface LoggerOptions {
  verbosity?: number;
  write?: (line: string) => void;
  clock?: () => Date;
}

const formatValue = (v: unknown): string => {
  if (v instanceof Error) return JSON.stringify(v.message);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s !== undefined && /[\s"=]/.test(s) ? JSON.stringify(s) : String(s);
};

export const formatLine = (time: Date, component: string, level: string, msg: string, fields?: Fields): string => {
  const kv = fields ? Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}=${formatValue(v)}`).join('') : '';
  return `${component} ${level} ${time.toISOString()} ${msg}${kv}`;
};

export const createLogger = (component: string, opts: LoggerOptions = {}): Logger => {
  const verbosity = opts.verbosity ?? Number(process.env.BERTH_V ?? 0);
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const clock = opts.clock ?? (() => new Date());
  const emit = (level: string) => (msg: string, fields?: Fields) => write(formatLine(clock(), component, level, msg, fields));
  return {
    info: emit('I'),
    warn: emit('W'),
    error: emit('E'),
    v: (level, msg, fields) => { if (verbosity >= level) emit('I')(msg, fields); },
    child: (sub) => createLogger(`${component}/${sub}`, { ...opts, verbosity }),
  };
};

/** A logger that drops everything, for unit tests. */
export const silentLogger = (): Logger => createLogger('test', { write: () => undefined });
