/**
 * createDiskTier: the results cache's optional second tier, files in one folder bounded in bytes,
 * that outlives the gateway process (a restart finds its results again).
 *
 * The index (which file holds which result, least recently used first) is lru-cache with maxSize
 * over the files' sizes; evicting an entry deletes its file. A file is self-describing (disk-file.ts:
 * a header with the result's key, content type and source etag, then the bytes), so at start the
 * index is rebuilt from the folder, oldest modification first, in the background (the gateway
 * serves meanwhile; `loaded` resolves when done). A hit touches its file's mtime, so the LRU
 * order survives a restart too.
 *
 * Results are written through from the memory tier in the background (a write never delays a
 * response) to a temporary name, then renamed: a reader never meets half a file, and the index
 * lists a result only once its file is complete. One folder per gateway: two gateways on one
 * folder stay correct (renames are atomic, a missing file is a miss) but each bounds only its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LRUCache } from 'lru-cache';
import { decodeResultFile, encodeResultFile, readResultHeader } from './disk-file';
import type { CachedResult } from './cached-result';

const RESULT_FILE_RE = /^[0-9a-f]{64}\.bin$/;
const TEMP_FILE_RE = /^[0-9a-f]{64}\.tmp-[0-9a-f]+$/;

interface DiskEntry {
  readonly file: string;
  /** Bytes of the whole file (header included): what the bound counts. */
  readonly size: number;
}

/** DiskTier keeps results in files. */
export interface DiskTier {
  get(key: string): Promise<CachedResult | undefined>;
  /** set writes in the background; false when the result is too large for the tier. */
  set(key: string, value: CachedResult): boolean;
  delete(key: string): void;
  has(key: string): boolean;
  readonly bytes: () => number;
  /** loaded resolves once the files of an earlier run are indexed, with the number of results held then. */
  readonly loaded: Promise<number>;
  /** idle resolves when no file is being written or removed. */
  idle(): Promise<void>;
}

export interface DiskTierOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** onDrop: an entry left the tier (evicted: to make room). */
  readonly onDrop: (key: string, evicted: boolean) => void;
  /** onLoad: an entry of an earlier run was indexed. */
  readonly onLoad: (key: string) => void;
  /** onError: a file could not be read or written (the tier only loses that entry). */
  readonly onError?: (what: string, err: unknown) => void;
}

/** createDiskTier returns the tier over `dir` (made if missing) and starts indexing what it holds. */
export async function createDiskTier(opts: DiskTierOptions): Promise<DiskTier> {
  await fs.mkdir(opts.dir, { recursive: true });
  const maxEntry = Math.max(1, Math.floor(opts.maxBytes / 4));
  const index = new LRUCache<string, DiskEntry>({
    maxSize: opts.maxBytes,
    maxEntrySize: maxEntry,
    sizeCalculation: (e) => Math.max(1, e.size),
    dispose: (e, key, reason) => {
      // Replaced by the same key: the file (same name) holds the new bytes.
      if (reason === 'set') return;
      track(fs.rm(e.file, { force: true }));
      opts.onDrop(key, reason === 'evict');
    },
  });
  /** File work in progress (writes, removals): idle() waits for it. */
  const io = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const tracked = p.catch(() => undefined).finally(() => io.delete(tracked));
    io.add(tracked);
  };
  /** Keys being written, and whether a delete came meanwhile (the write then discards its file). */
  const inWrite = new Map<string, { deleted: boolean }>();
  const fileOf = (key: string) => path.join(opts.dir, `${createHash('sha256').update(key).digest('hex')}.bin`);

  const write = async (key: string, value: CachedResult, state: { deleted: boolean }) => {
    const file = fileOf(key);
    const tmp = `${file.slice(0, -4)}.tmp-${randomBytes(4).toString('hex')}`;
    const bytes = encodeResultFile(key, value);
    try {
      // After the folder's first read: it removes the temporary files it finds as a crash's leftovers,
      // which would include this write's own (seen as an intermittent 'write' error right after a start).
      await loaded;
      await fs.writeFile(tmp, bytes);
      if (state.deleted) return await fs.rm(tmp, { force: true });
      await fs.rename(tmp, file);
      if (state.deleted) return await fs.rm(file, { force: true });
      index.set(key, { file, size: bytes.length });
      // Refused by the bound (the header made it larger than a quarter of the tier): no file without an entry.
      if (!index.has(key)) await fs.rm(file, { force: true });
    } catch (err) {
      // A full or read-only disk only costs the second tier.
      opts.onError?.('write', err);
      await fs.rm(tmp, { force: true });
    } finally {
      inWrite.delete(key);
    }
  };

  const loaded = loadFolder(opts.dir, async (file, size) => {
    const header = await readResultHeader(file);
    if (!header || fileOf(header.key) !== file) return 'unusable';
    // Written again by this run meanwhile: the index already lists this file.
    if (index.has(header.key)) return 'indexed';
    index.set(header.key, { file, size });
    if (!index.has(header.key)) return 'unusable'; // larger than this run's bound allows
    opts.onLoad(header.key);
    return 'indexed';
  }).then(
    () => index.size,
    (err: unknown) => {
      opts.onError?.('load', err);
      return index.size;
    },
  );

  return {
    async get(key) {
      const e = index.get(key);
      if (!e) return undefined;
      try {
        const result = decodeResultFile(key, await fs.readFile(e.file));
        if (!result) throw new Error(`${e.file}: not the result of its key`);
        const now = new Date();
        void fs.utimes(e.file, now, now).catch(() => undefined);
        return result;
      } catch (err) {
        // Removed behind our back (another gateway on this folder, an operator): a miss.
        if (index.peek(key) === e) index.delete(key);
        opts.onError?.('read', err);
        return undefined;
      }
    },
    set(key, value) {
      if (value.data.length > maxEntry) return false;
      if (index.has(key) || inWrite.has(key)) return true;
      const state = { deleted: false };
      inWrite.set(key, state);
      track(write(key, value, state));
      return true;
    },
    delete(key) {
      const w = inWrite.get(key);
      if (w) w.deleted = true;
      index.delete(key);
    },
    has: (key) => index.has(key),
    bytes: () => index.calculatedSize,
    loaded,
    async idle() {
      while (io.size) await Promise.all([...io]);
    },
  };
}

/**
 * loadFolder offers each result file of `dir` to `add`, least recently modified first (so the
 * most recently used end up last in the LRU order), and removes temporary files a crash left.
 */
async function loadFolder(dir: string, add: (file: string, size: number) => Promise<'indexed' | 'unusable'>): Promise<void> {
  const found: { file: string; size: number; mtimeMs: number }[] = [];
  for (const name of await fs.readdir(dir)) {
    const file = path.join(dir, name);
    if (TEMP_FILE_RE.test(name)) {
      await fs.rm(file, { force: true });
      continue;
    }
    if (!RESULT_FILE_RE.test(name)) continue;
    const st = await fs.stat(file).catch(() => undefined);
    if (st?.isFile()) found.push({ file, size: st.size, mtimeMs: st.mtimeMs });
  }
  found.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of found) {
    // Damaged, or too large for this run's bound: removed, it would never be found.
    if ((await add(f.file, f.size)) === 'unusable') await fs.rm(f.file, { force: true });
  }
}
