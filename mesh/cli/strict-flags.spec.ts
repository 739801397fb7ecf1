/**
 * Every subcommand parses its command line strictly (issue 23, item 4): an unknown flag, a flag
 * without its value, a value given to a switch, or one argument too many is a usage error —
 * exit 2 with the command's usage on stderr — before the command does anything.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listCommands, loadCommand, main } from './main';

let stderr = '';
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  // No running local mesh's ready.json may fill in addresses for the commands.
  vi.stubEnv('MEDIAMESH_HOME', '/nonexistent/mediamesh-strict-flags');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const commands = listCommands();

it('finds every subcommand', () => {
  expect(commands).toEqual(expect.arrayContaining(['call', 'canary', 'control-plane', 'envoy-bootstrap', 'fault', 'job', 'ls', 'replay', 'route', 'sign', 'status', 'up']));
});

/** usageError runs the CLI and expects exit 2, the reason, and the command's usage. */
async function usageError(argv: string[], reason: RegExp): Promise<void> {
  const code = await main(argv);
  expect(stderr).toMatch(reason);
  expect(stderr).toContain((await loadCommand(argv[0]))!.usage.trimEnd());
  expect(code).toBe(2);
}

// The suite is collected after loading every command (vitest awaits an async describe), so each
// subcommand gets its own tests from the flags it declares; a new command is covered by adding its file.
describe('every subcommand', async () => {
  const loaded = await Promise.all(commands.map(async (name) => [name, (await loadCommand(name))!] as const));
  describe.each(loaded)('mediamesh %s', (name, cmd) => {
    const options = Object.entries(cmd.options);
    const args = Array.from({ length: cmd.positionals ?? 0 }, (_, i) => `arg${i}`);

    it('refuses an unknown flag', () => usageError([name, ...args, '--no-such-flag'], new RegExp(`^mediamesh ${name}: unknown option --no-such-flag$`, 'm')));

    it('refuses one argument too many', () => usageError([name, ...args, 'surplus'], /unexpected argument "surplus"/));

    for (const [flagName] of options.filter(([, o]) => o.type === 'string')) {
      it(`refuses --${flagName} without a value`, () => usageError([name, `--${flagName}`], new RegExp(`--${flagName} needs a value`)));
    }
    for (const [flagName] of options.filter(([, o]) => o.type === 'boolean')) {
      it(`refuses a value for the switch --${flagName}`, () => usageError([name, `--${flagName}=yes`], new RegExp(`--${flagName} takes no value`)));
    }
  });
});

it('refuses a mistyped --delay-percent instead of injecting the delay into every call', async () => {
  await usageError(['fault', 'image', '--delay-percnt', '30', '--delay', '200ms'], /unknown option --delay-percnt/);
});

it('refuses a flag whose value looks like another flag', async () => {
  await usageError(['fault', 'image', '--delay', '--clear'], /--delay needs a value \(to pass a value starting with "-", write --delay=<value>\)/);
});
