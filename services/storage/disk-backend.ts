/**
 * createDiskBackend: a StorageBackend on the local file system (layout in disk-paths.ts).
 * Writes go to a temp file that is renamed into place once complete, so a reader sees
 * the old object or the new one, never a part; the hash and size are computed while
 * the bytes stream through, and the size limit stops an upload as soon as it is passed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MeshError, Status } from '../runtime';
import { resolveRange, type BucketSpec, type ListPage, type ObjectMeta, type ObjectReader, type StorageBackend } from './backend';
import { guessContentType } from './content-type';
import { createDiskLayout } from './disk-paths';
import { bucketConflict, invalidKey, invalidRequest, keyConflict, noSuchBucket, noSuchObject, objectTooLarge, rangeNotSatisfiable } from './errors';
import { listKeys } from './disk-list';
import { validateKey } from './names';

export interface DiskBackendOptions {
  /** Folder holding every bucket. */
  readonly root: string;
  /** Largest object accepted, in bytes. */
  readonly maxObjectBytes: number;
}

interface MetaFile {
  /** Inode and mtime of the data file this sidecar describes (a temp file keeps both through rename). */
  readonly ino?: number;
  readonly mtimeMs?: number;
  readonly etag: string;
  readonly size: number;
  readonly contentType: string;
  readonly lastModified: string;
}

const READ_CHUNK = 64 * 1024;

