/**
 * tempDirForTest: a fresh dir under the OS temp dir, removed when the running test finishes
 * (passed or failed), for a test that needs a file of its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onTestFinished } from 'vitest';

export function tempDirForTest(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
