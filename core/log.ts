/**
 * Structured JSON logs, one object per line on stdout:
 * {"time","level","service","instance","msg",...fields, trace_id?, span_id?}.
 * Observability plugs in a context provider so lines carry the active trace ids.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** LogContextProvider returns fields to add to every line (e.g. trace_id, span_id). */
export type LogContextProvider = () => Record<string, string> | undefined;

let contextProvider: LogContextProvider = () => undefined;
let minLevel: LogLevel = (process.env.MEDIAMESH_LOG_LEVEL as LogLevel) in LEVELS ? (process.env.MEDIAMESH_LOG_LEVEL as LogLevel) : 'info';
let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');

/** setLogContextProvider installs the provider (observability/ calls this at start). */
export function setLogContextProvider(provider: LogContextProvider): void {
  contextProvider = provider;
}

/** setLogLevel changes the minimum level printed. */
export function setLogLevel(level: LogLevel): void {
  minLevel = level;
}

/** setLogSink redirects log lines (tests). */
export function setLogSink(fn: (line: string) => void): void {
  sink = fn;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** child returns a logger whose lines also carry these fields. */
  child(fields: Record<string, unknown>): Logger;
}

/** createLogger makes a logger whose lines carry the given base fields. */
export function createLogger(base: Record<string, unknown>): Logger {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, ...base, msg, ...fields, ...contextProvider() };
    for (const [k, v] of Object.entries(line)) if (v instanceof Error) line[k] = { message: v.message, name: v.name };
    sink(JSON.stringify(line));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}
