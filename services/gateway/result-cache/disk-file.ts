/**
 * The file format of the results cache's disk tier: self-describing, so an index can be rebuilt
 * from the folder after a restart.
 *
 *   "MMRC1\n" | header length (uint32, big-endian) | header (JSON: key, contentType, sourceEtag) | result bytes
 *
 * The key in the header is checked on every read: a file is served only for the key it was
 * written for (the file name is a hash of the key, and a hash is not proof).
 * @private
 */
import * as fs from 'node:fs/promises';
import type { CachedResult } from './cached-result';

const MAGIC = Buffer.from('MMRC1\n');
/** Longest header read back (keys are bounded by the gateway's URL limit, 64 KiB at most). */
const MAX_HEADER = 256 * 1024;

interface ResultHeader {
  readonly key: string;
  readonly contentType: string;
  readonly sourceEtag: string;
}

/** encodeResultFile is the file's bytes for a result. */
export function encodeResultFile(key: string, r: CachedResult): Buffer {
  const header = Buffer.from(JSON.stringify({ key, contentType: r.contentType, sourceEtag: r.sourceEtag } satisfies ResultHeader));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([MAGIC, length, header, r.data]);
}

/** parseHeader reads the header at the start of `bytes`; undefined when it is not one of ours (or cut short). */
function parseHeader(bytes: Buffer): { header: ResultHeader; end: number } | undefined {
  const start = MAGIC.length + 4;
  if (bytes.length < start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const end = start + bytes.readUInt32BE(MAGIC.length);
  if (end > bytes.length || end - start > MAX_HEADER) return undefined;
  try {
    const h = JSON.parse(bytes.subarray(start, end).toString('utf8')) as Partial<ResultHeader>;
    if (typeof h.key !== 'string' || typeof h.contentType !== 'string' || typeof h.sourceEtag !== 'string') return undefined;
    return { header: { key: h.key, contentType: h.contentType, sourceEtag: h.sourceEtag }, end };
  } catch {
    return undefined;
  }
}

/** decodeResultFile is the result a file holds, when it was written for `key`. */
export function decodeResultFile(key: string, bytes: Buffer): CachedResult | undefined {
  const parsed = parseHeader(bytes);
  if (!parsed || parsed.header.key !== key) return undefined;
  return { data: bytes.subarray(parsed.end), contentType: parsed.header.contentType, sourceEtag: parsed.header.sourceEtag };
}

/** readResultHeader reads only a file's header (indexing a folder reads no result bytes). */
export async function readResultHeader(file: string): Promise<ResultHeader | undefined> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(file, 'r');
    const head = Buffer.alloc(MAGIC.length + 4);
    if ((await fh.read(head, 0, head.length, 0)).bytesRead < head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const length = head.readUInt32BE(MAGIC.length);
    if (length > MAX_HEADER) return undefined;
    const all = Buffer.alloc(head.length + length);
    head.copy(all);
    if ((await fh.read(all, head.length, length, head.length)).bytesRead < length) return undefined;
    return parseHeader(all)?.header;
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}
