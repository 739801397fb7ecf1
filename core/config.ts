/**
 * Configuration from environment variables: one typed spec per variable, parsed and
 * validated at start, printed as the effective configuration. A bad value throws a
 * ConfigError naming the variable; entry points turn that into exit code 2.
 */

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** EnvSpec describes one variable: its default and how to parse it. */
export interface EnvSpec<T> {
  /** The variable's name, e.g. MEDIAMESH_PORT. */
  readonly name: string;
  /** What it is for (printed with --help style listings and in the README table). */
  readonly doc: string;
  /** Value used when the variable is unset or empty. */
  readonly fallback: T;
  /** Parses the raw string; throws Error with a message on a bad value. */
  readonly parse: (raw: string) => T;
  /** Hide the value when printing (tokens, keys). */
  readonly secret?: boolean;
}

type Env = Record<string, string | undefined>;

export type ConfigOf<S extends Record<string, EnvSpec<unknown>>> = { [K in keyof S]: S[K] extends EnvSpec<infer T> ? T : never };

/** loadConfig parses every spec from env; throws ConfigError naming the first bad variable. */
export function loadConfig<S extends Record<string, EnvSpec<unknown>>>(specs: S, env: Env = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const raw = env[spec.name];
    if (raw === undefined || raw === '') {
      out[key] = spec.fallback;
      continue;
    }
    try {
      out[key] = spec.parse(raw.trim());
    } catch (err) {
      throw new ConfigError(spec.name, `invalid value ${JSON.stringify(raw)}: ${(err as Error).message}`);
    }
  }
  return out as ConfigOf<S>;
}

/** describeConfig renders the effective configuration with variable names (secrets masked). */
export function describeConfig<S extends Record<string, EnvSpec<unknown>>>(specs: S, config: ConfigOf<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = (config as Record<string, unknown>)[key];
    out[spec.name] = spec.secret && value ? '***' : value;
  }
  return out;
}

// ---- parsers -------------------------------------------------------------------

/** int parses an integer within [min, max]. */
export function int(min: number, max: number): (raw: string) => number {
  return (raw) => {
    if (!/^-?\d+$/.test(raw)) throw new Error('expected an integer');
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** num parses a finite number within [min, max]. */
export function num(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || raw === '') throw new Error('expected a number');
    if (n < min || n > max) throw new Error(`expected a number from ${min} to ${max}`);
    return n;
  };
}

/** oneOf accepts one of the listed words. */
export function oneOf<T extends string>(...values: T[]): (raw: string) => T {
  return (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
    return raw as T;
  };
}

/** str accepts any string matching an optional pattern. */
export function str(pattern?: RegExp, what = 'a valid value'): (raw: string) => string {
  return (raw) => {
    if (pattern && !pattern.test(raw)) throw new Error(`expected ${what}`);
    return raw;
  };
}

/** bool accepts true/false/1/0/yes/no. */
export function bool(raw: string): boolean {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error('expected true or false');
}

/** bytes parses a size like 20m, 512k, 1g or a plain number of bytes. */
export function bytes(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(raw);
  if (!m) throw new Error('expected a size such as 20m, 512k or 1048576');
  const unit = (m[2] ?? '').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** ipLiteral accepts an IPv4 or IPv6 literal (xDS endpoints must be IPs, not hostnames). */
export function ipLiteral(raw: string): string {
  if (require('node:net').isIP(raw) === 0) throw new Error('expected an IP address literal (not a hostname)');
  return raw;
}
