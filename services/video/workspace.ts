/**
 * withWorkspace gives each call (or job attempt) its own temp dir and removes it in
 * finally, whatever happens, so inputs and partial outputs never pile up.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** withWorkspace runs fn with a fresh temp dir under base (default: the OS temp dir). */
export async function withWorkspace<T>(base: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(base || os.tmpdir(), 'mediamesh-video-'));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
