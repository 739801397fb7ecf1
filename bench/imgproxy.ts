/**
 * imgproxy as bench/vs-imgproxy.ts runs it: the binary scripts/imgproxy-build.sh builds into the
 * cache (~/.cache/mediamesh/bin/imgproxy, or $MEDIAMESH_CACHE/bin), bound to a free loopback port,
 * allowed to fetch from loopback sources (IMGPROXY_ALLOW_LOOPBACK_SOURCE_ADDRESSES), everything
 * else at imgproxy's defaults (no cache of its own: it relies on a CDN). With Debian's libvips
 * 8.14 its HTTP-source mode was seen to segfault under load (issue #24), so `ensureUp()` restarts
 * a process that died and counts it, for the benchmark to say so.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnGroup, stopGroup } from '../launcher/process';
import { freePort } from '../launcher/ports';

/** imgproxyBinary is where scripts/imgproxy-build.sh puts imgproxy, when it is there. */
export function imgproxyBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const bin = path.join(env.MEDIAMESH_CACHE ?? path.join(os.homedir(), '.cache', 'mediamesh'), 'bin', 'imgproxy');
  return fs.existsSync(bin) ? bin : undefined;
}

export interface Imgproxy {
  readonly base: string;
  pid(): number;
  /** ensureUp restarts imgproxy when it died since the last call; tells whether it did. */
  ensureUp(): Promise<boolean>;
  /** restarts: how many times it had died and was started again, with how each died. */
  readonly deaths: string[];
  stop(): Promise<void>;
}

/** startImgproxy starts the binary and waits for its /health. */
export async function startImgproxy(bin: string): Promise<Imgproxy> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const deaths: string[] = [];
  let child: ChildProcess;
  let died: string | undefined;
  const start = async () => {
    died = undefined;
    child = spawnGroup(bin, [], {
      name: 'imgproxy',
      env: { IMGPROXY_BIND: `127.0.0.1:${port}`, IMGPROXY_ALLOW_LOOPBACK_SOURCE_ADDRESSES: 'true', IMGPROXY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.once('exit', (code, signal) => (died = `exit ${signal ?? code}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (died) throw new Error(`imgproxy ended at start (${died})`);
      const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error('imgproxy did not answer /health within 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await start();
  return {
    base,
    pid: () => child.pid!,
    deaths,
    async ensureUp() {
      if (!died) return false;
      deaths.push(died);
      await start();
      return true;
    },
    stop: () => stopGroup(child, 5_000),
  };
}
