/** Paths of the checkout, valid from sources (vitest) and from dist/ alike. */
import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** repoRoot is the folder holding mediamesh's package.json. */
export function repoRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mediamesh') return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`mediamesh package.json not found above ${__dirname}`);
    dir = up;
  }
}

/** protoRoot is the folder of the .proto contracts. */
export const protoRoot = (): string => path.join(repoRoot(), 'proto');

/** distEntry is the compiled JS file of a TS source path relative to the repo root. */
export const distEntry = (sourceRelative: string): string =>
  path.join(repoRoot(), 'dist', sourceRelative.replace(/\.ts$/, '.js'));
