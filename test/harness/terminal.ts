/**
 * A pseudo-terminal for tests that must behave as a person at a terminal does: `script` (util-linux,
 * part of every Debian install) runs a command as the foreground process group of a new session on
 * a new pty, and a byte written to its stdin is typed on that terminal. Ctrl-C is the byte 0x03: the
 * pty's line discipline turns it into SIGINT for the whole foreground process group, exactly as a
 * terminal emulator's Ctrl-C does (npm and the launcher both get it; npm forwards its own copy).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Terminal {
  readonly script: ChildProcess;
  /** Everything the terminal showed so far. */
  output(): string;
  /** Resolves once the output matches (rejects on timeout or when the command ends first, with the output). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Types Ctrl-C. */
  ctrlC(): void;
  /** Resolves with the command's exit status once the terminal's command has ended. */
  readonly ended: Promise<number | null>;
  /** Closes the terminal (kills `script`; a test's last resort). */
  close(): void;
}

/** openTerminal runs `command` (a shell command line) on a fresh pseudo-terminal. */
export function openTerminal(command: string, opts: { cwd: string; env: Record<string, string | undefined> }): Terminal {
  // `exec`: the command itself leads the terminal's foreground group, as under an interactive shell. A
  // non-interactive `sh -c` left in between would die of the SIGINT too, and report 130 for any command.
  const script = spawn('script', ['--quiet', '--flush', '--return', '--command', `exec ${command}`, '/dev/null'], {
    cwd: opts.cwd,
    env: { ...opts.env, SHELL: '/bin/sh', TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  script.stdout!.on('data', collect);
  script.stderr!.on('data', collect);
  const ended = new Promise<number | null>((resolve) => script.once('exit', (code) => resolve(code)));
  let done = false;
  void ended.then(() => {
    done = true;
    for (const w of waiters) w();
  });
  return {
    script,
    output: () => out,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) finish();
          else if (done) finish(new Error(`the terminal's command ended before ${pattern}; it showed:\n${out}`));
        };
        const timer = setTimeout(() => finish(new Error(`no ${pattern} on the terminal within ${timeoutMs} ms; it showed:\n${out}`)), timeoutMs);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        waiters.add(check);
        check();
      }),
    ctrlC: () => void script.stdin!.write('\x03'),
    ended,
    close: () => {
      if (script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
    },
  };
}
