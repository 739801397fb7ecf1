/** runCli runs the compiled `mediamesh` CLI with extra environment; resolves with its exit code and output. */
import { execFile } from 'node:child_process';
import { distEntry } from '../../core/paths';

export function runCli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [distEntry('mesh/cli/main.ts'), ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
