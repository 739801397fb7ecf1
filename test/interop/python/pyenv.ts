/**
 * The Python interop environment: a virtualenv with grpcio from PyPI (requirements.txt),
 * built once and cached under ~/.cache/mediamesh/pyenv-<hash of requirements>. A missing
 * python3 / venv fails with a message naming what to install.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { repoRoot } from '../../../core/paths';

/** PY_DIR holds requirements.txt and the client scripts (the source tree, also when run from dist/). */
export const PY_DIR = path.join(repoRoot(), 'test', 'interop', 'python');

/** pythonEnv returns the venv's python, building the venv first if needed (a few seconds to a minute, once). */
export function pythonEnv(): string {
  const reqFile = path.join(PY_DIR, 'requirements.txt');
  const req = fs.readFileSync(reqFile, 'utf8');
  const hash = createHash('sha256').update(req).update(process.platform).digest('hex').slice(0, 12);
  const dir = path.join(os.homedir(), '.cache', 'mediamesh', `pyenv-${hash}`);
  const python = path.join(dir, 'bin', 'python');
  if (fs.existsSync(path.join(dir, '.complete'))) return python;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('python3 is not installed: install it (Debian: apt-get install python3 python3-venv) to run the Python interop test');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    execFileSync('python3', ['-m', 'venv', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv). ${(err as { stderr?: Buffer }).stderr?.toString() ?? ''}`);
  }
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', reqFile], { stdio: 'pipe', timeout: 600_000 });
  fs.writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
  return python;
}
