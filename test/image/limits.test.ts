/**
 * Limits and errors of the image service through real gRPC: a decompression bomb refused
 * from its header, every error path with its code and a message naming the problem, the
 * time budget, ignore-error/1, and RSS staying bounded under sustained load.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageFormat } from '../../generated/mediamesh/image/v1/operations';
import { callError, inline, object, pngBomb, processImage, rssKb, sharp, startImageMesh, type ImageMesh } from './image-fixtures';

let mesh: ImageMesh;
let photo: Buffer;
const S = grpc.status;

beforeAll(async () => {
  // 1 MiB input limit and a 2000 px output side, so the limits are cheap to reach.
  mesh = await startImageMesh({ MEDIAMESH_IMAGE_MAX_INPUT_BYTES: '1m', MEDIAMESH_IMAGE_MAX_OUTPUT_SIDE: '2000', MEDIAMESH_IMAGE_CONCURRENCY: '2' });
  photo = await sharp({ create: { width: 640, height: 427, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
});
afterAll(async () => mesh?.stop());

describe('decompression bomb', () => {
  it('a 30000×30000 PNG of ~100 KB is refused from its header within a second, RSS bounded', async () => {
    const bomb = pngBomb(30_000);
    expect(bomb.length).toBeLessThan(200_000);
    const before = rssKb(mesh.image.pid);
    for (const fop of ['imageView2/2/w/100', 'imageMogr2/thumbnail/!10p', 'imageAve', 'imageInfo']) {
      const started = Date.now();
      const err = await callError(processImage(mesh.client, { source: inline(bomb), fop }));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(err.code, `${fop}: ${err.details}`).toBe(S.RESOURCE_EXHAUSTED);
      expect(err.details).toMatch(/30000x30000 .*pixels/);
    }
    // 900 Mpx decoded would be ≥ 900 MB; allow generous noise for a Node process.
    expect(rssKb(mesh.image.pid) - before).toBeLessThan(150 * 1024);
  });
});

describe('error paths: code and a message naming the problem', () => {
  const cases: Array<[string, () => Promise<unknown>, number, RegExp]> = [
    ['bad parameter', () => processImage(mesh.client, { source: inline(photo), fop: 'imageView2/1/w/abc' }), S.INVALID_ARGUMENT, /imageView2: w: expected a positive integer, got "abc"/],
    ['unknown command', () => processImage(mesh.client, { source: inline(photo), fop: 'imageFoo/1' }), S.INVALID_ARGUMENT, /unknown image command "imageFoo"/],
    ['no operations', () => processImage(mesh.client, { source: inline(photo) }), S.INVALID_ARGUMENT, /no operations/],
    [
      'bad typed operation',
      () => processImage(mesh.client, { source: inline(photo), operations: [{ op: { $case: 'imageView2', value: { mode: 9, width: 1, height: 0, format: ImageFormat.IMAGE_FORMAT_UNSPECIFIED, interlace: false, quality: undefined, colors: 0, ignoreError: false, legacy: false } } }] }),
      S.INVALID_ARGUMENT,
      /imageView2: mode: expected an integer from 0 to 5, got "9"/,
    ],
    ['no source', () => processImage(mesh.client, { fop: 'imageInfo' }), S.INVALID_ARGUMENT, /source: missing/],
    ['empty inline bytes', () => processImage(mesh.client, { source: inline(Buffer.alloc(0)), fop: 'imageInfo' }), S.INVALID_ARGUMENT, /inline bytes are empty/],
    ['object without key', () => processImage(mesh.client, { source: object('demo', ''), fop: 'imageInfo' }), S.INVALID_ARGUMENT, /needs a bucket and a key/],
    ['undecodable input', () => processImage(mesh.client, { source: inline(Buffer.from('definitely not an image')), fop: 'imageView2/2/w/10' }), S.INVALID_ARGUMENT, /source is not a decodable image/],
    ['truncated input', () => processImage(mesh.client, { source: inline(photo.subarray(0, 2000)), fop: 'imageView2/2/w/10' }), S.INVALID_ARGUMENT, /source is not a decodable image/],
    ['input over the byte limit', () => processImage(mesh.client, { source: inline(Buffer.alloc(1_200_000, 1)), fop: 'imageInfo' }), S.RESOURCE_EXHAUSTED, /1200000 bytes, more than the limit of 1048576/],
    ['output over the side limit', () => processImage(mesh.client, { source: inline(photo), fop: 'imageMogr2/thumbnail/3000x' }), S.RESOURCE_EXHAUSTED, /output 3000x2002 too big: a side above 2000/],
    ['crop box outside the image', () => processImage(mesh.client, { source: inline(photo), fop: 'imageMogr2/crop/!10x10a5000a0' }), S.INVALID_ARGUMENT, /crop box lies outside the image/],
    ['exif without EXIF', () => processImage(mesh.client, { source: inline(photo), fop: 'exif' }), S.INVALID_ARGUMENT, /^no exif data$/],
    ['remote watermark URL', () => processImage(mesh.client, { source: inline(photo), fop: 'watermark/1/image/aHR0cDovL2V2aWwvYS5wbmc=' }), S.INVALID_ARGUMENT, /remote URLs are not fetched/],
  ];
  it.each(cases)('%s', async (_name, call, code, message) => {
    const err = await callError(call());
    expect(err.code, err.details).toBe(code);
    expect(err.details).toMatch(message);
  });

  it('a storage object over the byte limit is cut off while streaming', async () => {
    await mesh.put('demo', 'big.bin', Buffer.alloc(3 * 1024 * 1024, 7));
    const err = await callError(processImage(mesh.client, { source: object('demo', 'big.bin'), fop: 'imageInfo' }));
    expect(err.code).toBe(S.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(/more than the limit of 1048576 bytes/);
  });

  it('ignore-error/1 returns the original instead of the error', async () => {
    const r = await processImage(mesh.client, { source: inline(photo), fop: 'imageMogr2/crop/!10x10a5000a0/ignore-error/1' });
    expect(r.originalReturned).toBe(true);
    expect(Buffer.from(r.data).equals(photo)).toBe(true);
    expect(r.contentType).toBe('image/jpeg');
  });
});

describe('time budget', () => {
  it('DEADLINE_EXCEEDED when processing exceeds MEDIAMESH_IMAGE_TIMEOUT_MS, and the service keeps serving', async () => {
    const slow = await startImageMesh({ MEDIAMESH_IMAGE_TIMEOUT_MS: '1000', MEDIAMESH_IMAGE_MAX_OUTPUT_PIXELS: '100000000' });
    try {
      const big = await sharp({ create: { width: 1000, height: 700, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 20 } } }).jpeg({ quality: 80 }).toBuffer();
      const started = Date.now();
      const err = await callError(processImage(slow.client, { source: inline(big), fop: 'imageMogr2/thumbnail/!900p/blur/50x40/format/png' }));
      expect(err.code, err.details).toBe(S.DEADLINE_EXCEEDED);
      expect(err.details).toMatch(/exceeded its time budget of 1000 ms/);
      // Answered at the budget, not when libvips would have finished (generous: the machine is shared).
      expect(Date.now() - started).toBeLessThan(8000);
      const ok = await processImage(slow.client, { source: inline(photo), fop: 'imageView2/2/w/50' });
      expect(ok.width).toBe(50);
    } finally {
      await slow.stop();
    }
  });
});

describe('sustained load', () => {
  it('RSS stays bounded over 80 requests at concurrency 6', async () => {
    const src = await sharp({ create: { width: 2725, height: 2225, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg({ quality: 85 }).toBuffer();
    const fops = ['imageView2/1/w/200/h/200', 'imageView2/2/w/800/format/webp', 'imageMogr2/thumbnail/!25p/rotate/30/format/png'];
    // A second service with the default limits (the source is above this suite's 1 MiB input limit).
    const mb = await startImageMesh({ MEDIAMESH_IMAGE_CONCURRENCY: '2' });
    try {
      const run = async (n: number) => {
        let i = 0;
        const worker = async () => {
          while (i < n) {
            const fop = fops[i++ % fops.length];
            await processImage(mb.client, { source: inline(src), fop });
          }
        };
        await Promise.all(Array.from({ length: 6 }, worker));
      };
      await run(20); // warm-up: allocator arenas and libvips buffers reach their working size
      const warm = rssKb(mb.image.pid);
      await run(60);
      const after = rssKb(mb.image.pid);
      console.info(`image service RSS under load: after warm-up ${Math.round(warm / 1024)} MB, after 60 more requests ${Math.round(after / 1024)} MB`);
      expect(after - warm, `warm ${warm} kB, after ${after} kB`).toBeLessThan(200 * 1024);
      expect(after).toBeLessThan(900 * 1024);
    } finally {
      await mb.stop();
    }
  });
});
