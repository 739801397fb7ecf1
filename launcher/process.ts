/**
 * Child processes for tests and the local launcher: start a mediamesh process from
 * dist/, wait for its "serving" log line, and stop it (SIGTERM, then SIGKILL).
 * Every started child is tracked and killed when the parent exits, even on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { distEntry, repoRoot } from '../core/paths';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * killGroupOnExit SIGKILLs the child's process group when this process exits, so a test
 * that fails (or a launcher that crashes) leaves nothing behind. Children must be spawned
 * with `detached: true` (group leaders).
 */
export function killGroupOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          if (c.pid) process.kill(-c.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** ManagedProcess is a started child with its collected output. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Everything the child wrote to stderr. */
  stderr(): string;
  /** Resolves with the first log line matching pred (rejects on exit or timeout). */
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) once the child exits. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL at once (kill -9). */
  kill(): Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Echo the child's output to this process's stderr (debugging). */
  echo?: boolean;
}

/** startNode runs `node <file>` (an absolute path) as a process-group leader. */
export function startNode(file: string, opts: StartOptions = {}): ManagedProcess {
  const child = spawn(process.execPath, [file, ...(opts.args ?? [])], {
    cwd: repoRoot(),
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  killGroupOnExit(child);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const waiters = new Set<(line: Record<string, unknown>) => void>();
  let buf = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (opts.echo) process.stderr.write(chunk);
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        logs.push(line);
        for (const w of waiters) w(line);
      } catch {
        /* not a log line */
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (opts.echo) process.stderr.write(chunk);
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const waitForLog = (pred: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find(pred);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        waiters.delete(onLine);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a log line of ${file}; stderr: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      const onLine = (line: Record<string, unknown>) => {
        if (!pred(line)) return;
        clearTimeout(timer);
        waiters.delete(onLine);
        resolve(line);
      };
      waiters.add(onLine);
      void exited.then((code) => {
        if (!waiters.has(onLine)) return;
        clearTimeout(timer);
        waiters.delete(onLine);
        reject(new Error(`${file} exited (${code}) before the expected log line; stderr: ${stderr.slice(-2000)}`));
      });
    });
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* gone */
    }
  };
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    signalGroup('SIGKILL'); // grandchildren (ffmpeg) too
    return code;
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    signalGroup('SIGKILL');
    return exited;
  };
  return { child, pid: child.pid!, logs, stderr: () => stderr, waitForLog, exited, stop, kill };
}

/** StartedService is a service child that reported "serving". */
export interface StartedService extends ManagedProcess {
  readonly port: number;
  readonly address: string;
}

/**
 * startService runs a compiled service entry (source path such as
 * "services/image/main.ts"; run `npm run build` first) on a free port and waits
 * until it logs {"event":"serving"}.
 */
export async function startService(sourceEntry: string, opts: StartOptions & { timeoutMs?: number } = {}): Promise<StartedService> {
  const proc = startNode(distEntry(sourceEntry), { ...opts, env: { MEDIAMESH_PORT: '0', ...opts.env } });
  try {
    const line = await proc.waitForLog((l) => l.event === 'serving', opts.timeoutMs ?? 30_000);
    return Object.assign(proc, { port: Number(line.port), address: `127.0.0.1:${Number(line.port)}` });
  } catch (err) {
    await proc.kill();
    throw err;
  }
}
