/**
 * DiskLayout: where the disk backend keeps things under its root.
 *   <root>/<bucket>/bucket.json   the bucket's spec
 *   <root>/<bucket>/data/<key>    the object's bytes
 *   <root>/<bucket>/meta/<key>    its metadata (JSON sidecar, same shape as data/ so
 *                                 key conflicts show up identically in both trees)
 *   <root>/<bucket>/tmp/          uploads in progress (renamed into data/ when complete)
 * Every path is resolved and checked to stay inside its tree: the second wall after
 * the naming rules in names.ts.
 */
import * as path from 'node:path';
import { invalidKey } from './errors';
import { validateBucketName, validateKey } from './names';

/** DiskLayout maps bucket and key names to checked paths. */
export interface DiskLayout {
  readonly root: string;
  bucketDir(bucket: string): string;
  bucketFile(bucket: string): string;
  dataDir(bucket: string): string;
  tmpDir(bucket: string): string;
  dataPath(bucket: string, key: string): string;
  metaPath(bucket: string, key: string): string;
}

/** createDiskLayout builds the layout for a root folder (made absolute). */
export function createDiskLayout(rootDir: string): DiskLayout {
  const root = path.resolve(rootDir);
  const bucketDir = (bucket: string) => {
    const v = validateBucketName(bucket);
    if (!v.ok) throw invalidKey(v.errors);
    return inside(root, bucket);
  };
  const keyPath = (bucket: string, tree: 'data' | 'meta', key: string) => {
    const v = validateKey(key);
    if (!v.ok) throw invalidKey(v.errors);
    return inside(path.join(bucketDir(bucket), tree), key);
  };
  return {
    root,
    bucketDir,
    bucketFile: (bucket) => path.join(bucketDir(bucket), 'bucket.json'),
    dataDir: (bucket) => path.join(bucketDir(bucket), 'data'),
    tmpDir: (bucket) => path.join(bucketDir(bucket), 'tmp'),
    dataPath: (bucket, key) => keyPath(bucket, 'data', key),
    metaPath: (bucket, key) => keyPath(bucket, 'meta', key),
  };
}

/** inside joins base and a relative name and refuses any result outside base. */
function inside(base: string, relative: string): string {
  const full = path.resolve(base, relative);
  if (!full.startsWith(base + path.sep)) throw invalidKey([`resolves outside its bucket`]);
  return full;
}
