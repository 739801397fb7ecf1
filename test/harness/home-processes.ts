/**
 * processesOfHome: every process on this machine that belongs to a MEDIAMESH_HOME — its environment
 * (/proc/<pid>/environ) says MEDIAMESH_HOME=<home>, or its command line names the home. Written for
 * the tests independently of the launcher's own detection (launcher/leftovers.ts), so a blind spot
 * there cannot hide a leftover here.
 */
import * as fs from 'node:fs';

export interface HomeProcessSeen {
  readonly pid: number;
  readonly command: string;
}

export function processesOfHome(home: string): HomeProcessSeen[] {
  const out: HomeProcessSeen[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (/^\S+\s+\S+\s+Z/.test(fs.readFileSync(`/proc/${name}/stat`, 'utf8').replace(/\(.*\)/, 'x'))) continue; // a zombie has ended
      const command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const environ = fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (environ.includes(`MEDIAMESH_HOME=${home}`) || command.includes(home)) out.push({ pid: Number(name), command });
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

/** waitUntilNoneLeft polls until no process of the home remains; rejects listing them after timeoutMs. */
export async function waitUntilNoneLeft(home: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOfHome(home);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still running ${timeoutMs} ms later:\n${left.map((p) => `  ${p.pid} ${p.command.slice(0, 160)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
