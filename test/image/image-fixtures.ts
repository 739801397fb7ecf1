/**
 * Helpers for the image suites: a real image service (and a real storage service) as child
 * processes, promisified calls, generated inputs (EXIF orientations, a decompression bomb).
 */
import * as grpc from '@grpc/grpc-js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ImageServiceClient, type ProcessRequest, type ProcessResponse } from '../../generated/mediamesh/image/v1/image';
import { StorageServiceClient } from '../../generated/mediamesh/storage/v1/storage';
import { seedBuckets } from '../../services/storage/seed';
import { startService, type StartedService } from '../../launcher/process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const sharp: typeof import('sharp') & ((input?: unknown, opts?: unknown) => import('sharp').Sharp) = require('sharp');

/** FIXTURES: the shared fixture images (absent on some machines: suites say they skipped). */
export const FIXTURES = join(process.env.MEDIAMESH_FIXTURES ?? join(__dirname, '../../../shared/fixtures'), 'images');
export const fixtureFiles = (): string[] => (existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => !f.endsWith('.md')).sort() : []);
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

export interface CallError {
  code: number;
  details: string;
}

/** process calls ImageService.Process and resolves with the response or the error's code/details. */
export function processImage(client: ImageServiceClient, req: Partial<ProcessRequest>, deadlineMs = 30_000): Promise<ProcessResponse> {
  const full: ProcessRequest = { source: undefined, operations: [], fop: '', accept: '', sourceEtag: '', ...req };
  return new Promise((resolve, reject) =>
    client.process(full, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(Object.assign(new Error(`Process failed: ${err.code} ${err.details}`), { code: err.code, details: err.details })) : resolve(res!))),
  );
}

/** expectError runs a call that must fail and returns its code and details. */
export async function callError(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (err) {
    const e = err as CallError;
    return { code: e.code, details: e.details };
  }
  throw new Error('call succeeded but was expected to fail');
}

export const inline = (data: Buffer) => ({ kind: { $case: 'inline' as const, value: data } });
export const object = (bucket: string, key: string) => ({ kind: { $case: 'object' as const, value: { bucket, key } } });

/** Mesh is a storage + image pair dialled directly (MEDIAMESH_MESH_MODE=direct). */
export interface ImageMesh {
  image: StartedService;
  storage: StartedService;
  client: ImageServiceClient;
  storageClient: StorageServiceClient;
  put(bucket: string, key: string, data: Buffer): Promise<void>;
  stop(): Promise<void>;
}

/** startImageMesh starts a real storage service, seeds the demo bucket and starts the image service against it. */
export async function startImageMesh(imageEnv: Record<string, string> = {}): Promise<ImageMesh> {
  const dir = mkdtempSync(join(tmpdir(), 'mm-image-'));
  const storage = await startService('services/storage/main.ts', { env: { MEDIAMESH_STORAGE_DIR: dir } });
  const image = await startService('services/image/main.ts', {
    env: { MEDIAMESH_MESH_MODE: 'direct', MEDIAMESH_DIRECT_STORAGE: storage.address, MALLOC_ARENA_MAX: '2', ...imageEnv },
  }).catch(async (err) => {
    await storage.stop();
    throw err;
  });
  const opts = { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 64 << 20 };
  const client = new ImageServiceClient(image.address, grpc.credentials.createInsecure(), opts);
  const storageClient = new StorageServiceClient(storage.address, grpc.credentials.createInsecure(), opts);
  await seedBuckets(storageClient);
  const put = (bucket: string, key: string, data: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const call = storageClient.putObject((err) => (err ? reject(err) : resolve()));
      call.write({ part: { $case: 'header', value: { bucket, key, contentType: '' } } });
      for (let i = 0; i < data.length; i += 64 * 1024) call.write({ part: { $case: 'chunk', value: data.subarray(i, i + 64 * 1024) } });
      call.end();
    });
  return {
    image,
    storage,
    client,
    storageClient,
    put,
    async stop() {
      client.close();
      storageClient.close();
      await Promise.all([image.stop(), storage.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** rssKb reads a process's resident set size from /proc. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * pngBomb writes a valid 1-bit greyscale PNG of side×side that is all zeros, by hand with
 * zlib (sharp would have to allocate it to make it): 30000² px in about 100 KB.
 */
export function pngBomb(side = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(side / 8); // filter byte + packed bits
  const idat = deflateSync(Buffer.alloc(row * side), { level: 9 });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** Upright test picture: white 60×40 with a red 20×15 block in the top-left corner. */
export async function uprightPicture(): Promise<Buffer> {
  const red = await sharp({ create: { width: 20, height: 15, channels: 3, background: '#ff0000' } }).png().toBuffer();
  return sharp({ create: { width: 60, height: 40, channels: 3, background: '#ffffff' } }).composite([{ input: red, left: 0, top: 0 }]).png().toBuffer();
}

// Orientation o is displayed by rotating the stored pixels by angle, then mirroring (libvips autorot).
const DISPLAY: Record<number, [number, boolean]> = { 1: [0, false], 2: [0, true], 3: [180, false], 4: [180, true], 5: [90, true], 6: [90, false], 7: [270, true], 8: [270, false] };

/** storedWithOrientation makes the JPEG a camera would store for the upright picture at EXIF orientation o. */
export async function storedWithOrientation(upright: Buffer, o: number): Promise<Buffer> {
  const [angle, mirror] = DISPLAY[o];
  // Invert "rotate then mirror": mirror first, then rotate back (two passes: sharp orders rotate before flop).
  const mirrored = mirror ? await sharp(upright).flop().png().toBuffer() : upright;
  return sharp(mirrored).rotate((360 - angle) % 360).jpeg({ quality: 95 }).withMetadata({ orientation: o }).toBuffer();
}

/** pixel reads one RGB pixel of an encoded image. */
export async function pixel(img: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i], data[i + 1], data[i + 2]];
}
