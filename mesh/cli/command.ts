/**
 * Command: one `mediamesh <name>` subcommand, one file in mesh/cli/commands/<name>.ts
 * exporting `command`. The dispatcher finds commands by file, so adding one touches
 * no shared list.
 */
export interface Command {
  /** One line for `mediamesh --help`. */
  readonly summary: string;
  /** Full usage text for `mediamesh <name> --help`. */
  readonly usage: string;
  /** Runs the command; resolves with the exit code. Throw UsageError for bad arguments. */
  run(args: string[]): Promise<number>;
}

/** UsageError is a mistake in the command line; the dispatcher prints it with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** ParsedArgs: --flag value / --flag=value / --bool and positionals. */
export interface ParsedArgs {
  readonly flags: Record<string, string | true>;
  readonly positional: string[];
}

/** parseArgs splits argv; `booleans` lists flags that take no value. */
export function parseArgs(args: string[], booleans: readonly string[] = []): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (booleans.includes(a.slice(2))) flags[a.slice(2)] = true;
      else {
        const v = args[i + 1];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
        flags[a.slice(2)] = v;
        i++;
      }
    } else positional.push(a);
  }
  return { flags, positional };
}

/** flag returns a string flag, its fallback, or throws UsageError when required and missing. */
export function flag(p: ParsedArgs, name: string, fallback?: string): string {
  const v = p.flags[name];
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}
