/**
 * entry-command: the process a container runs. mediamesh containers run
 * `node dist/<path>.js`; the file must be one `npm run build` produces from a source file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceOfEntry } from './known-env';

export interface EntryCommand {
  /** dist path, e.g. dist/services/image/main.js */
  readonly dist: string;
  /** source path, e.g. services/image/main.ts */
  readonly source: string;
}

/** entryOf finds `node dist/….js` in a command line (ENTRYPOINT/CMD, compose command, k8s command+args). */
export function entryOf(argv: readonly unknown[], where: string, errors: string[]): EntryCommand | undefined {
  const words = argv.map(String);
  const i = words.findIndex((w) => w === 'node' || w.endsWith('/node'));
  const dist = i >= 0 ? words.slice(i + 1).find((w) => !w.startsWith('-')) : undefined;
  const source = dist ? sourceOfEntry(dist) : undefined;
  if (!dist || !source) {
    errors.push(`${where}: command ${JSON.stringify(words)} does not run "node dist/<entry>.js"`);
    return undefined;
  }
  return { dist: dist.replace(/^\.\/|^\/app\//, ''), source };
}

/** checkEntryBuilt reports an entry whose source or compiled file is missing (build first). */
export function checkEntryBuilt(root: string, entry: EntryCommand, where: string): string[] {
  const errors: string[] = [];
  if (!fs.existsSync(path.join(root, entry.source))) errors.push(`${where}: ${entry.dist} has no source ${entry.source}`);
  if (!fs.existsSync(path.join(root, entry.dist))) errors.push(`${where}: ${entry.dist} is not produced by npm run build (missing after build)`);
  return errors;
}
