/**
 * Command: one `mediamesh <name>` subcommand, one file in mesh/cli/commands/<name>.ts
 * exporting `command`. The dispatcher finds commands by file, so adding one touches
 * no shared list. A command declares the flags it takes; the dispatcher parses the command
 * line strictly against them (node:util parseArgs), so a mistyped flag such as
 * `--delay-percnt` is a usage error instead of being ignored.
 */
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';

/** OptionSpecs: a command's flags in node:util parseArgs form, e.g. `{ zk: { type: 'string' }, json: { type: 'boolean' } }`. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** One line for `mediamesh --help`. */
  readonly summary: string;
  /** Full usage text for `mediamesh <name> --help`, printed after every usage error. */
  readonly usage: string;
  /** Every flag the command takes; any other is a usage error. */
  readonly options: OptionSpecs;
  /** How many positional arguments it takes at most (default 0); one more is a usage error. */
  readonly positionals?: number;
  /** Runs the command on its parsed command line; resolves with the exit code. Throw UsageError for bad arguments. */
  run(args: ParsedArgs): Promise<number>;
}

/** UsageError is a mistake in the command line; the dispatcher prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** ParsedArgs: the flags given (strings, `true` for booleans, arrays for `multiple` flags) and positionals. */
export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positional: string[];
}

/**
 * parseCommandLine parses argv against the command's declared flags with `strict: true`:
 * an unknown flag, a flag without its value, a value given to a boolean flag or one
 * positional too many throws UsageError.
 */
export function parseCommandLine(cmd: Pick<Command, 'options' | 'positionals'>, argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseNodeArgs({ args: argv, options: cmd.options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  const max = cmd.positionals ?? 0;
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  return { flags: parsed.values, positional: parsed.positionals };
}

/** runCommand parses argv for the command and runs it (what the dispatcher does, for tests too). */
export async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  return cmd.run(parseCommandLine(cmd, argv));
}

/** describeParseError turns node:util's wording into one short line naming the flag. */
function describeParseError(err: Error & { code?: string }): string {
  const flagName = /'(-[^\s']+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flagName ?? err.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return `${flagName} takes no value`;
      if (/ambiguous/.test(err.message)) return `${flagName} needs a value (to pass a value starting with "-", write ${flagName}=<value>)`;
      return `${flagName} needs a value`;
    default:
      return err.message;
  }
}

/** flag returns a string flag, its fallback, or throws UsageError when required and missing. */
export function flag(p: ParsedArgs, name: string, fallback?: string): string {
  const v = p.flags[name];
  if (typeof v === 'string') return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}
