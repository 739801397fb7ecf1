/**
 * listKeys: every object key under a data folder that starts with a prefix, in byte
 * order. It walks only the folder the prefix pins down ("photos/2024/ja" walks
 * photos/2024) and never follows symbolic links.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** listKeys returns the sorted keys under dataDir starting with prefix. */
export async function listKeys(dataDir: string, prefix: string): Promise<string[]> {
  const slash = prefix.lastIndexOf('/');
  const base = slash >= 0 ? prefix.slice(0, slash) : '';
  const keys: string[] = [];
  await walk(path.join(dataDir, base), base, prefix, keys);
  // Byte order (as S3): "a-b" sorts before "a/x" because "-" < "/".
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

async function walk(dir: string, rel: string, prefix: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const key = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, e.name), key, prefix, out);
    } else if (e.isFile() && key.startsWith(prefix)) out.push(key);
  }
}
