/**
 * The `mediamesh` CLI dispatcher: `mediamesh <command> [args]`. Commands live one per
 * file in ./commands; `mediamesh --help` lists them, `mediamesh <command> --help` shows one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand, UsageError, type Command } from './command';
import { applyLocalDefaults } from './local-defaults';

const commandsDir = path.join(__dirname, 'commands');

/** listCommands names every subcommand (one file each in ./commands). */
export function listCommands(): string[] {
  return fs
    .readdirSync(commandsDir)
    .filter((f) => /\.(js|ts)$/.test(f) && !/\.(spec|test|d)\.(js|ts)$/.test(f))
    .map((f) => f.replace(/\.(js|ts)$/, ''))
    .filter((v, i, a) => a.indexOf(v) === i)
    .sort();
}

/** loadCommand loads one subcommand by name; undefined for an unknown name. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !listCommands().includes(name)) return undefined;
  // import() rather than require(): compiled, it is a require; under vitest, it loads the .ts source.
  return ((await import(path.join(commandsDir, name))) as { command: Command }).command;
}

async function help(): Promise<string> {
  const lines = ['usage: mediamesh <command> [options]', '', 'commands:'];
  for (const name of listCommands()) lines.push(`  ${name.padEnd(16)} ${(await loadCommand(name))?.summary ?? ''}`);
  lines.push('', 'Run `mediamesh <command> --help` for a command\'s options.');
  return lines.join('\n');
}

/** main runs the CLI and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await help()) + '\n');
    return name ? 0 : 2;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    process.stderr.write(`mediamesh: unknown command "${name}"\n\n${await help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  if (name !== 'up') applyLocalDefaults();
  try {
    return await runCommand(cmd, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`mediamesh ${name}: ${err.message}\n\n${cmd.usage.trimEnd()}\n`);
      return 2;
    }
    process.stderr.write(`mediamesh ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(String(err?.stack ?? err) + '\n');
      process.exitCode = 1;
    },
  );
}