/** createDiskBackend makes a disk backend rooted at opts.root (created when missing). */
export async function createDiskBackend(opts: DiskBackendOptions): Promise<StorageBackend> {
  const layout = createDiskLayout(opts.root);
  await fsp.mkdir(layout.root, { recursive: true });

  // A bucket's visibility never changes once created (CreateBucket refuses a different
  // one) and buckets are never deleted, so found buckets are cached for the process life.
  const knownBuckets = new Map<string, BucketSpec>();
  const getBucket = async (name: string): Promise<BucketSpec> => {
    const file = layout.bucketFile(name);
    const known = knownBuckets.get(name);
    if (known) return known;
    try {
      const spec = JSON.parse(await fsp.readFile(file, 'utf8')) as BucketSpec;
      const found: BucketSpec = { name, visibility: spec.visibility === 'private' ? 'private' : 'public' };
      knownBuckets.set(name, found);
      return found;
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) throw noSuchBucket(name);
      throw err;
    }
  };

  const readMeta = async (bucket: string, key: string): Promise<MetaFile | undefined> => {
    try {
      return JSON.parse(await fsp.readFile(layout.metaPath(bucket, key), 'utf8')) as MetaFile;
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR', 'EISDIR') || err instanceof SyntaxError) return undefined;
      throw err;
    }
  };

  // Sidecars already read, keyed by data path and validated by the data file's identity
  // (inode, size, mtime): a hot object costs one fstat instead of four more file operations.
  const metaCache = new Map<string, { identity: string; meta: ObjectMeta }>();
  const META_CACHE_MAX = 10_000;

  /** metaOf joins the sidecar with the data file's stat; a missing or stale sidecar is recomputed. */
  const metaOf = async (bucket: string, key: string, st: { size: number; mtime: Date; ino: number; mtimeMs: number }, file: string): Promise<ObjectMeta> => {
    const identity = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = metaCache.get(file);
    if (cached?.identity === identity) return cached.meta;
    const side = await readMeta(bucket, key);
    if (side && side.size === st.size && side.ino === st.ino && side.mtimeMs === st.mtimeMs) {
      const meta: ObjectMeta = { bucket, key, size: st.size, etag: side.etag, contentType: side.contentType, lastModified: new Date(side.lastModified) };
      if (metaCache.size >= META_CACHE_MAX) metaCache.delete(metaCache.keys().next().value!);
      metaCache.set(file, { identity, meta });
      return meta;
    }
    // Not cached: the sidecar may simply not be renamed into place yet.
    return hashedMeta(bucket, key, st.size, st.mtime, file, side);
  };

  const hashedMeta = async (bucket: string, key: string, size: number, mtime: Date, file: string, side: MetaFile | undefined): Promise<ObjectMeta> => {
    // Bytes placed by hand (or a crash between the two renames): hash them once.
    const hash = createHash('sha256');
    for await (const chunk of (await fsp.open(file, 'r')).createReadStream()) hash.update(chunk as Buffer);
    return { bucket, key, size, etag: hash.digest('hex').slice(0, 32), contentType: side?.contentType ?? guessContentType(key), lastModified: mtime };
  };

  const openData = async (bucket: string, key: string) => {
    const file = layout.dataPath(bucket, key);
    const spec = await getBucket(bucket);
    try {
      const fh = await fsp.open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW);
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        throw noSuchObject(bucket, key);
      }
      return { fh, st, file, spec };
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR')) throw noSuchObject(bucket, key);
      throw err;
    }
  };

  const writeAtomic = async (tmpDir: string, target: string, write: (fh: fsp.FileHandle) => Promise<void>, beforeRename?: (st: { ino: number; mtimeMs: number }) => Promise<void>) => {
    const tmp = path.join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.part`);
    await fsp.mkdir(tmpDir, { recursive: true });
    const fh = await fsp.open(tmp, 'wx', 0o644);
    try {
      await write(fh);
      const st = await fh.stat();
      await fh.close();
      await beforeRename?.(st);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(tmp, target);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  };

  const backend: StorageBackend = {
    async createBucket(spec) {
      const existing = await getBucket(spec.name).catch((err) => (err instanceof MeshError && err.code === Status.NOT_FOUND ? undefined : Promise.reject(err)));
      if (existing) {
        if (existing.visibility !== spec.visibility) throw bucketConflict(spec.name, existing.visibility);
        return existing;
      }
      const dir = layout.bucketDir(spec.name);
      await fsp.mkdir(path.join(dir, 'data'), { recursive: true });
      await writeAtomic(layout.tmpDir(spec.name), layout.bucketFile(spec.name), (fh) =>
        fh.writeFile(JSON.stringify({ name: spec.name, visibility: spec.visibility, created: new Date().toISOString() })),
      );
      return { name: spec.name, visibility: spec.visibility };
    },

    getBucket,

    async listBuckets() {
      const entries = await fsp.readdir(layout.root, { withFileTypes: true });
      const out: BucketSpec[] = [];
      for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const spec = await getBucket(e.name).catch(() => undefined);
        if (spec) out.push(spec);
      }
      return out;
    },

    async putObject(bucket, key, contentType, body) {
      const target = layout.dataPath(bucket, key);
      const metaTarget = layout.metaPath(bucket, key);
      await getBucket(bucket);
      const hash = createHash('sha256');
      let size = 0;
      let meta: ObjectMeta | undefined;
      // Order: bytes to a temp file → sidecar (naming the temp file's inode and mtime) →
      // rename the bytes into place. A reader trusts a sidecar only when both match the
      // data file's, so it never pairs new bytes with old metadata or the other way round.
      const writeSidecar = async ({ ino, mtimeMs }: { ino: number; mtimeMs: number }) => {
        meta = { bucket, key, size, etag: hash.digest('hex').slice(0, 32), contentType: contentType || guessContentType(key), lastModified: new Date() };
        const side: MetaFile = { ino, mtimeMs, etag: meta.etag, size, contentType: meta.contentType, lastModified: meta.lastModified.toISOString() };
        await writeAtomic(layout.tmpDir(bucket), metaTarget, (fh) => fh.writeFile(JSON.stringify(side)));
      };
      try {
        await writeAtomic(
          layout.tmpDir(bucket),
          target,
          async (fh) => {
            for await (const chunk of body) {
              size += chunk.byteLength;
              if (size > opts.maxObjectBytes) throw objectTooLarge(opts.maxObjectBytes);
              hash.update(chunk);
              await fh.write(chunk);
            }
          },
          writeSidecar,
        );
      } catch (err) {
        if (isCode(err, 'ENOTDIR', 'EISDIR', 'EEXIST')) throw keyConflict(key);
        throw err;
      }
      return meta!;
    },

    async openObject(bucket, key, range) {
      const { fh, st, file, spec } = await openData(bucket, key);
      try {
        const meta = await metaOf(bucket, key, st, file);
        const resolved = resolveRange(st.size, range);
        if (!resolved) throw rangeNotSatisfiable(range?.offset ?? 0, st.size);
        const body: Readable =
          resolved.length === 0
            ? (await fh.close(), Readable.from([]))
            : fh.createReadStream({ start: resolved.offset, end: resolved.offset + resolved.length - 1, highWaterMark: READ_CHUNK, autoClose: true });
        return { bucket: spec, meta, range: resolved, body } satisfies ObjectReader;
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
    },

    async statObject(bucket, key) {
      const file = layout.dataPath(bucket, key);
      await getBucket(bucket);
      let st;
      try {
        // lstat: a symbolic link is never an object (openData refuses them with O_NOFOLLOW).
        st = await fsp.lstat(file);
      } catch (err) {
        if (isCode(err, 'ENOENT', 'ENOTDIR')) throw noSuchObject(bucket, key);
        throw err;
      }
      if (!st.isFile()) throw noSuchObject(bucket, key);
      return metaOf(bucket, key, st, file);
    },

    async listObjects(bucket, { prefix = '', limit = 100, marker = '' }): Promise<ListPage> {
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidRequest(`limit: ${limit} is not within 1..1000`);
      if (prefix) {
        const v = validateKey(prefix.endsWith('/') ? `${prefix}x` : prefix, 'prefix');
        if (!v.ok) throw invalidKey(v.errors);
      }
      await getBucket(bucket);
      const keys = (await listKeys(layout.dataDir(bucket), prefix)).filter((k) => !marker || Buffer.compare(Buffer.from(k), Buffer.from(marker)) > 0);
      const page = keys.slice(0, limit);
      const objects: ObjectMeta[] = [];
      for (const key of page) {
        const meta = await backend.statObject(bucket, key).catch(() => undefined);
        if (meta) objects.push(meta);
      }
      return { objects, nextMarker: keys.length > limit ? page[page.length - 1] : '' };
    },

    async deleteObject(bucket, key) {
      const file = layout.dataPath(bucket, key);
      await getBucket(bucket);
      try {
        const st = await fsp.lstat(file);
        if (!st.isFile()) throw noSuchObject(bucket, key);
        await fsp.unlink(file);
      } catch (err) {
        if (isCode(err, 'ENOENT', 'ENOTDIR')) throw noSuchObject(bucket, key);
        throw err;
      }
      await fsp.rm(layout.metaPath(bucket, key), { force: true }).catch(() => undefined);
      await pruneEmptyDirs(path.dirname(file), layout.dataDir(bucket));
      await pruneEmptyDirs(path.dirname(layout.metaPath(bucket, key)), path.join(layout.bucketDir(bucket), 'meta'));
    },
  };
  return backend;
}

/** pruneEmptyDirs removes now-empty folders from dir up to (not including) stop, so "a/b" deleted frees key "a". */
async function pruneEmptyDirs(dir: string, stop: string): Promise<void> {
  for (let d = dir; d.startsWith(stop + path.sep); d = path.dirname(d)) {
    try {
      await fsp.rmdir(d);
    } catch {
      return;
    }
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
